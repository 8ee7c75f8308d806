import Hummingbird
import Logging
import ServiceLifecycle

/// Runs the application made by `makeApplication` (given the callback that receives the bound
/// port), waits until it listens, runs `body` with the port, then stops it with a graceful
/// shutdown: a cancelled NIO server can trap on a connection it had just accepted (swift-nio
/// issue 3481), and a simulator is connected to until the end.
func withLoopbackServer<T: Sendable, App: ApplicationProtocol>(
    name: String,
    makeApplication: (@escaping @Sendable (Int) async -> Void) -> App,
    _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var configuration = ServiceGroupConfiguration(
        services: [makeApplication { continuation.yield($0) }], logger: Logger(label: "hermes.simulator"))
    configuration.maximumGracefulShutdownDuration = .seconds(10)
    let services = ServiceGroup(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw SimulatorError("the \(name) stopped before it was listening")
        }
        let result: T
        do {
            result = try await body(port)
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

/// A simulator's router as an application on `host:port`; `onRunning` gets the bound port.
func simulatorApplication(
    router: Router<BasicRequestContext>, host: String, port: Int, serverName: String, logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void
) -> some ApplicationProtocol {
    Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: serverName),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
