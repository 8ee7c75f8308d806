import Hummingbird
import Logging

/// Runs the application made by `makeApplication` (given the callback that receives the bound
/// port), waits until it listens, runs `body` with the port, then stops it.
func withLoopbackServer<T: Sendable, App: ApplicationProtocol>(
    name: String,
    makeApplication: (@escaping @Sendable (Int) async -> Void) -> App,
    _ body: (Int) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication { continuation.yield($0) }
        group.addTask {
            defer { continuation.finish() }
            try await app.run()
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = try await group.next()
            throw SimulatorError("the \(name) stopped before it was listening")
        }
        let result = try await body(port)
        group.cancelAll()
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
