import Foundation
import HermesCore
import HermesGateway
import HermesLLM
import HermesSimulators
import HermesTelemetry
import NIOHTTP1
import Subprocess
import SystemPackage
import Testing

/// `GET /metrics` after real turns: every listed metric is there, and promtool accepts the text.
@Suite("gateway metrics", .timeLimit(.minutes(1)))
struct GatewayMetricsTests {
    @Test("the exposition names every Hermes metric with its samples, and passes promtool check metrics")
    func exposition() async throws {
        var config = LLMSimulatorConfig()
        config.toolCalls = [.init(tool: "todo", arguments: ["todos": [["id": "1", "content": "a", "status": "pending"]]])]
        let metrics = HermesMetrics()
        let configuration = GatewayConfiguration(apiKey: "k", maxQueuedPerSession: 0, agentCacheSize: 1)
        try await LLMSimulator(config: config).withServer { llm in
            let model = OpenAIClient(configuration: .init(baseURL: llm, model: "sim"))
            try await withGateway(configuration, metrics: metrics, makeAgent: agentFactory(model, metrics: metrics)) { gateway in
                for session in ["a", "b"] {
                    let response = try await gateway.send(
                        "/v1/chat/completions", body: RunningGateway.chat("hi"),
                        headers: ["Authorization": "Bearer k", "X-Hermes-Session-Id": session])
                    #expect(response.status == 200)
                }
                let scrape = try await gateway.send("/metrics", method: .GET)
                #expect(scrape.status == 200)
                #expect(scrape.headers["Content-Type"].first?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = scrape.body
                for sample in [
                    "hermes_turn_duration_seconds_count 2", "hermes_llm_request_duration_seconds_count 4",
                    #"hermes_llm_requests_total{status="ok"} 4"#, #"hermes_tool_duration_seconds_count{tool="todo"} 2"#,
                    "hermes_store_commit_duration_seconds_count", "hermes_store_batch_size_count",
                    "hermes_agent_cache_entries 1", "hermes_agent_cache_evictions_total 1", "hermes_inflight_turns 0",
                    "hermes_queue_rejections_total 0", "hermes_allocated_bytes", "hermes_resident_bytes",
                    "process_start_time_seconds",
                ] {
                    #expect(text.contains(sample), "missing \(sample)")
                }
                #expect(text.contains("# HELP hermes_turn_duration_seconds "))
                try await checkWithPromtool(text)
            }
        }
    }

    private func checkWithPromtool(_ text: String) async throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile)
        else {
            // scripts/test installs Debian's prometheus package; only an unreachable apt leaves it out.
            print("skipped promtool check: promtool is not installed (apt-get install prometheus)")
            return
        }
        let result = try await Subprocess.run(
            .path(FilePath(promtool)), arguments: ["check", "metrics"], input: .string(text),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        #expect(result.terminationStatus.isSuccess, "promtool: \(result.standardOutput)\(result.standardError)")
    }
}
