import HermesCore
import HermesStore

/// One message for the agent of a session.
public struct TurnRequest: Sendable {
    /// The session, with what is known about it should it not exist yet (its `source` is the
    /// platform the message came from).
    public var session: NewSession
    /// The user's text.
    public var text: String
    /// The conversation before `text` as the caller sent it, replacing the stored one; `nil`
    /// continues the session's own history (from the cache, or from the store).
    public var history: [Message]?
    /// Added to the system prompt for this turn only (an API caller's system message).
    public var instructions: String?

    /// Makes a request.
    public init(session: NewSession, text: String, history: [Message]? = nil, instructions: String? = nil) {
        self.session = session
        self.text = text
        self.history = history
        self.instructions = instructions
    }
}

/// Builds the agent of a session from its history (a new session, or one evicted from the
/// cache); `session.source` names the platform, which decides the agent's tools, and
/// `session.systemPrompt` is the prompt stored with the session, if any, for the factory to
/// reuse (a resumed session keeps its prompt word for word) or to build anew.
public typealias AgentFactory = @Sendable (_ session: NewSession, _ history: [Message]) async throws(AgentError) -> Agent
