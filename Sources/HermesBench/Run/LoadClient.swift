// The load generator's HTTP/1.1 client, written on SwiftNIO's HTTP codec rather than taken
// from async-http-client: AHC flushes a request's head and body separately (two write system
// calls per POST) and keeps a transaction state machine, a pool manager and a deadline timer per
// request. Against a trivial endpoint that held the generator to about 0.45× of what `wrk`
// reaches on the same machine; the issue asks for at least half. This client writes each request
// in one flush (one vectored write), uses NIOHTTP1's encoder and decoder, and keeps idle keep-alive connections
// on a stack. Plain `http://` only: a benchmark over TLS would measure TLS.
import Foundation
import HermesCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// What came back for one request.
struct LoadResponse: Sendable {
    /// The HTTP status.
    var status: UInt = 0
    /// The `Server-Timing` header, when there was one.
    var serverTiming: String?
    /// When the first body chunk holding a streamed content delta arrived.
    var firstContent: ContinuousClock.Instant?
    /// The last two body chunks as text: a stream's finish chunk and `[DONE]` may be split between them.
    var tail = ""
    /// Whether the server keeps the connection open.
    var keepAlive = true
}

/// Why a request got no answer.
enum LoadError: Error, Sendable {
    /// The connection could not be made, or broke.
    case connection
    /// No byte arrived for the read timeout.
    case timeout
}

/// Keep-alive HTTP/1.1 connections to one server, one request at a time on each.
final class LoadClient: Sendable {
    /// `host:port` and the path prefix of the server's base URL.
    let host: String
    let port: Int
    let basePath: String
    private let readTimeout: TimeAmount
    private let idle = Mutex<[any Channel]>([])

    /// A client for `baseURL` (`http://HOST[:PORT][/PREFIX]`); nil for anything else.
    init?(baseURL: String, readTimeout: Duration = .seconds(120)) {
        guard let components = URLComponents(string: baseURL), components.scheme == "http", let host = components.host,
            !host.isEmpty
        else { return nil }
        self.host = host
        port = components.port ?? 80
        basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        self.readTimeout = .nanoseconds(readTimeout.nanoseconds)
    }

    /// A request head for `path` (under the base URL's prefix) with `Host` and `headers`.
    func head(_ method: HTTPMethod, _ path: String, headers: [(String, String)]) -> HTTPRequestHead {
        var fields = HTTPHeaders([("Host", "\(host):\(port)")])
        fields.add(contentsOf: headers)
        return HTTPRequestHead(version: .http1_1, method: method, uri: basePath + path, headers: fields)
    }

    /// Sends a request and waits for the answer; `stream` asks for the first streamed content
    /// delta to be timed and the last chunks kept.
    func execute(_ head: HTTPRequestHead, body: ByteBuffer, stream: Bool) async throws(LoadError) -> LoadResponse {
        let channel = try await checkout()
        let promise = channel.eventLoop.makePromise(of: LoadResponse.self)
        var head = head
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        let pending = PendingRequest(head: head, body: body, stream: stream, promise: promise)
        // The handler takes charge of `promise` when the write reaches it; if it never does (the
        // channel closed first), the failed write fails the promise here instead.
        channel.writeAndFlush(pending).whenFailure { _ in promise.fail(LoadError.connection) }
        do {
            let response = try await promise.futureResult.get()
            if response.keepAlive { checkin(channel) } else { channel.close(promise: nil) }
            return response
        } catch {
            channel.close(promise: nil)
            throw error as? LoadError ?? .connection
        }
    }

    /// Closes the idle connections.
    func shutdown() async {
        let channels = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        for channel in channels { try? await channel.close() }
    }

    private func checkout() async throws(LoadError) -> any Channel {
        while let channel = idle.withLock({ $0.popLast() }) {
            if channel.isActive { return channel }
        }
        do {
            let timeout = readTimeout
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: timeout))
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(LoadConnectionHandler())
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            throw .connection
        }
    }

    private func checkin(_ channel: any Channel) {
        idle.withLock { $0.append(channel) }
    }
}

/// A request on its way to the connection's handler.
private struct PendingRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var stream: Bool
    var promise: EventLoopPromise<LoadResponse>
}

/// Writes one request at a time and gathers its answer; completes the request's promise exactly
/// once: with the response at its end, or with a failure when the connection breaks or times out.
private final class LoadConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = HTTPClientRequestPart

    private var current: PendingRequest?
    private var response = LoadResponse()
    private var previousChunk: ByteBuffer?
    private var lastChunk: ByteBuffer?

    private static let contentDelta = Array(#""delta":{"content""#.utf8)

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed(())
        guard current == nil, context.channel.isActive else {
            request.promise.fail(LoadError.connection)
            return
        }
        current = request
        response = LoadResponse()
        previousChunk = nil
        lastChunk = nil
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let request = current else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            response.status = head.status.code
            response.serverTiming = head.headers["Server-Timing"].first
            response.keepAlive = head.isKeepAlive
        case .body(let chunk):
            guard request.stream else { return }
            if response.firstContent == nil, Self.contains(Self.contentDelta, in: previousChunk, chunk) {
                response.firstContent = .now
            }
            previousChunk = lastChunk
            lastChunk = chunk
        case .end:
            if request.stream {
                response.tail = (previousChunk.map { String(buffer: $0) } ?? "") + (lastChunk.map { String(buffer: $0) } ?? "")
            }
            current = nil
            request.promise.succeed(response)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, let request = current {
            current = nil
            request.promise.fail(LoadError.timeout)
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail()
        context.fireChannelInactive()
    }

    private func fail() {
        guard let request = current else { return }
        current = nil
        request.promise.fail(LoadError.connection)
    }

    /// Whether `needle` occurs in `chunk`, or across the end of `previous` and the start of `chunk`.
    private static func contains(_ needle: [UInt8], in previous: ByteBuffer?, _ chunk: ByteBuffer) -> Bool {
        var bytes = previous.map { Array($0.readableBytesView.suffix(needle.count - 1)) } ?? []
        bytes.append(contentsOf: chunk.readableBytesView)
        guard bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
                if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            }
            return false
        }
    }
}
