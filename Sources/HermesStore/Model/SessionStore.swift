import HermesCore

/// Where sessions and their messages live.
///
/// Implementations: `SQLiteSessionStore` (the embedded default, file-compatible with the Python
/// project's `state.db`). Nothing above this protocol knows which one it talks to.
///
/// Thread-safety: every method may be called from any task, concurrently. Writes of one session
/// are applied in the order their calls were made; a write returns only once it is committed.
public protocol SessionStore: Sendable {
    /// Records a session; a second call for the same id only fills fields still unknown.
    func createSession(_ session: NewSession) async throws

    /// Appends `messages` to `session` and adds `usage` to its counters, in one commit.
    /// Returns the new messages' row ids, in order.
    @discardableResult
    func append(_ messages: [Message], to session: SessionID, usage: SessionUsage) async throws -> [Int64]

    /// Replaces the live history of `session` by `messages` (a compressed history), in one
    /// commit: the old messages stay on disk, inactive and marked compacted, so they are no longer
    /// loaded but are still found by search (the Python project's `archive_and_compact`).
    /// Returns the new messages' row ids.
    @discardableResult
    func compact(_ session: SessionID, to messages: [Message]) async throws -> [Int64]

    /// Marks a session ended; the first reason wins.
    func endSession(_ session: SessionID, reason: String) async throws
    /// Replaces the session's stored system prompt, as Python's `update_system_prompt` does when
    /// it rebuilds one; a session that does not exist is left so.
    func setSystemPrompt(_ prompt: String, of session: SessionID) async throws

    /// One session, or `nil` when there is none with that id.
    func session(_ id: SessionID) async throws -> SessionRecord?

    /// Sessions, newest first.
    func sessions(_ query: SessionListQuery) async throws -> [SessionRecord]

    /// A page of a session's messages in insertion order. `limit: nil` reads to the end.
    func messages(in session: SessionID, offset: Int, limit: Int?, includeInactive: Bool) async throws -> [StoredMessage]

    /// Messages matching a full-text search across sessions, best first.
    func search(_ query: SearchQuery) async throws -> [SearchHit]

    // MARK: Recall (`session_search`)

    /// A session's live messages, in order, with their stored tool calls.
    func recallMessages(in session: SessionID) async throws -> [RecallMessage]

    /// Up to `window` messages either side of message `anchor`, rewound ones included; empty
    /// when `anchor` is not a message of `session`.
    func messages(around anchor: Int64, in session: SessionID, window: Int) async throws -> MessageWindow

    /// `messages(around:in:window:)` without tool messages other than the anchor, and up to
    /// `bookend` of the session's first and last user and assistant messages outside it.
    func anchoredView(around anchor: Int64, in session: SessionID, window: Int, bookend: Int) async throws -> AnchoredView

    /// The session with this title, or its latest numbered continuation (`title #3`).
    func sessionID(titled title: String) async throws -> SessionID?

    /// The session message `id` belongs to.
    func sessionID(owningMessage id: Int64) async throws -> SessionID?

    /// Sessions by latest activity, as a session picker lists them.
    func recentSessions(_ query: RecentSessionsQuery) async throws -> [SessionRecord]
}

extension SessionStore {
    /// Appends messages that carry no usage.
    @discardableResult
    public func append(_ messages: [Message], to session: SessionID) async throws -> [Int64] {
        try await append(messages, to: session, usage: .none)
    }

    /// The live conversation of a session, ready to send to a model.
    public func history(of session: SessionID) async throws -> [Message] {
        try await messages(in: session, offset: 0, limit: nil, includeInactive: false).compactMap(\.message)
    }
}
