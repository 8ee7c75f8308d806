import AsyncHTTPClient
import NIOCore
import NIOPosix

extension HTTPClient {
    /// The process-wide pooled client for model calls (keep-alive, up to 64 connections per host).
    ///
    /// Unlike `HTTPClient.shared`, it bounds connection establishment to 5 seconds: with the
    /// shared defaults, a request to a server that refuses connections keeps retrying until the
    /// request's own deadline, which for a model call is many minutes.
    public static let hermes: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }()
}
