/// Why a turn failed. A failed turn leaves the agent's history as it was before the turn, and
/// the store as it was: a turn is stored whole or not at all.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is (bounded: safe as a metric label).
    public enum Code: String, Sendable {
        /// A turn was started while another was running on the same agent.
        case busy
        /// The model call failed (see `cause`).
        case model
        /// The configuration names something that does not exist (an unknown toolset).
        case configuration
        /// The session store failed: the session could not be loaded, or the turn not stored.
        case store
        /// The turn was cancelled before it finished; nothing of it was stored.
        case cancelled
        /// Anything else went wrong (see `cause`).
        case failed
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, for a person.
    public let message: String
    /// The underlying error: the model's for `.model`, the store's for `.store`.
    public let cause: (any Error & Sendable)?
    /// Where it was made.
    public let file: String
    /// Where it was made.
    public let line: Int

    /// Makes an error; `file` and `line` default to the call site.
    public init(
        _ code: Code, _ message: String, cause: (any Error & Sendable)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { message }
}
