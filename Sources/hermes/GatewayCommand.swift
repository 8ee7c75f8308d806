import ArgumentParser
import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesStore
import HermesTelemetry
import HermesTools

/// `hermes gateway`: the OpenAI-compatible API server, until SIGTERM or SIGINT.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve the OpenAI-compatible API (and health checks) until SIGTERM or SIGINT.",
        discussion: """
            Prints `listening on http://HOST:PORT` once it accepts connections (--port 0 picks a free \
            port). Settings come from flags, then the environment (API_SERVER_KEY, HERMES_BASE_URL, \
            HERMES_API_KEY, HERMES_MODEL, HERMES_DB, HERMES_WEB_BASE_URL, HERMES_WEB_API_KEY), then the \
            --config YAML file (see the README), then the defaults. On SIGTERM it takes no new turns, lets \
            running ones finish and be stored, and exits 0.
            """
    )

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on; 0 picks a free one (default 8642).")
    var port: Int?

    @Option(name: .long, help: "The session database (env HERMES_DB; default ~/.hermes/state.db).")
    var db: String?

    @Option(name: .long, help: "A YAML settings file.")
    var config: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port \(port) is not a TCP port; use 0...65535 (0 picks a free one)")
        }
    }

    func run() async throws {
        var settings: GatewaySettings
        do {
            settings = try GatewaySettings.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.error("hermes: \(error.message)\n")
            throw ExitCode(2)
        }
        if let host { settings.gateway.host = host }
        if let port { settings.gateway.port = port }
        if let db { settings.databasePath = db }
        guard let baseURL = settings.modelBaseURL else {
            Terminal.error("hermes: no model endpoint: set HERMES_BASE_URL or model.base_url in the --config file\n")
            throw ExitCode(2)
        }
        let tools = ToolRegistry.builtIn()
        do {
            _ = try tools.specs(forToolsets: settings.toolsets)
        } catch {
            Terminal.error("hermes: agent.toolsets: \(error.message)\n")
            throw ExitCode(2)
        }
        let metrics = HermesMetrics()
        let store: SQLiteSessionStore
        do {
            store = try await SQLiteSessionStore.open(
                at: DatabaseLocation.resolve(settings.databasePath), onCommit: metrics.commitObserver)
        } catch let error as StoreError {
            Terminal.error("hermes: \(error)\n")
            throw ExitCode(1)
        }
        // One model connection per turn that may run at once, so running turns never queue for one.
        let modelHTTP = HTTPClient.makeModelClient(connectionsPerHost: settings.gateway.maxConcurrentTurns)
        let gateway = Gateway(
            configuration: settings.gateway, store: store, metrics: metrics,
            makeAgent: Self.agentFactory(settings, baseURL, tools, metrics, modelHTTP))
        let host = settings.gateway.host
        do {
            try await gateway.run(store: store) { port in
                Terminal.out("listening on http://\(host):\(port)\n")
            }
        } catch {
            try? await modelHTTP.shutdown()
            throw error
        }
        try? await modelHTTP.shutdown()
    }

    /// Agents share one model client and one tool registry; each has its own context.
    private static func agentFactory(
        _ settings: GatewaySettings, _ baseURL: String, _ tools: ToolRegistry, _ metrics: HermesMetrics,
        _ http: HTTPClient
    ) -> AgentFactory {
        let client = MeteredChatModel(
            OpenAIClient(
                configuration: .init(baseURL: baseURL, apiKey: settings.modelAPIKey, model: settings.modelName),
                httpClient: http),
            metrics: metrics)
        // One summary cache for every agent: a span is summarised once, whichever agent meets it.
        let compressor = settings.compression.map {
            ContextCompressor(model: client, settings: $0, cache: SummaryCache(), metrics: metrics)
        }
        let agentConfiguration = AgentConfiguration(
            systemPrompt: settings.systemPrompt ?? AgentConfiguration.defaultSystemPrompt,
            model: settings.modelName, toolsets: settings.toolsets, maxIterations: settings.maxIterations)
        let web = WebConfiguration(baseURL: settings.webBaseURL, apiKey: settings.webAPIKey)
        let directory = FileManager.default.currentDirectoryPath
        return { session, history in
            try Agent(
                model: client, tools: tools,
                context: ToolContext(
                    sessionID: session, workingDirectory: directory, todos: TodoStore(restoringFrom: history), web: web),
                configuration: agentConfiguration, history: history, compressor: compressor)
        }
    }
}
