import HermesCore

/// A full-text search over messages.
///
/// `text` takes FTS5 syntax — words, `"exact phrases"`, `OR`, `NOT`, `prefix*` — and is cleaned
/// first, so any user input is safe. Text with three or more CJK characters per word is matched as
/// a substring through the trigram index; shorter CJK words fall back to a substring scan.
public struct SearchQuery: Sendable, Hashable {
    /// What the person typed.
    public var text: String
    /// Only messages of sessions from these sources; `nil`: all.
    public var sources: [String]?
    /// No messages of sessions from these sources.
    public var excludedSources: [String]
    /// Only messages of this session.
    public var sessionID: SessionID?
    /// Only messages with these roles; `nil`: all.
    public var roles: [Role]?
    /// Also rewound messages (compacted ones are always searchable).
    public var includeInactive: Bool
    /// The most matches to return.
    public var limit: Int
    /// Matches to skip, for paging.
    public var offset: Int
    /// Time before relevance; `nil` orders by relevance only. The substring scan of short CJK
    /// words always gives the newest first, as in the Python project.
    public var sort: SearchSort?

    /// Makes a search.
    public init(
        _ text: String, sources: [String]? = nil, excludedSources: [String] = [], sessionID: SessionID? = nil,
        roles: [Role]? = nil, includeInactive: Bool = false, limit: Int = 20, offset: Int = 0, sort: SearchSort? = nil
    ) {
        self.text = text
        self.sources = sources
        self.excludedSources = excludedSources
        self.sessionID = sessionID
        self.roles = roles
        self.includeInactive = includeInactive
        self.limit = limit
        self.offset = offset
        self.sort = sort
    }
}

/// A temporal order for search matches, relevance breaking ties.
public enum SearchSort: String, Sendable, Hashable {
    /// Newest messages first.
    case newest
    /// Oldest messages first.
    case oldest
}

/// One message that matched a search, best first.
public struct SearchHit: Sendable, Hashable {
    /// The matching message's row id.
    public var messageID: Int64
    /// The session it belongs to.
    public var sessionID: SessionID
    /// Its role.
    public var role: String
    /// The matching part of the message, matches between `>>>` and `<<<`.
    public var snippet: String
    /// When it was written, in seconds since 1970.
    public var timestamp: Double
    /// For a tool result: the tool's name.
    public var toolName: String?
    /// The session's source, model and start time.
    public var source: String
    /// The session's model.
    public var model: String?
    /// When the session started.
    public var sessionStartedAt: Double
    /// FTS5's bm25 rank: lower is better; `nil` for substring-scan matches.
    public var rank: Double?
}
