import HermesCore

/// A message row as recall reads it back: the stored text and tool calls as they are, for
/// `session_search`'s answers, which show what was said rather than a conversation to resend.
public struct RecallMessage: Sendable, Hashable {
    /// The row id: insertion order across the whole database.
    public var id: Int64
    /// The session it belongs to.
    public var sessionID: SessionID
    /// The stored role.
    public var role: String
    /// The text (multimodal content reads as its text parts).
    public var content: String?
    /// The stored `tool_calls` JSON; nil when there are none or the column cannot be read.
    public var toolCalls: JSONValue?
    /// For a tool result: the call it answers.
    public var toolCallID: String?
    /// For a tool result: the tool's name.
    public var toolName: String?
    /// Seconds since 1970 (UTC).
    public var timestamp: Double
}

/// Messages around an anchor, in id order, with how many of the session's messages lie just
/// before and after the anchor within the window (fewer than the window at either end).
public struct MessageWindow: Sendable, Hashable {
    /// The anchor and its neighbours; empty when the anchor is not in the session.
    public var messages: [RecallMessage]
    /// Messages of the window before the anchor.
    public var before: Int
    /// Messages of the window after the anchor.
    public var after: Int

    /// Makes a window.
    public init(messages: [RecallMessage] = [], before: Int = 0, after: Int = 0) {
        self.messages = messages
        self.before = before
        self.after = after
    }
}

/// A window around an anchor plus the session's opening and closing user and assistant messages
/// outside it (the Python project's `get_anchored_view`).
public struct AnchoredView: Sendable, Hashable {
    /// The window, without tool messages other than the anchor.
    public var window: MessageWindow
    /// The first non-empty user and assistant messages before the window.
    public var opening: [RecallMessage]
    /// The last non-empty user and assistant messages after the window.
    public var closing: [RecallMessage]

    /// Makes a view.
    public init(window: MessageWindow = MessageWindow(), opening: [RecallMessage] = [], closing: [RecallMessage] = []) {
        self.window = window
        self.opening = opening
        self.closing = closing
    }
}

/// Which sessions to list by recent activity, as a session picker shows them: roots and branches,
/// not archived, a compressed conversation once under its latest continuation.
public struct RecentSessionsQuery: Sendable, Hashable {
    /// No sessions from these sources.
    public var excludedSources: [String]
    /// The most sessions to return.
    public var limit: Int

    /// Makes a query.
    public init(excludedSources: [String] = [], limit: Int = 20) {
        self.excludedSources = excludedSources
        self.limit = limit
    }
}
