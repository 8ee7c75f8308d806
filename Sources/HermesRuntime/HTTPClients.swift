import AsyncHTTPClient
import HermesLLM
import NIOCore
import NIOPosix

/// The runtime's outgoing HTTP, one connection pool per role, so that one kind of traffic never
/// queues behind another: a flood of Telegram edits does not hold the connections the model
/// calls need, nor a slow web search theirs.
public struct HTTPClients: Sendable {
    /// Model calls: one connection per turn that may run at once (each turn makes one model call
    /// at a time), so running turns never wait for a connection.
    public let model: HTTPClient
    /// The tools' calls (web search and extract): as many at once as turns may run.
    public let tools: HTTPClient
    /// Chat platform APIs (Telegram's `sendMessage`, `editMessageText`): one delivery per running
    /// turn, each making one call at a time.
    public let platforms: HTTPClient

    /// The pools of a runtime that runs up to `concurrentTurns` turns at once; none of them opens
    /// a connection before its first call.
    init(concurrentTurns: Int) {
        model = HTTPClient.makeModelClient(connectionsPerHost: concurrentTurns)
        tools = Self.pool(connectionsPerHost: concurrentTurns)
        platforms = Self.pool(connectionsPerHost: concurrentTurns)
    }

    /// A pooled client that gives up connecting after 5 seconds (the shared client's default
    /// keeps retrying a refused connection until the request's own deadline).
    private static func pool(connectionsPerHost: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Closes every pool.
    func shutdown() async {
        for client in [model, tools, platforms] { try? await client.shutdown() }
    }
}
