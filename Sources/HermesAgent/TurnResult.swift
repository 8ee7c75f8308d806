import HermesCore

/// What one turn did: the reply, the messages it added, tokens, and where the time went.
public struct TurnResult: Sendable {
    /// Why the turn ended.
    public enum StopReason: String, Sendable {
        /// The model gave a final answer.
        case completed
        /// The turn used its whole iteration budget while the model still asked for tools.
        case iterationBudget = "iteration_budget"
    }

    /// The final assistant text.
    public var reply: String
    /// The messages the turn appended to the history (user, assistant, tool, ..., assistant).
    public var messages: [Message]
    /// Tokens over all model calls of the turn.
    public var usage: Usage
    /// Model calls made.
    public var modelCalls: Int
    /// Why the turn ended.
    public var stopReason: StopReason
    /// Every tool call that ran, in the order the model asked.
    public var toolRuns: [ToolRun]
    /// The whole turn.
    public var duration: Duration
    /// Time spent waiting for the model.
    public var modelTime: Duration
    /// Wall time spent running tool batches (parallel calls overlap, so this is not their sum).
    public var toolTime: Duration
    /// Time to the first streamed token of the turn, when streamed.
    public var timeToFirstToken: Duration?
    /// When the turn compressed the history before it: the history that replaces the old one
    /// (`messages` follow it). A store compacts the session to it before appending `messages`.
    public var compaction: Compaction? = nil
    /// When a compression rebuilt the session's system prompt: the new one, which a store keeps
    /// in place of the old (after the compaction).
    public var systemPrompt: String? = nil
    /// When Python would review the memory or the skills after this turn: what and how
    /// (`Agent.review(_:)` runs it).
    public var review: ReviewRequest? = nil

    /// The runtime's own cost: the turn minus model and tool time.
    public var overhead: Duration { duration - modelTime - toolTime }
}

/// One tool call's execution.
public struct ToolRun: Sendable {
    /// The call.
    public var call: ToolCall
    /// The text returned to the model.
    public var result: String
    /// Whether the result is an error.
    public var isError: Bool
    /// When it started.
    public var started: ContinuousClock.Instant
    /// When it ended.
    public var ended: ContinuousClock.Instant

    /// How long it ran.
    public var duration: Duration { ended - started }
}

/// Progress of a turn, for streaming delivery.
public enum AgentEvent: Sendable {
    /// More reply text from the model.
    case textDelta(String)
    /// A tool call is about to run.
    case toolStarted(ToolCall)
    /// A tool call finished.
    case toolFinished(ToolRun)
}

/// Receives the progress of a turn; must be quick.
public typealias AgentEventHandler = @Sendable (AgentEvent) -> Void
