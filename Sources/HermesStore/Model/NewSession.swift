import HermesCore

/// What is known about a session when it starts: a row of `sessions` before any message.
public struct NewSession: Sendable, Hashable {
    /// The session's id.
    public var id: SessionID
    /// Where it comes from: `cli`, `api`, `telegram`, a webhook route… (`sessions.source`).
    public var source: String
    /// The model the agent uses.
    public var model: String?
    /// The system prompt the session started with.
    public var systemPrompt: String?
    /// The platform's user, for platform sessions.
    public var userID: String?
    /// The platform's chat (or room).
    public var chatID: String?
    /// The kind of chat: `private`, `group`…
    public var chatType: String?
    /// The thread or topic inside the chat.
    public var threadID: String?
    /// The session this one continues (after compression, a branch…).
    public var parentSessionID: SessionID?
    /// The working directory of a CLI session.
    public var workingDirectory: String?
    /// When it started, in seconds since 1970 (UTC). Defaults to now.
    public var startedAt: Double?

    /// Makes a session description; only `id` and `source` are required.
    public init(
        id: SessionID, source: String, model: String? = nil, systemPrompt: String? = nil,
        userID: String? = nil, chatID: String? = nil, chatType: String? = nil, threadID: String? = nil,
        parentSessionID: SessionID? = nil, workingDirectory: String? = nil, startedAt: Double? = nil
    ) {
        self.id = id
        self.source = source
        self.model = model
        self.systemPrompt = systemPrompt
        self.userID = userID
        self.chatID = chatID
        self.chatType = chatType
        self.threadID = threadID
        self.parentSessionID = parentSessionID
        self.workingDirectory = workingDirectory
        self.startedAt = startedAt
    }
}

/// Token and call counts to add to a session's row together with the messages of a turn.
public struct SessionUsage: Sendable, Hashable {
    /// Prompt tokens the turn's model calls used.
    public var inputTokens: Int
    /// Tokens the model generated.
    public var outputTokens: Int
    /// Model calls made.
    public var apiCalls: Int

    /// Makes a usage delta.
    public init(inputTokens: Int = 0, outputTokens: Int = 0, apiCalls: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.apiCalls = apiCalls
    }

    /// The usage of `calls` model calls that reported `usage`.
    public init(_ usage: Usage, calls: Int) {
        self.init(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens, apiCalls: calls)
    }

    /// Nothing to add.
    public static let none = SessionUsage()
}
