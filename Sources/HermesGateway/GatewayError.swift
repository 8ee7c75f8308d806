/// Why the gateway refused or failed a request; `code` decides the HTTP status.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: Sendable, Hashable {
        /// The session's queue is full (429, with Retry-After).
        case queueFull
        /// The gateway is shutting down and takes no new turns (503).
        case shuttingDown
        /// The request is malformed (400).
        case badRequest
        /// The configuration cannot be used (at start-up).
        case configuration
        /// The model or the tools failed during the turn (502).
        case agentFailed
        /// The turn's messages could not be stored (500).
        case storeFailed
        /// The caller went away (or the task was cancelled) before the turn finished.
        case cancelled
    }

    /// The kind of failure.
    public let code: Code
    /// What happened and what to do, for a person.
    public let message: String
    /// The underlying error, when there is one.
    public let cause: (any Error & Sendable)?

    /// Makes an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
