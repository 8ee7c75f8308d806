import HermesCore

/// A row of `sessions` as read back, with the list view's preview and last activity.
public struct SessionRecord: Sendable, Hashable {
    /// The session's id.
    public var id: SessionID
    /// Where it comes from: `cli`, `api`, `telegram`…
    public var source: String
    /// The model it uses.
    public var model: String?
    /// The title people gave it, if any.
    public var title: String?
    /// The system prompt it started with.
    public var systemPrompt: String?
    /// The platform user, for platform sessions.
    public var userID: String?
    /// The platform chat, for platform sessions.
    public var chatID: String?
    /// The session this one continues.
    public var parentSessionID: SessionID?
    /// Seconds since 1970 (UTC).
    public var startedAt: Double
    /// When it ended (seconds since 1970), or `nil` while open.
    public var endedAt: Double?
    /// Why it ended.
    public var endReason: String?
    /// Messages appended.
    public var messageCount: Int
    /// Tool calls the assistant made.
    public var toolCallCount: Int
    /// Prompt tokens its model calls used.
    public var inputTokens: Int
    /// Tokens its model calls generated.
    public var outputTokens: Int
    /// Model calls made.
    public var apiCallCount: Int
    /// The time of the newest message, or `startedAt` when there is none.
    public var lastActive: Double
    /// The start of the first user message, at most 60 characters, newlines flattened.
    public var preview: String
}

/// Which sessions to list, newest first.
public struct SessionListQuery: Sendable, Hashable {
    /// Only sessions from these sources; `nil`: all.
    public var sources: [String]?
    /// The most sessions to return.
    public var limit: Int
    /// Sessions to skip, for paging.
    public var offset: Int

    /// Makes a list query.
    public init(sources: [String]? = nil, limit: Int = 20, offset: Int = 0) {
        self.sources = sources
        self.limit = limit
        self.offset = offset
    }
}
