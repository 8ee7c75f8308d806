import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesSimulators
import HermesStore
import HermesTools
import Logging

/// The targets a run drives, with the simulators and servers each needs.
extension ScenarioRunner {
    static func withTarget<T: Sendable>(
        _ target: Scenario.Target, scenario: Scenario, options: RunOptions, scratch: String, recorder: RunRecorder,
        _ body: @escaping @Sendable (any BenchTarget, SQLiteSessionStore?) async throws -> T
    ) async throws -> T {
        switch target {
        case .url(let url):
            return try await withLoadClient(url, scenario: scenario) { client in
                try await body(HTTPTarget(client: client, apiKey: options.apiKey), nil)
            }
        case .store:
            let store = try await SQLiteSessionStore.open(at: scratch + "/state.db")
            do {
                let result = try await body(StoreTarget(store: store, recorder: recorder), store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .process:
            let executable = ProcessTarget.siblingExecutable
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ScenarioError(
                    file: scenario.file, line: 0,
                    "target: process starts the hermes executable beside hermes-bench, and there is none at \(executable); build both (swift build)")
            }
            return try await withSimulators(scenario) { llm, web in
                try await body(ProcessTarget(executable: executable, llm: llm, web: web, scratch: scratch, recorder: recorder), nil)
            }
        case .agent:
            return try await withSimulators(scenario) { llm, web in
                // The turn loop has no admission limit here; neither does its model client.
                try await withModelClient(connections: 4096) { http in
                    let model = OpenAIClient(configuration: .init(baseURL: llm), httpClient: http)
                    return try await body(
                        AgentTarget(
                            model: model, web: web, directory: scratch + "/workspace",
                            compressor: scenario.compression.map { ContextCompressor(model: model, settings: $0) },
                            histories: MessageSource(workload: scenario.workload, seed: scenario.seed).prefilledHistories()),
                        nil)
                }
            }
        case .gateway where scenario.workload.channel == .telegram:
            let deliveries = DeliveryWaiters()
            return try await withSimulators(scenario) { llm, web in
                try await PlatformSimulator(delay: scenario.platformDelay).withServer { platform in
                    let telegram = TelegramSettings(
                        botToken: "bench", secretToken: TelegramTarget.secret, apiBaseURL: platform,
                        editInterval: scenario.platformEditInterval)
                    return try await withGateway(
                        llm: llm, web: web, scratch: scratch, scenario: scenario, telegram: telegram,
                        onDelivery: deliveries.delivered
                    ) { baseURL, store in
                        try await withLoadClient(baseURL, scenario: scenario) { client in
                            try await body(TelegramTarget(client: client, deliveries: deliveries), store)
                        }
                    }
                }
            }
        case .gateway:
            return try await withSimulators(scenario) { llm, web in
                try await withGateway(llm: llm, web: web, scratch: scratch, scenario: scenario) { baseURL, store in
                    try await withLoadClient(baseURL, scenario: scenario) { client in
                        try await body(HTTPTarget(client: client, apiKey: "hermes-bench"), store)
                    }
                }
            }
        }
    }

    static func withSimulators<T: Sendable>(
        _ scenario: Scenario, _ body: @escaping @Sendable (String, WebConfiguration) async throws -> T
    ) async throws -> T {
        try await LLMSimulator(config: scenario.llm).withServer { llm in
            try await WebSearchSimulator().withServer { web in
                try await body(llm, WebConfiguration(baseURL: web, apiKey: "bench"))
            }
        }
    }

    /// An in-process gateway on loopback over a store in `scratch`, agents on the simulators, with
    /// the scenario's limits and compression, and its prefilled sessions in the store; its
    /// Telegram webhook is on when `telegram` is given.
    static func withGateway<T: Sendable>(
        llm: String, web: WebConfiguration, scratch: String, scenario: Scenario, telegram: TelegramSettings? = nil,
        onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil,
        _ body: @escaping @Sendable (String, SQLiteSessionStore) async throws -> T
    ) async throws -> T {
        let limits = scenario.gatewayLimits
        let store = try await SQLiteSessionStore.open(at: scratch + "/gateway.db")
        let tools = ToolRegistry.builtIn()
        let directory = scratch + "/workspace"
        var logger = Logger(label: "hermes.bench.gateway")
        // Stopping the gateway at the end of a run cancels its connections; that is not news.
        logger.logLevel = .critical
        let configuration = GatewayConfiguration(
            port: 0, apiKey: "hermes-bench", maxConcurrentTurns: limits.maxConcurrentTurns,
            maxQueuedPerSession: limits.maxQueuedPerSession, maxPendingTurns: limits.maxPendingTurns, telegram: telegram)
        do {
            // One model connection per turn that may run at once, as `hermes gateway` has.
            for (session, history) in MessageSource(workload: scenario.workload, seed: scenario.seed).prefilledHistories() {
                try await store.createSession(NewSession(id: SessionID(session), source: "api"))
                try await store.append(history, to: SessionID(session))
            }
            let result = try await withModelClient(connections: limits.maxConcurrentTurns) { http in
                let model = OpenAIClient(configuration: .init(baseURL: llm), httpClient: http)
                let compressor = scenario.compression.map { ContextCompressor(model: model, settings: $0) }
                let gateway = Gateway(configuration: configuration, store: store, logger: logger, onDelivery: onDelivery) {
                    session, history in
                    try Agent(
                        model: model, tools: tools,
                        context: ToolContext(
                            sessionID: session, workingDirectory: directory, todos: TodoStore(restoringFrom: history),
                            web: web),
                        configuration: AgentConfiguration(toolsets: ["file", "web", "todo"], maxIterations: 8),
                        history: history, compressor: compressor)
                }
                return try await gateway.withServer { baseURL in try await body(baseURL, store) }
            }
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// A model client with room for `connections` calls at once, shut down after `body`.
    static func withModelClient<T: Sendable>(
        connections: Int, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        let client = HTTPClient.makeModelClient(connectionsPerHost: connections)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The agents' working directory: a few files for the file tools to read and search, the same
    /// on every run (a real checkout would make tool timings depend on what else lies around).
    static func makeWorkspace(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/Sources", withIntermediateDirectories: true)
        let line = "Hermes answers with tools; this line is here to be read and searched.\n"
        try String(repeating: line, count: 200).write(toFile: path + "/README.md", atomically: true, encoding: .utf8)
        for index in 0..<20 {
            try String(repeating: "// Hermes module \(index)\nlet value\(index) = \(index)\n", count: 50)
                .write(toFile: path + "/Sources/File\(index).swift", atomically: true, encoding: .utf8)
        }
    }

    /// The load generator's client for `url` (one connection per request in flight), closed after `body`.
    static func withLoadClient<T: Sendable>(
        _ url: String, scenario: Scenario, _ body: (LoadClient) async throws -> T
    ) async throws -> T {
        guard let client = LoadClient(baseURL: url) else {
            throw ScenarioError(
                file: scenario.file, line: 0,
                "the target \(url) is not http://HOST[:PORT]: hermes-bench speaks plain HTTP/1.1 (TLS would be measured too); use the server's plain HTTP address")
        }
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
