/// Why a chat-completions call failed.
///
/// `code` and `shortDescription` carry no request data, so they are safe as metric labels;
/// `message` has the details for a person.
public struct LLMError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The server answered with an error status.
        case httpStatus = "http_status"
        /// The connection failed or closed before a response.
        case connection
        /// The request ran past its timeout.
        case timeout
        /// The response body was not the JSON the API defines.
        case malformedResponse = "malformed_response"
        /// The event stream ended in the middle of an event or without its end marker.
        case streamTruncated = "stream_truncated"
        /// A tool call's `arguments` were not a JSON object.
        case invalidToolArguments = "invalid_tool_arguments"
        /// The client was set up wrongly (a bad base URL, say).
        case configuration
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, for a person.
    public let message: String
    /// The HTTP status, for `httpStatus`.
    public let status: Int?
    /// How long the server asked us to wait (`Retry-After`), when it said.
    public let retryAfter: Duration?
    /// The underlying error, if any.
    public let cause: (any Error & Sendable)?
    /// Where it was made.
    public let file: String
    /// Where it was made.
    public let line: Int

    /// Makes an error; `file` and `line` default to the call site.
    public init(
        _ code: Code, _ message: String, status: Int? = nil, retryAfter: Duration? = nil,
        cause: (any Error & Sendable)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
        self.cause = cause
        self.file = file
        self.line = line
    }

    /// Whether a new attempt may succeed: rate limits, server errors, timeouts, lost connections.
    public var isRetryable: Bool {
        switch code {
        case .httpStatus:
            guard let status else { return false }
            return status == 408 || status == 409 || status == 429 || status >= 500
        case .connection, .timeout: return true
        case .malformedResponse, .streamTruncated, .invalidToolArguments, .configuration: return false
        }
    }

    /// A label-safe summary: the code, and the status class for HTTP errors.
    public var shortDescription: String {
        if code == .httpStatus, let status { return "http_\(status)" }
        return code.rawValue
    }

    public var description: String { message }
}
