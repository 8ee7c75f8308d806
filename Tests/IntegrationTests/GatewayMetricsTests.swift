import Foundation
import HermesCore
import HermesGateway
import HermesSimulators
import HermesTesting
import NIOHTTP1
import Testing

/// `GET /metrics` after real turns: every listed metric is there, and promtool accepts the text.
@Suite("gateway metrics", .timeLimit(.minutes(1)))
struct GatewayMetricsTests {
    /// The exposition after one turn in each of two sessions, with room for one agent.
    private func scrape() async throws -> (contentType: String?, text: String) {
        var config = LLMSimulatorConfig()
        config.toolCalls = [.init(tool: "todo", arguments: ["todos": [["id": "1", "content": "a", "status": "pending"]]])]
        let configuration = GatewayConfiguration(maxQueuedPerSession: 0, agentCacheSize: 1)
        return try await LLMSimulator(config: config).withServer { llm in
            try await withGateway(configuration, model: simulatorModel(llm)) { gateway in
                for session in ["a", "b"] {
                    let response = try await gateway.send(
                        "/v1/chat/completions", body: RunningGateway.chat("hi"),
                        headers: ["X-Hermes-Session-Id": session])
                    #expect(response.status == 200)
                }
                let scrape = try await gateway.send("/metrics", method: .GET)
                #expect(scrape.status == 200)
                return (scrape.headers["Content-Type"].first, scrape.body)
            }
        }
    }

    @Test("the exposition names every Hermes metric with its samples")
    func exposition() async throws {
        let (contentType, text) = try await scrape()
        #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        for sample in [
            "hermes_turn_duration_seconds_count 2", "hermes_llm_request_duration_seconds_count 4",
            #"hermes_llm_requests_total{status="ok"} 4"#, #"hermes_tool_duration_seconds_count{tool="todo"} 2"#,
            "hermes_store_commit_duration_seconds_count", "hermes_store_batch_size_count",
            "hermes_agent_cache_entries 1", "hermes_agent_cache_evictions_total 1", "hermes_inflight_turns 0",
            "hermes_queue_rejections_total 0", "hermes_turn_queue_wait_seconds_count 2", "hermes_allocated_bytes",
            "hermes_resident_bytes", "process_start_time_seconds",
        ] {
            #expect(text.contains(sample), "missing \(sample)")
        }
        #expect(text.contains("# HELP hermes_turn_duration_seconds "))
    }

    @Test("the exposition passes promtool check metrics", .requires(.promtool))
    func promtoolAcceptsIt() async throws {
        try await Prerequisite.promtool.require()
        let (_, text) = try await scrape()
        let result = try await runProcess("promtool", ["check", "metrics"], input: text)
        #expect(result.status == 0, "promtool: \(result.standardOutput)\(result.standardError)")
    }
}
