import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesRuntime
import HermesSimulators
import HermesTesting
import HermesTools
import NIOCore
import NIOHTTP1
import Testing

@testable import HermesBench

/// What the harness measures is what ships: the harness's in-process gateway target and the
/// `hermes gateway` binary, given the same settings (one configuration file, one environment,
/// the same flags), expose the same `/metrics` families and send the model the same tools.
@Suite("one assembly: the harness's gateway is the shipped one", .timeLimit(.minutes(2)))
struct SameAssemblyTests {
    /// What one turn through a gateway showed.
    private struct Observed {
        var families: Set<String>
        var tools: JSONValue
        var systemPrompt: String?
    }

    @Test func theInProcessTargetAndTheBinaryAreAssembledAlike() async throws {
        let directory = NSTemporaryDirectory() + "same-assembly-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.yaml"
        try """
        model: {context_length: 64000}
        agent: {max_turns: 12, system_prompt: "You are the assembly check."}
        limits: {max_concurrent_turns: 8, agent_cache_size: 4}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        // One home for both: skill_manage's description names it.
        let home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)

        let inProcess = try await observe { llm, key in
            var flags = SettingsFlags()
            flags.port = 0
            flags.db = directory + "/in-process.db"
            let settings = try RuntimeSettings.resolve(
                flags: flags, environment: ["HERMES_BASE_URL": llm, "API_SERVER_KEY": key, "HERMES_HOME": home], file: config)
            return try await ScenarioRunner.withGateway(settings) { baseURL, _ in try await turn(at: baseURL, key: key) }
        }
        let shipped = try await observe { llm, key in
            let (families, status, errors) = try await withChildProcess(
                Executables.hermes, ["gateway", "--config", config, "--port", "0", "--db", directory + "/binary.db"],
                environment: ["HERMES_BASE_URL": llm, "API_SERVER_KEY": key, "HERMES_HOME": home]
            ) { gateway in try await turn(at: gateway.listeningURL(), key: key) }
            #expect(status == 0, "hermes gateway: \(errors)")
            return families
        }
        #expect(inProcess.families == shipped.families)
        #expect(inProcess.families.isSuperset(of: ["hermes_turn_duration_seconds", "hermes_tool_duration_seconds", "hermes_llm_requests_total"]))
        #expect(inProcess.tools == shipped.tools, "the model was offered other tools")
        #expect(inProcess.tools.arrayValue?.count == 14, "every built-in tool: \(inProcess.tools)")
        // Each builds Python's prompt for its own home and directory, then adds the ephemeral one.
        for prompt in [inProcess.systemPrompt, shipped.systemPrompt] {
            #expect(prompt?.hasSuffix("\n\nYou are the assembly check.") == true, "\(prompt ?? "none")")
        }
    }

    @Test func theGatewayTargetKeepsTheShippedDefaultsButForWhatTheScenarioSets() throws {
        let scenario = try ScenarioLoader.parse(
            """
            name: defaults-check
            about: Settings of the in-process gateway.
            target: gateway
            gateway: {max_concurrent_turns: 7}
            compression: {context_length: 9000}
            workload: {model: closed, users: 1, duration: 1s}
            """, file: "defaults-check.yaml")
        let target = try ScenarioRunner.runtimeSettings(
            scenario: scenario, llm: "http://127.0.0.1:9/v1", web: WebConfiguration(baseURL: "http://127.0.0.1:8"), scratch: "/tmp/x")
        let shipped = try RuntimeSettings.resolve(environment: [:])
        #expect(target.toolsets == shipped.toolsets && target.platformToolsets == shipped.platformToolsets)
        #expect(target.maxIterations == shipped.maxIterations && target.systemPrompt == shipped.systemPrompt)
        #expect(target.stream == shipped.stream && target.model.name == shipped.model.name)
        #expect(target.gateway.agentCacheSize == shipped.gateway.agentCacheSize)
        #expect(target.gateway.maxConcurrentTurns == 7 && target.compression?.contextLength == 9000)
    }

    /// Runs `gateway` (given the LLM simulator's URL and the API key) against a simulator whose
    /// model calls the todo tool once; what its `/metrics` and the model's first request showed.
    private func observe(
        _ gateway: @escaping @Sendable (String, String) async throws -> Set<String>
    ) async throws -> Observed {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        config.toolCalls = [.init(tool: "todo", arguments: ["todos": [["id": "1", "content": "check", "status": "pending"]]])]
        let simulator = LLMSimulator(config: config)
        let families = try await simulator.withServer { llm in try await gateway(llm, "assembly-check-key") }
        let requests = try JSONValue(parsing: simulator.recentRequests())
        let first = try #require(requests.arrayValue?.first)
        return Observed(
            families: families, tools: first["tools"] ?? .null,
            systemPrompt: first["messages"]?.arrayValue?.first?["content"]?.stringValue)
    }

    /// One turn through the gateway at `baseURL`, then the families of its `/metrics`.
    private func turn(at baseURL: String, key: String) async throws -> Set<String> {
        var chat = HTTPClientRequest(url: baseURL + "/v1/chat/completions")
        chat.method = .POST
        chat.headers.add(name: "Authorization", value: "Bearer \(key)")
        chat.headers.add(name: "X-Hermes-Session-Id", value: "assembly")
        chat.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"check the assembly"}]}"#))
        let answer = try await HTTPClient.shared.execute(chat, timeout: .seconds(30))
        _ = try await answer.body.collect(upTo: 1 << 20)
        #expect(answer.status == .ok)
        let scrape = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/metrics"), timeout: .seconds(30))
        let text = String(buffer: try await scrape.body.collect(upTo: 1 << 20))
        return Set(
            text.split(separator: "\n").compactMap { line in
                line.hasPrefix("# TYPE ") ? line.split(separator: " ").dropFirst(2).first.map(String.init) : nil
            })
    }
}
