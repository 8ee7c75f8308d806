import HermesLLM

/// Why a turn failed. A failed turn leaves the agent's history as it was before the turn.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is (bounded: safe as a metric label).
    public enum Code: String, Sendable {
        /// A turn was started while another was running on the same agent.
        case busy
        /// The model call failed (see `cause`).
        case model
        /// The configuration names something that does not exist (an unknown toolset).
        case configuration
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, for a person.
    public let message: String
    /// The model error, for `.model`.
    public let cause: LLMError?
    /// Where it was made.
    public let file: String
    /// Where it was made.
    public let line: Int

    /// Makes an error; `file` and `line` default to the call site.
    public init(_ code: Code, _ message: String, cause: LLMError? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { message }
}
