import Foundation
import HermesConfig
import HermesCore
import HermesSimulators
import NIOHTTP1
import Testing

@testable import HermesBench

/// The load generator's HTTP side: the API channel through the in-process gateway, and the
/// client's failures, each counted as the outcome it is.
@Suite("hermes-bench over HTTP", .timeLimit(.minutes(1)))
struct HTTPTargetTests {
    private func gatewayRun(stream: Bool) async throws -> RunReport {
        let scenario = try ScenarioLoader.parse(
            """
            name: tiny-api
            about: A few API turns.
            target: gateway
            llm: {first_token: 20ms, tokens_per_second: 200, reply_tokens: {min: 4, max: 4}}
            workload: {model: closed, users: 4, duration: 2s, sessions: 4, stream: \(stream)}
            """, file: "tiny-api.yaml")
        let out = NSTemporaryDirectory() + "hermes-runs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        return try await ScenarioRunner.run(scenario, options: RunOptions(outputDirectory: out)).report
    }

    @Test func plainAndStreamedTurnsAreTimedFromTheGatewaysOwnAccounting() async throws {
        for stream in [false, true] {
            let report = try await gatewayRun(stream: stream)
            let completed = report.counts.completed
            #expect(completed >= 4 && report.counts.requests == completed, "stream \(stream): \(report.counts)")
            #expect(report.latency["llm"]?.count == UInt64(completed), "model time from Server-Timing or hermes.timing")
            #expect(try #require(report.latency["llm"]?.p50) >= 0.02)
            #expect(report.latency["ttft"]?.count == (stream ? UInt64(completed) : nil))
            if stream { #expect(try #require(report.latency["ttft"]?.p50) >= 0.02) }
        }
    }

    @Test func aRefusedConnectionIsCountedNotThrown() async throws {
        let target = HTTPTarget(client: try #require(LoadClient(baseURL: "http://127.0.0.1:1")), apiKey: nil)
        let outcome = await target.send(BenchRequest(session: "s", text: "hi", stream: false))
        guard case .failed(kind: "connection") = outcome else {
            Issue.record("expected a connection failure, got \(outcome)")
            return
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .milliseconds(1500))
        try await LLMSimulator(config: config).withServer { url in
            // The simulator's base URL ends in /v1, which HTTPTarget's path already has.
            let server = url.hasSuffix("/v1") ? String(url.dropLast(3)) : url
            let client = try #require(LoadClient(baseURL: server, readTimeout: .milliseconds(100)))
            let outcome = await HTTPTarget(client: client, apiKey: nil).send(BenchRequest(session: "s", text: "hi", stream: false))
            guard case .failed(kind: "timeout") = outcome else {
                Issue.record("expected a timeout, got \(outcome)")
                return
            }
            await client.shutdown()
        }
    }

    @Test func onlyPlainHTTPIsDriven() async throws {
        #expect(LoadClient(baseURL: "https://example.com") == nil)
        #expect(LoadClient(baseURL: "127.0.0.1:8642") == nil)
        let client = try #require(LoadClient(baseURL: "http://127.0.0.1:8642/prefix/"))
        #expect(client.head(.POST, "/v1/models", headers: []).uri == "/prefix/v1/models")
        let scenario = try ScenarioLoader.parse(
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}", file: "x.yaml")
        let error = await #expect(throws: ScenarioError.self) {
            _ = try await ScenarioRunner.run(scenario, options: RunOptions(targetURL: "https://example.com"))
        }
        #expect(error?.message.contains("is not http://HOST[:PORT]") == true)
    }
}
