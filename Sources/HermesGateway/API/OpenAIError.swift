import HTTPTypes
import HermesCore
import Hummingbird
import NIOCore

/// An error answered in the OpenAI envelope (`{"error": {"message", "type", "param", "code"}}`),
/// as the Python project's API server does, so OpenAI SDK clients raise a readable exception.
public struct OpenAIError: Error, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// What was wrong and what to do.
    public var message: String
    /// `invalid_request_error`, `server_error`, `rate_limit_error`…
    public var type: String
    /// The request field at fault, when there is one.
    public var param: String?
    /// A stable machine-readable code (`invalid_api_key`, `body_too_large`…).
    public var code: String?
    /// Extra headers (`Retry-After`).
    public var headers: HTTPFields

    /// Makes an error.
    public init(
        _ status: HTTPResponse.Status, _ message: String, type: String = "invalid_request_error",
        param: String? = nil, code: String? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers
    }

    /// The JSON body.
    public var body: String {
        let param = param.map(jsonQuoted) ?? "null"
        let code = code.map(jsonQuoted) ?? "null"
        return #"{"error":{"message":\#(jsonQuoted(message)),"type":"\#(type)","param":\#(param),"code":\#(code)}}"#
    }

    /// The response carrying it.
    public var response: Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

extension OpenAIError {
    /// The answer to a turn the gateway refused or that failed.
    init(_ error: GatewayError, retryAfterSeconds: Int) {
        switch error.code {
        case .queueFull:
            self.init(
                .tooManyRequests, error.message, type: "rate_limit_error", code: "session_busy",
                headers: [.retryAfter: String(retryAfterSeconds)])
        case .shuttingDown:
            self.init(.serviceUnavailable, error.message, type: "server_error", code: "shutting_down")
        case .badRequest, .configuration:
            self.init(.badRequest, error.message)
        case .agentFailed:
            self.init(.badGateway, error.message, type: "server_error", code: "agent_incomplete")
        case .storeFailed:
            self.init(.internalServerError, error.message, type: "server_error", code: "store_error")
        case .cancelled:
            self.init(.internalServerError, error.message, type: "server_error", code: "cancelled")
        }
    }
}
