import HermesCore

/// The past sessions `session_search` reads: what the runtime's session store answers, in the
/// tool's own terms, so the tools do not depend on the store.
///
/// Every method may be called from any task, concurrently; failures are thrown as they come (the
/// tool reports them to the model).
public protocol SessionHistory: Sendable {
    /// The profile whose sessions these are (`default`, or a profile's name).
    var profile: String { get }
    /// One session, or nil when there is none with that id.
    func session(_ id: SessionID) async throws -> PastSession?
    /// A session's live messages, in order.
    func messages(in session: SessionID) async throws -> [PastMessage]
    /// Up to `window` messages either side of message `anchor` of `session`; empty when the
    /// anchor is not one of its messages.
    func messages(around anchor: Int64, in session: SessionID, window: Int) async throws -> PastWindow
    /// The window around `anchor` without tool messages other than the anchor, with up to
    /// `bookend` of the session's first and last user and assistant messages outside it.
    func anchoredView(around anchor: Int64, in session: SessionID, window: Int, bookend: Int) async throws -> PastAnchoredView
    /// The session with this title, or its latest numbered continuation (`title #2`).
    func sessionID(titled title: String) async throws -> SessionID?
    /// The session message `id` belongs to.
    func sessionID(owningMessage id: Int64) async throws -> SessionID?
    /// Messages matching a full-text query (FTS5 syntax), best first.
    func search(_ query: PastSearch) async throws -> [PastMatch]
    /// Root and branch sessions by latest activity, a compressed conversation under its latest
    /// continuation's id.
    func recentSessions(excludingSources sources: [String], limit: Int) async throws -> [PastSession]
}

/// A session as `session_search` shows it.
public struct PastSession: Sendable, Hashable {
    /// Its id.
    public var id: SessionID
    /// Where it came from: `cli`, `telegram`, `cron`…
    public var source: String
    /// The model it used.
    public var model: String?
    /// Its title, if it has one.
    public var title: String?
    /// The session it continues or branched from.
    public var parentID: SessionID?
    /// When it started, in seconds since 1970.
    public var startedAt: Double
    /// Its newest message's time, else `startedAt`.
    public var lastActive: Double
    /// Messages appended.
    public var messageCount: Int
    /// The start of its first user message.
    public var preview: String

    /// Makes a session.
    public init(
        id: SessionID, source: String, model: String? = nil, title: String? = nil, parentID: SessionID? = nil,
        startedAt: Double, lastActive: Double? = nil, messageCount: Int = 0, preview: String = ""
    ) {
        self.id = id
        self.source = source
        self.model = model
        self.title = title
        self.parentID = parentID
        self.startedAt = startedAt
        self.lastActive = lastActive ?? startedAt
        self.messageCount = messageCount
        self.preview = preview
    }
}

/// A stored message as `session_search` shows it.
public struct PastMessage: Sendable, Hashable {
    /// Its row id.
    public var id: Int64
    /// `user`, `assistant`, `tool`…
    public var role: String
    /// Its text.
    public var content: String?
    /// The tool calls as stored (chat-completions JSON); nil when none.
    public var toolCalls: JSONValue?
    /// For a tool result: the call it answers.
    public var toolCallID: String?
    /// For a tool result: the tool's name.
    public var toolName: String?
    /// When it was written, in seconds since 1970.
    public var timestamp: Double

    /// Makes a message.
    public init(
        id: Int64, role: String, content: String?, toolCalls: JSONValue? = nil, toolCallID: String? = nil,
        toolName: String? = nil, timestamp: Double
    ) {
        self.id = id
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.toolName = toolName
        self.timestamp = timestamp
    }
}

/// Messages around an anchor, with how many lie before and after it.
public struct PastWindow: Sendable, Hashable {
    /// In id order.
    public var messages: [PastMessage]
    /// Messages of the window before the anchor.
    public var before: Int
    /// Messages of the window after the anchor.
    public var after: Int

    /// Makes a window.
    public init(messages: [PastMessage] = [], before: Int = 0, after: Int = 0) {
        self.messages = messages
        self.before = before
        self.after = after
    }
}

/// A window with the session's opening and closing messages outside it.
public struct PastAnchoredView: Sendable, Hashable {
    /// The window.
    public var window: PastWindow
    /// The session's first user and assistant messages before the window.
    public var opening: [PastMessage]
    /// Its last user and assistant messages after the window.
    public var closing: [PastMessage]

    /// Makes a view.
    public init(window: PastWindow = PastWindow(), opening: [PastMessage] = [], closing: [PastMessage] = []) {
        self.window = window
        self.opening = opening
        self.closing = closing
    }
}

/// A full-text search over past messages.
public struct PastSearch: Sendable, Hashable {
    /// The query, in FTS5 syntax.
    public var text: String
    /// Only messages with these roles.
    public var roles: [String]
    /// No messages of sessions from these sources.
    public var excludedSources: [String]
    /// `newest` or `oldest` first; nil: by relevance.
    public var sort: String?
    /// The most matches.
    public var limit: Int

    /// Makes a search.
    public init(text: String, roles: [String], excludedSources: [String], sort: String?, limit: Int) {
        self.text = text
        self.roles = roles
        self.excludedSources = excludedSources
        self.sort = sort
        self.limit = limit
    }
}

/// A message that matched a search.
public struct PastMatch: Sendable, Hashable {
    /// The message's row id.
    public var messageID: Int64
    /// Its session.
    public var sessionID: SessionID
    /// Its role.
    public var role: String
    /// The matching excerpt, matches between `>>>` and `<<<`.
    public var snippet: String
    /// The session's source.
    public var source: String
    /// The session's model.
    public var model: String?
    /// When the session started.
    public var sessionStartedAt: Double

    /// Makes a match.
    public init(
        messageID: Int64, sessionID: SessionID, role: String, snippet: String, source: String, model: String?,
        sessionStartedAt: Double
    ) {
        self.messageID = messageID
        self.sessionID = sessionID
        self.role = role
        self.snippet = snippet
        self.source = source
        self.model = model
        self.sessionStartedAt = sessionStartedAt
    }
}
