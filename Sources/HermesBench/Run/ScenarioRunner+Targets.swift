import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesGateway
import HermesRuntime
import HermesSimulators
import HermesStore
import HermesTools
import Logging

/// The targets a run drives, with the simulators and servers each needs. The `agent` and
/// `gateway` targets run the runtime as `HermesRuntime.start` assembles it for `hermes gateway`,
/// from settings resolved the same way (`runtimeSettings`), so the harness measures what ships.
extension ScenarioRunner {
    /// Waits for the work the runtime goes on with after the last reply (background reviews of
    /// memory and skills), so the end measurement counts all of it and not however much of it the
    /// scheduler happened to run: without it the smoke gate's allocation counts wandered by ±1.4%.
    /// A no-op for targets in another process.
    typealias Settle = @Sendable () async -> Void

    static func withTarget<T: Sendable>(
        _ target: Scenario.Target, scenario: Scenario, options: RunOptions, scratch: String, recorder: RunRecorder,
        _ body: @escaping @Sendable (any BenchTarget, SQLiteSessionStore?, Settle) async throws -> T
    ) async throws -> T {
        switch target {
        case .url(let url):
            return try await withLoadClient(url, scenario: scenario) { client in
                try await body(HTTPTarget(client: client, apiKey: options.apiKey), nil, {})
            }
        case .store:
            let store = try await SQLiteSessionStore.open(at: scratch + "/state.db")
            do {
                let result = try await body(StoreTarget(store: store, recorder: recorder), store, {})
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
            return try await withSimulators(scenario, scratch: scratch) { llm, web in
                try await body(
                    ProcessTarget(executable: executable, llm: llm, web: web, scratch: scratch, recorder: recorder), nil, {})
            }
        case .agent:
            return try await withSimulators(scenario, scratch: scratch) { llm, web in
                var settings = try runtimeSettings(scenario: scenario, llm: llm, web: web, scratch: scratch)
                settings.databasePath = nil
                return try await withRuntime(settings, logger: quietLogger) { runtime in
                    let histories = MessageSource(workload: scenario.workload, seed: scenario.seed).prefilledHistories()
                    return try await body(AgentTarget(runtime: runtime, histories: histories), nil) {
                        await runtime.sessions.reviews.idle()
                    }
                }
            }
        case .gateway where scenario.workload.channel == .telegram:
            let deliveries = DeliveryWaiters()
            return try await withSimulators(scenario, scratch: scratch) { llm, web in
                try await PlatformSimulator(delay: scenario.platformDelay).withServer { platform in
                    var settings = try runtimeSettings(scenario: scenario, llm: llm, web: web, scratch: scratch)
                    settings.gateway.telegram = TelegramSettings(
                        botToken: "bench", secretToken: TelegramTarget.secret, apiBaseURL: platform,
                        editInterval: scenario.platformEditInterval)
                    return try await withGateway(settings, scenario: scenario, onDelivery: deliveries.delivered) { baseURL, runtime in
                        try await withLoadClient(baseURL, scenario: scenario) { client in
                            try await body(TelegramTarget(client: client, deliveries: deliveries), runtime.store) {
                                await runtime.sessions.reviews.idle()
                            }
                        }
                    }
                }
            }
        case .gateway:
            return try await withSimulators(scenario, scratch: scratch) { llm, web in
                let settings = try runtimeSettings(scenario: scenario, llm: llm, web: web, scratch: scratch)
                return try await withGateway(settings, scenario: scenario) { baseURL, runtime in
                    try await withLoadClient(baseURL, scenario: scenario) { client in
                        try await body(HTTPTarget(client: client, apiKey: apiKey), runtime.store) {
                            await runtime.sessions.reviews.idle()
                        }
                    }
                }
            }
        }
    }

    /// The bearer key of the gateways a run starts (in-process and `target: process`): random
    /// for each harness process, so a gateway that the harness starts is never open to a key
    /// someone could guess, and nothing has to be configured.
    static let apiKey = (0..<16).map { _ in UInt8.random(in: .min ... .max) }.hexEncoded

    /// Stopping the gateway at the end of a run cancels its connections; that is not news.
    static var quietLogger: Logger {
        var logger = Logger(label: "hermes.bench.runtime")
        logger.logLevel = .critical
        return logger
    }

    /// The scenario's LLM and web-search simulators; the LLM's answers do not depend on where
    /// `scratch` is.
    static func withSimulators<T: Sendable>(
        _ scenario: Scenario, scratch: String, _ body: @escaping @Sendable (String, WebConfiguration) async throws -> T
    ) async throws -> T {
        var config = scenario.llm
        config.streamKeyIgnoring = scratch
        return try await LLMSimulator(config: config).withServer { llm in
            try await WebSearchSimulator().withServer { web in
                try await body(llm, WebConfiguration(baseURL: web, apiKey: "bench"))
            }
        }
    }

    /// The settings of the runtime a scenario drives, resolved as `hermes gateway` resolves its
    /// own (defaults for everything the scenario does not set), from flags alone: none of the
    /// caller's environment leaks into a measurement. The model and the web tools are the
    /// simulators, the database is in `scratch`, the agents work in its generated workspace, and
    /// the scenario's limits and compression apply. The prompt has no toolchain line.
    static func runtimeSettings(
        scenario: Scenario, llm: String, web: WebConfiguration, scratch: String
    ) throws(ScenarioError) -> RuntimeSettings {
        var flags = SettingsFlags()
        flags.host = "127.0.0.1"
        flags.port = 0
        flags.db = scratch + "/gateway.db"
        flags.baseURL = llm
        var settings = try RuntimeSettings.resolve(flags: flags, environment: [:])
        settings.apiKey = apiKey
        // The harness is the operator of its own bot: every simulated chat may talk to it.
        settings.gateway.access = .open
        settings.gateway.pairingDirectory = nil
        settings.gateway.maxConcurrentTurns = scenario.gatewayLimits.maxConcurrentTurns
        settings.gateway.maxQueuedPerSession = scenario.gatewayLimits.maxQueuedPerSession
        settings.gateway.maxPendingTurns = scenario.gatewayLimits.maxPendingTurns
        settings.web = web
        settings.compression = scenario.compression
        settings.workingDirectory = scratch + "/workspace"
        // The toolchain probe reads the machine's Python, and would run during the first measured turns.
        settings.environmentProbe = false
        return settings
    }

    /// The in-process gateway over the runtime `settings` assemble, on loopback, with the
    /// scenario's prefilled sessions in its store; `body` gets its base URL and the runtime.
    static func withGateway<T: Sendable>(
        _ settings: RuntimeSettings, scenario: Scenario? = nil, onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil,
        _ body: @escaping @Sendable (String, HermesRuntime) async throws -> T
    ) async throws -> T {
        try await withRuntime(settings, logger: quietLogger) { runtime in
            if let scenario, let store = runtime.store {
                for (session, history) in MessageSource(workload: scenario.workload, seed: scenario.seed).prefilledHistories() {
                    try await store.createSession(NewSession(id: SessionID(session), source: "api"))
                    try await store.append(history, to: SessionID(session))
                }
            }
            return try await runtime.makeGateway(onDelivery: onDelivery).withServer { baseURL in
                try await body(baseURL, runtime)
            }
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
                "the target \(url) is not http://HOST[:PORT]: hermes-bench speaks plain HTTP/1.1 (TLS would be measured too); use the server's plain HTTP address"
            )
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
