import HermesTelemetry
import NIOCore
import NIOHTTP1

/// Counts the requests NIO's HTTP parser refuses before any route sees them, in
/// `hermes_rejected_requests_total{reason}`: `headers_too_large` past its 80 KiB of headers,
/// `malformed_request` for anything else it cannot parse. The refusal itself (400, connection
/// closed) stays the server's; the error passes on unchanged.
final class ParserErrorCounter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let metrics: HermesMetrics

    init(metrics: HermesMetrics) {
        self.metrics = metrics
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            metrics.recordRejectedRequest(reason: error == .headerOverflow ? "headers_too_large" : "malformed_request")
        }
        context.fireErrorCaught(error)
    }
}
