import HermesCore

/// A row of `sessions` as read back, with the list view's preview and last activity.
public struct SessionRecord: Sendable, Hashable {
    public var id: SessionID
    public var source: String
    public var model: String?
    public var title: String?
    public var systemPrompt: String?
    public var userID: String?
    public var chatID: String?
    public var parentSessionID: SessionID?
    /// Seconds since 1970 (UTC).
    public var startedAt: Double
    public var endedAt: Double?
    public var endReason: String?
    public var messageCount: Int
    public var toolCallCount: Int
    public var inputTokens: Int
    public var outputTokens: Int
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
    public var limit: Int
    public var offset: Int

    /// Makes a list query.
    public init(sources: [String]? = nil, limit: Int = 20, offset: Int = 0) {
        self.sources = sources
        self.limit = limit
        self.offset = offset
    }
}
