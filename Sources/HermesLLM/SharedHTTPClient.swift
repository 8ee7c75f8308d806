import AsyncHTTPClient
import NIOCore
import NIOPosix

extension HTTPClient {
    /// The process-wide pooled client for model calls (keep-alive, up to 64 connections per host).
    ///
    /// Unlike `HTTPClient.shared`, it bounds connection establishment to 5 seconds: with the
    /// shared defaults, a request to a server that refuses connections keeps retrying until the
    /// request's own deadline, which for a model call is many minutes.
    public static let hermes = makeModelClient(connectionsPerHost: 64)

    /// A pooled client like `hermes` with room for `connectionsPerHost` calls at once; a gateway
    /// that runs N turns at once needs N (each turn makes one model call at a time), or its turns
    /// queue for a connection inside the client. Shut it down when done.
    public static func makeModelClient(connectionsPerHost: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connectionsPerHost)
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }
}
