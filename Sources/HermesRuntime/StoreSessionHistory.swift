import HermesCore
import HermesStore
import HermesTools

/// `session_search`'s view of the session store: the store's recall reads in the tool's terms.
struct StoreSessionHistory: SessionHistory {
    let store: any SessionStore
    let profile: String

    func session(_ id: SessionID) async throws -> PastSession? {
        try await store.session(id).map(Self.past)
    }

    func messages(in session: SessionID) async throws -> [PastMessage] {
        try await store.recallMessages(in: session).map(Self.past)
    }

    func messages(around anchor: Int64, in session: SessionID, window: Int) async throws -> PastWindow {
        Self.past(try await store.messages(around: anchor, in: session, window: window))
    }

    func anchoredView(around anchor: Int64, in session: SessionID, window: Int, bookend: Int) async throws -> PastAnchoredView {
        let view = try await store.anchoredView(around: anchor, in: session, window: window, bookend: bookend)
        return PastAnchoredView(window: Self.past(view.window), opening: view.opening.map(Self.past), closing: view.closing.map(Self.past))
    }

    func sessionID(titled title: String) async throws -> SessionID? {
        try await store.sessionID(titled: title)
    }

    func sessionID(owningMessage id: Int64) async throws -> SessionID? {
        try await store.sessionID(owningMessage: id)
    }

    func search(_ query: PastSearch) async throws -> [PastMatch] {
        // A role this build does not model matches nothing, as an unknown role does in Python's SQL.
        let roles = query.roles.compactMap(Role.init(rawValue:))
        let search = SearchQuery(
            query.text, excludedSources: query.excludedSources, roles: roles, limit: query.limit,
            sort: query.sort.flatMap(SearchSort.init(rawValue:)))
        return try await store.search(search).map {
            PastMatch(
                messageID: $0.messageID, sessionID: $0.sessionID, role: $0.role, snippet: $0.snippet, source: $0.source,
                model: $0.model, sessionStartedAt: $0.sessionStartedAt)
        }
    }

    func recentSessions(excludingSources sources: [String], limit: Int) async throws -> [PastSession] {
        try await store.recentSessions(RecentSessionsQuery(excludedSources: sources, limit: limit)).map(Self.past)
    }

    private static func past(_ record: SessionRecord) -> PastSession {
        PastSession(
            id: record.id, source: record.source, model: record.model, title: record.title, parentID: record.parentSessionID,
            startedAt: record.startedAt, lastActive: record.lastActive, messageCount: record.messageCount, preview: record.preview)
    }

    private static func past(_ message: RecallMessage) -> PastMessage {
        PastMessage(
            id: message.id, role: message.role, content: message.content, toolCalls: message.toolCalls,
            toolCallID: message.toolCallID, toolName: message.toolName, timestamp: message.timestamp)
    }

    private static func past(_ window: MessageWindow) -> PastWindow {
        PastWindow(messages: window.messages.map(past), before: window.before, after: window.after)
    }
}
