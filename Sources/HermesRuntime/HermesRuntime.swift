import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesGateway
import HermesLLM
import HermesStore
import HermesTelemetry
import HermesTools
import Logging
import NIOPosix

/// The running parts of Hermes, put together in one place, `start(_:model:clock:logger:)`, from
/// resolved `RuntimeSettings`: the metrics registry, the HTTP pools, the model client (metered),
/// the tool registry and each platform's toolsets, the session store, the agent cache, context
/// compression and the session layer over them. `hermes gateway`, `hermes chat`, the harness's
/// in-process targets and the tests all start their runtime here, so what the benchmark
/// measures is what ships.
///
/// Stop it with `shutdown()` (or use `withRuntime`), which kills the background processes still
/// running, closes the store, committing what is queued, and the HTTP pools.
public struct HermesRuntime: Sendable {
    /// The settings it was assembled from.
    public let settings: RuntimeSettings
    /// What `/metrics` exposes.
    public let metrics: HermesMetrics
    /// The outgoing connection pools.
    public let clients: HTTPClients
    /// The agents' model, timed and counted in `metrics`.
    public let model: any ChatModel
    /// Every tool; each agent gets its platform's toolsets of it.
    public let tools: ToolRegistry
    /// The session store; nil when the settings record nothing.
    public let store: SQLiteSessionStore?
    /// Context compression at a configured context length, shared by every agent; nil when off,
    /// or when each agent's is made at the context length looked up for the model.
    public let compressor: ContextCompressor?
    /// Loads, runs and stores turns.
    public let sessions: Sessions
    /// The dangerous commands of chat sessions waiting for `/approve` or `/deny`.
    public let approvals: ChatApprovals
    /// The background processes `terminal(background=true)` starts, shared by every session
    /// (each sees only its own) and killed by `shutdown()`.
    public let processes: ProcessRegistry
    /// The clock of every timer: queues, edit rate limits, cache lifetimes, summary timeouts.
    public let clock: any HermesClock
    /// Where the parts log.
    public let logger: Logger

    /// Assembles a runtime from `settings`. `model` replaces the OpenAI-compatible client (tests
    /// give a scripted model; it is metered all the same); `clock` drives every timer.
    /// `approver` is asked about the dangerous commands of `cli` sessions (`hermes chat` on a
    /// terminal); a gateway session's are put to its chat (`approvals`), and refused where
    /// there is none (the API server, webhooks).
    ///
    /// Fails with a `ConfigError` when no model endpoint is set or the `command_allowlist` of
    /// `config.yaml` cannot be read, and with a `StoreError` naming
    /// the file when the session database cannot be opened; nothing is left running then.
    public static func start(
        _ settings: RuntimeSettings, model replacement: (any ChatModel)? = nil,
        clock: any HermesClock = ContinuousClock(), logger: Logger = Logger(label: "hermes"), approver: Approver = .nobody
    ) async throws -> HermesRuntime {
        guard replacement != nil || settings.model.baseURL != nil else {
            throw ConfigError(
                .setting("model.base_url"),
                "no model endpoint: set model.base_url in $HERMES_HOME/config.yaml, or HERMES_BASE_URL (hermes chat also takes --base-url)")
        }
        // The toolchain probe runs Python a few times: begun now, it overlaps the rest of the start.
        if settings.environmentProbe { EnvironmentProbe.start() }
        let metrics = HermesMetrics()
        var store: SQLiteSessionStore?
        if let path = settings.databasePath {
            store = try await SQLiteSessionStore.open(at: path, onCommit: metrics.commitObserver)
        }
        let clients = HTTPClients(concurrentTurns: settings.gateway.maxConcurrentTurns)
        let client: any ChatModel =
            replacement
            ?? OpenAIClient(
                configuration: .init(
                    baseURL: settings.model.baseURL ?? "", apiKey: settings.model.apiKey, model: settings.model.name),
                httpClient: clients.model, logger: logger)
        let model = MeteredChatModel(client, metrics: metrics)
        let tools = ToolRegistry.builtIn(hermesHome: settings.hermesHome, userHome: settings.userHome)
        // One summary cache for every agent: a span is summarised once, whichever agent meets it.
        let summaries = SummaryCache(clock: clock)
        let compressor = settings.compression.map {
            ContextCompressor(model: model, settings: $0, cache: summaries, metrics: metrics, clock: clock)
        }
        // Without a configured context length each agent's compressor gets the model's, looked up.
        let lookup =
            compressor == nil && settings.compressionEnabled
            ? ModelMetadata(
                httpClient: clients.model, clock: clock, logger: logger,
                savedLengths: await SessionCompressors.savedContextLengths(hermesHome: settings.hermesHome, logger: logger))
            : nil
        let compressors = SessionCompressors(
            fixed: compressor, lookup: lookup, tuning: settings.compressionTuning, model: model, modelSettings: settings.model,
            summaries: summaries, metrics: metrics, clock: clock, logger: logger)
        let agents = AgentCache(
            capacity: settings.gateway.agentCacheSize, idleTTL: settings.gateway.agentIdleTTL, metrics: metrics, clock: clock)
        let approvals = ChatApprovals(timeout: settings.approvalTimeout, clock: clock)
        let allowlist = try commandAllowlist(settings.commandAllowlistFile, logger: logger)
        let processes = ProcessRegistry(clock: clock)
        let sessions = Sessions(
            store: store, agents: agents, metrics: metrics, logger: logger,
            makeAgent: agentFactory(
                settings, model: model, tools: tools, compressors: compressors, store: store, clients: clients, clock: clock,
                logger: logger, approver: approver, approvals: approvals, allowlist: allowlist, processes: processes))
        return HermesRuntime(
            settings: settings, metrics: metrics, clients: clients, model: model, tools: tools, store: store,
            compressor: compressor, sessions: sessions, approvals: approvals, processes: processes, clock: clock,
            logger: logger)
    }

    /// Agents share the model, the tools, the compressor and the store (`session_search` reads
    /// it); each has its own context, and the toolsets of the platform its session came from.
    private static func agentFactory(
        _ settings: RuntimeSettings, model: any ChatModel, tools: ToolRegistry, compressors: SessionCompressors,
        store: (any SessionStore)?, clients: HTTPClients, clock: any HermesClock, logger: Logger, approver: Approver,
        approvals: ChatApprovals, allowlist: CommandAllowlist, processes: ProcessRegistry
    ) -> AgentFactory {
        var configured = AgentConfiguration(
            systemPrompt: AgentConfiguration.defaultSystemPrompt, model: settings.model.name, toolsets: [],
            maxIterations: settings.maxIterations, stream: settings.stream)
        configured.maxToolResultCharacters = settings.maxToolResultCharacters
        configured.ephemeralSystemPrompt = settings.systemPrompt
        configured.reviewNudges = settings.reviewNudges
        let base = configured
        let web = settings.web
        let directory = settings.workingDirectory
        let toolClient = clients.tools
        let pastSessions = store.map { StoreSessionHistory(store: $0, profile: settings.profile) }
        let platforms = ["cli", "api_server", "telegram", "webhook"]
        let byPlatform = Dictionary(uniqueKeysWithValues: platforms.map { ($0, settings.toolsets(for: $0, registry: tools)) })
        return { session, history throws(AgentError) in
            var configuration = base
            configuration.toolsets = byPlatform[session.source] ?? settings.toolsets(for: session.source, registry: tools)
            // The session's memory: its snapshot goes into a new prompt, its files are what the memory tool edits.
            let memory = settings.hermesHome.flatMap { home in
                settings.memory.needsStore ? MemoryStore(hermesHome: home, configuration: settings.memory) : nil
            }
            let compressor = await compressors.compressor()
            let prompt = PromptSource(
                session: session, toolsets: configuration.toolsets, memory: memory,
                contextLength: compressor?.settings.contextLength, settings: settings, tools: tools)
            configuration.systemPrompt = try await prompt.initial(resumed: !history.isEmpty)
            let chat = ChatAddress(platform: session.source, chatID: session.chatID ?? "", threadID: session.threadID)
            let asked: Approver =
                session.source == "cli"
                ? approver : .chat { [id = session.id.rawValue] request in await approvals.ask(session: id, in: chat, request) }
            let sessionApprovals = Approvals(
                approver: asked, yolo: settings.yolo, guard: settings.commandGuard, redactor: settings.redactor,
                allowlist: allowlist)
            var context = ToolContext(
                sessionID: session.id, workingDirectory: directory, todos: TodoStore(restoringFrom: history), web: web,
                httpClient: toolClient, clock: clock, approvals: sessionApprovals, pathGuard: settings.pathGuard,
                redactor: settings.redactor)
            context.terminalTimeout = settings.terminalTimeout
            context.memory = memory
            context.processes = processes
            // The API server answers one request and cannot speak later, and `hermes chat` exits
            // after its reply (Python's one-shot declares itself a stateless channel); the chat
            // platforms can, through the gateway, which delivers to the session's chat.
            context.asyncDelivery = session.source != "api_server" && session.source != "cli"
            if context.asyncDelivery { context.chat = chat }
            // Python's gateway binds the session's platform (its disabled-skills list); its CLI binds none.
            context.skills = settings.hermesHome.map { home in
                SkillsLibrary(
                    hermesHome: home, userHome: settings.userHome, profile: settings.profile,
                    platform: session.source == "cli" ? "" : session.source, sessionID: session.id.rawValue)
            }
            context.sessionHistory = pastSessions
            return try Agent(
                model: model, tools: tools, context: context, configuration: configuration, history: history,
                compressor: compressor, refreshPrompt: { try await prompt.refreshed($0) }, logger: logger, clock: clock)
        }
    }

    /// The kinds of command approved always, from `file` (Python's `config.yaml`), saved back to
    /// it on NIO's blocking pool; a failed save is logged, and the approval holds until exit.
    private static func commandAllowlist(_ file: String?, logger: Logger) throws(ConfigError) -> CommandAllowlist {
        guard let file else { return CommandAllowlist() }
        return CommandAllowlist(try CommandAllowlistFile.load(path: file)) { kinds in
            do {
                try await NIOThreadPool.singleton.runIfActive { try CommandAllowlistFile.save(kinds, to: file) }
            } catch {
                logger.warning("could not save the command allowlist", metadata: ["file": "\(file)", "error": "\(error)"])
                throw error
            }
        }
    }

    /// The gateway over this runtime's sessions, which also delivers the notifications of its
    /// background processes to their chats; it needs the session store and a usable API key.
    /// `onDelivery` hears, for each platform message accepted, when its reply was fully delivered.
    public func makeGateway(onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil) throws(ConfigError) -> Gateway {
        _ = try requireStore()
        return Gateway(
            configuration: settings.gateway, apiKey: try settings.apiServerKey(), sessions: sessions, approvals: approvals,
            metrics: metrics, platformClient: clients.platforms, processes: processes, redactor: settings.redactor,
            clock: clock, logger: logger, onDelivery: onDelivery)
    }

    /// Serves the gateway until SIGTERM or SIGINT, then shuts down gracefully (running turns
    /// finish and are stored, the store closes last); `onRunning` gets the bound port.
    public func serve(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeGateway().run(store: requireStore(), onRunning: onRunning)
    }

    private func requireStore() throws(ConfigError) -> SQLiteSessionStore {
        guard let store else {
            throw ConfigError(.setting("db"), "the gateway records every turn and needs a session database; drop --no-store")
        }
        return store
    }

    /// Kills the background processes still running, closes the store (committing what is
    /// queued) and the HTTP pools.
    public func shutdown() async {
        await sessions.reviews.shutdown()
        await processes.shutdown()
        await store?.close()
        await clients.shutdown()
    }
}

/// Starts a runtime, runs `body` with it, and shuts it down whatever `body` does.
public func withRuntime<T: Sendable>(
    _ settings: RuntimeSettings, model: (any ChatModel)? = nil, clock: any HermesClock = ContinuousClock(),
    logger: Logger = Logger(label: "hermes"), approver: Approver = .nobody, _ body: (HermesRuntime) async throws -> T
) async throws -> T {
    let runtime = try await HermesRuntime.start(settings, model: model, clock: clock, logger: logger, approver: approver)
    do {
        let result = try await body(runtime)
        await runtime.shutdown()
        return result
    } catch {
        await runtime.shutdown()
        throw error
    }
}

extension HermesMetrics {
    /// Records each store commit in `hermes_store_commit_duration_seconds` and
    /// `hermes_store_batch_size`.
    var commitObserver: CommitObserver {
        { [self] report in recordStoreCommit(writes: report.writes, duration: report.duration) }
    }
}
