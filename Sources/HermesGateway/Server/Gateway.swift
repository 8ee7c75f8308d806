import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesStore
import HermesTelemetry
import HermesTools
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The gateway server: the OpenAI-compatible API, the Telegram and signed webhooks, health
/// checks and metrics, over one `TurnRunner`. It routes, authenticates and delivers; the turns
/// themselves, and their storage, are the session layer's (`Sessions`). Build it through
/// `HermesRuntime.makeGateway`, which assembles every part the same way for every entry point.
///
/// Run it with `run(store:onRunning:)`, which also stops it gracefully on SIGTERM or SIGINT:
/// it takes no new turns, lets the admitted ones finish (within `shutdownGracePeriod`), then
/// closes the store so every finished turn is on disk.
public struct Gateway: Sendable {
    /// The settings in force.
    public let configuration: GatewayConfiguration
    /// What `/v1/*` requests must carry.
    let apiKey: APIServerKey
    /// Runs the turns.
    public let runner: TurnRunner
    /// What `/metrics` exposes.
    public let metrics: HermesMetrics
    /// Runs platform turns after their webhook was answered.
    public let background: BackgroundTurns
    private let seen = RecentIDs()
    private let pairing: PairingStore?
    private let approvals: ChatApprovals
    private let telegramClient: TelegramClient?
    private let notifier: ProcessNotifier?
    private let logger: Logger
    private let clock: any HermesClock
    private let onDelivery: (@Sendable (PlatformDelivery) -> Void)?

    /// Makes a gateway over `sessions` that answers API requests bearing `apiKey`. Platform APIs
    /// (Telegram) are called through `platformClient`; a Telegram turn's dangerous commands are
    /// put to its chat through `approvals`, answered there with `/approve` or `/deny`. The
    /// notifications of the background processes in `processes` become turns of the chat
    /// sessions that started them, their output masked by `redactor`. Queues and edit rate
    /// limits run on `clock`. `onDelivery` hears, for each platform message accepted, when its
    /// reply was fully delivered.
    public init(
        configuration: GatewayConfiguration, apiKey: APIServerKey, sessions: Sessions, approvals: ChatApprovals,
        metrics: HermesMetrics, platformClient: HTTPClient, processes: ProcessRegistry? = nil, redactor: Redactor = Redactor(),
        clock: any HermesClock = ContinuousClock(), logger: Logger = Logger(label: "hermes.gateway"),
        onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.apiKey = apiKey
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.onDelivery = onDelivery
        pairing = configuration.pairingDirectory.map { PairingStore(directory: $0) }
        self.approvals = approvals
        let telegramClient = configuration.telegram.map {
            TelegramClient(baseURL: $0.apiBaseURL, token: $0.botToken, httpClient: platformClient)
        }
        self.telegramClient = telegramClient
        if let telegramClient {
            approvals.register(platform: "telegram") { chat, text in
                guard let id = Int64(chat.chatID) else { throw GatewayError(.configuration, "not a Telegram chat: \(chat.chatID)") }
                _ = try await telegramClient.sendMessage(chat: id, text: text, thread: chat.threadID.flatMap { Int($0) }, replyTo: nil)
            }
        }
        let runner = TurnRunner(
            router: SessionRouter(
                maxConcurrentTurns: configuration.maxConcurrentTurns,
                maxQueuedPerSession: configuration.maxQueuedPerSession,
                maxAdmittedTurns: configuration.maxPendingTurns, clock: clock),
            sessions: sessions, metrics: metrics)
        self.runner = runner
        let background = BackgroundTurns()
        self.background = background
        let telegram = telegramClient.flatMap { client in
            configuration.telegram.map { TelegramReplyStream(client: client, interval: $0.editInterval, clock: clock) }
        }
        notifier = processes.map { processes in
            ProcessNotifier(
                processes: processes, runner: runner, background: background, mode: configuration.backgroundNotifications,
                redactor: redactor, telegram: telegram, logger: logger)
        }
    }

    /// The HTTP routes.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware(logger: logger, metrics: metrics))
        let health: @Sendable (Request, BasicRequestContext) -> Response = { _, _ in
            OpenAIRoutes.json(#"{"status":"ok","platform":"hermes-agent","version":"\#(HermesVersion.current)"}"#)
        }
        router.get("health", use: health)
        router.get("v1/health", use: health)
        router.get("metrics") { _, _ in
            runner.agents.sweep()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        OpenAIRoutes(runner: runner, configuration: configuration, apiKey: apiKey).register(on: router)
        if let telegram = configuration.telegram, let telegramClient {
            TelegramRoutes(
                settings: telegram, runner: runner, background: background, maxBodyBytes: configuration.maxBodyBytes,
                seen: seen, client: telegramClient, access: configuration.access, pairing: pairing, approvals: approvals,
                metrics: metrics, clock: clock, logger: logger
            ) { [metrics, onDelivery] delivery in
                if delivery.deliveryError == nil { metrics.recordTelegramReply(after: delivery.finished - delivery.received) }
                onDelivery?(delivery)
            }.register(on: router)
        }
        SignedWebhookRoutes(
            routes: configuration.webhooks, runner: runner, background: background,
            maxBodyBytes: configuration.maxBodyBytes, seen: seen, logger: logger
        ).register(on: router)
        return router
    }

    /// The server as a Hummingbird application (with the background turns and the process
    /// notifier as its services, the notifier stopping first); `onRunning` gets the bound port.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var quiet = logger
        // Hummingbird logs every connection at info; the gateway logs what matters itself.
        if quiet.logLevel < .warning { quiet.logLevel = .warning }
        let port = configuration.port
        var services: [any Service] = [background]
        if let notifier { services.append(notifier) }
        return Application(
            router: makeRouter(),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ParserErrorCounter(metrics: metrics)],
                    idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(
                address: .hostname(configuration.host, port: port), serverName: "hermes-gateway",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: quiet)
    }

    /// Runs the server while `body` runs, handing it the base URL (`http://HOST:PORT`, the port
    /// bound when the configuration says 0), then stops it. For tests and in-process benchmarks;
    /// `run(store:onRunning:)` is the production entry point.
    ///
    /// It stops with a graceful shutdown (bounded by `shutdownGracePeriod`), not by cancelling
    /// the server: a cancelled NIO server can leave a connection it had just accepted unserved,
    /// which traps (swift-nio issue 3481, "Deinited NIOAsyncWriter without calling finish()").
    public func withServer<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let (ports, found) = AsyncStream<Int>.makeStream()
        var configuration = ServiceGroupConfiguration(services: [makeApplication { found.yield($0) }], logger: logger)
        configuration.maximumGracefulShutdownDuration = self.configuration.shutdownGracePeriod
        let services = ServiceGroup(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { found.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                throw GatewayError(.configuration, "the gateway stopped before it was listening")
            }
            let result: T
            do {
                result = try await body("http://\(self.configuration.host):\(port)")
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }

    /// Serves until SIGTERM or SIGINT (or cancellation), then shuts down gracefully: refuses new
    /// turns, waits for running ones, and closes `store` (the sessions' store) last.
    public func run(
        store: some SessionStore & Service, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var group = ServiceGroupConfiguration(
            services: [store, makeApplication(onRunning: onRunning), ShutdownNotice(runner: runner, approvals: approvals)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        try await ServiceGroup(configuration: group).run()
    }
}

/// First to hear of a graceful shutdown (services stop in reverse order): makes the runner
/// refuse new turns while the server lets the admitted ones finish, and denies the commands
/// waiting for a chat's approval, so their turns finish too.
private struct ShutdownNotice: Service {
    let runner: TurnRunner
    let approvals: ChatApprovals

    func run() async throws {
        try? await gracefulShutdown()
        runner.stopAccepting()
        approvals.unregister(platform: "telegram")
    }
}
