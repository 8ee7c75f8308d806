import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesSimulators
import Testing

@testable import HermesBench

@Suite("hermes-bench with context compression", .timeLimit(.minutes(1)))
struct CompressionRunTests {
    @Test func theSectionsAreRead() throws {
        let scenario = try ScenarioLoader.parse(
            """
            name: burst
            about: Compression.
            target: agent
            llm:
              summary_requests: {match: "summar", first_token: {median: 400ms, p99: 900ms}, reply_tokens: {min: 5, max: 9}}
            compression: {context_length: 16000, threshold: 0.8, protect_last: 6, summary_timeout: 2s}
            workload:
              model: closed
              users: 2
              duration: 1s
              sessions: 10
              prefill: {sessions: 4, tokens: 9000}
            thresholds:
              turn.fresh.p99: "< 1s"
              compression.p50: ">= 400ms"
            """, file: "burst.yaml")
        let rule = try #require(scenario.llm.summaryRequests)
        #expect(rule.match == "summar" && rule.firstToken.p99 == .milliseconds(900) && rule.replyTokens == 5...9)
        let compression = try #require(scenario.compression)
        #expect(compression.contextLength == 16_000 && compression.thresholdPercent == 0.8 && compression.protectLast == 6)
        #expect(compression.summaryTimeout == .seconds(2))
        #expect(scenario.workload.prefill == Workload.Prefill(sessions: 4, tokens: 9000))
        let histories = MessageSource(workload: scenario.workload, seed: 1).prefilledHistories()
        #expect(Set(histories.keys) == ["bench-0", "bench-1", "bench-2", "bench-3"])
        for history in histories.values {
            #expect(TokenEstimator().tokens(in: history) >= 9000 && history.count % 2 == 0)
        }
        let source = MessageSource(workload: scenario.workload, seed: 1)
        #expect((0..<10).map { source.request($0).group } == Array(repeating: "prefilled", count: 4) + Array(repeating: "fresh", count: 6))
    }

    @Test(arguments: [
        (
            "target: store\ncompression: {context_length: 8000}\nworkload: {model: closed, users: 1, duration: 1s}", 4,
            "needs target: agent or gateway"
        ),
        (
            "target: agent\ncompression: {threshold: 0.5}\nworkload: {model: closed, users: 1, duration: 1s}", 4,
            "compression.context_length is missing"
        ),
        (
            "target: agent\nworkload: {model: closed, users: 1, duration: 1s, sessions: 2, prefill: {sessions: 3, tokens: 10}}", 4,
            "more than workload.sessions"
        ),
        ("target: agent\nllm: {summary_requests: {status: 200}}\nworkload: {model: closed, users: 1, duration: 1s}", 4, "it must be at least 400"),
    ])
    func mistakesAreRefused(yaml: String, line: Int, words: String) {
        #expect {
            _ = try ScenarioLoader.parse("name: x\nabout: y\n" + yaml, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? ScenarioError else { return false }
            return error.line == line && error.message.contains(words)
        }
    }

    @Test func prefilledSessionsCompressAndTheRunSaysSo() async throws {
        let scenario = try ScenarioLoader.parse(
            """
            name: tiny-burst
            about: Four sessions cross the threshold.
            target: agent
            llm:
              first_token: 10ms
              reply_tokens: {min: 5, max: 5}
              summary_requests: {first_token: 4s, reply_tokens: {min: 20, max: 20}}
            compression: {context_length: 4000}
            workload:
              model: open
              phases: [{duration: 1s, rate: 8/s}]
              sessions: 8
              prefill: {sessions: 4, tokens: 3200}
            """, file: "tiny-burst.yaml")
        let out = NSTemporaryDirectory() + "hermes-runs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let report = try await ScenarioRunner.run(scenario, options: RunOptions(outputDirectory: out)).report
        #expect(report.counts.completed == 8 && report.counts.compressions == ["summarized": 4], "\(report.counts)")
        #expect(report.latency["compression"]?.count == 4)
        let summaries = try #require(report.latency["compression"])
        #expect(summaries.p50 >= 4)
        #expect(report.latency["turn.prefilled"]?.count == 4 && report.latency["turn.fresh"]?.count == 4)
        // Counted as overhead, each prefilled turn's overhead would hold its whole summary call:
        // no bound in seconds, only that no overhead reaches the shortest summary (4 s of sleep),
        // which takes a miscount, not a busy machine.
        let overhead = try #require(report.latency["overhead"])
        #expect(
            overhead.max < summaries.min,
            "the summary call is not counted as overhead: overhead \(overhead.max) s at most, summaries \(summaries.min) s at least")
    }
}
