import Foundation
import HermesCore

/// The reads behind `session_search`, with the Python project's rules (`hermes_state.py`'s
/// `get_messages_around`, `get_anchored_view`, `resolve_session_by_title`,
/// `list_sessions_rich(order_by_last_active=True)` and `get_compression_tip`).
extension ReaderConnection {
    private static let messageColumns = "id, session_id, role, content, tool_calls, tool_call_id, tool_name, timestamp"

    /// A compression continuation: a child of a session that ended by compression, not a branch,
    /// a delegate's run or a tool's session.
    private static let continuationChild = """
        parent.end_reason = 'compression'
          AND json_extract(COALESCE(child.model_config, '{}'), '$._branched_from') IS NULL
          AND json_extract(COALESCE(child.model_config, '{}'), '$._delegate_from') IS NULL
          AND COALESCE(child.source, '') != 'tool'
        """

    func recallMessages(in session: SessionID) throws(StoreError) -> [RecallMessage] {
        let statement = try statement(
            "SELECT \(Self.messageColumns) FROM messages WHERE session_id = ?1 AND active = 1 ORDER BY id")
        statement.bind(session.rawValue, at: 1)
        return try Self.recallMessages(statement)
    }

    /// Rewound and compacted messages are part of the window too, as in Python.
    func messages(around anchor: Int64, in session: SessionID, window: Int) throws(StoreError) -> MessageWindow {
        let window = max(0, window)
        let exists = try statement("SELECT 1 FROM messages WHERE id = ?1 AND session_id = ?2 LIMIT 1")
        exists.bind(.integer(anchor), at: 1)
        exists.bind(session.rawValue, at: 2)
        guard try exists.step() else { return MessageWindow() }
        let before = try statement(
            "SELECT \(Self.messageColumns) FROM messages WHERE session_id = ?1 AND id <= ?2 ORDER BY id DESC LIMIT ?3")
        before.bind(session.rawValue, at: 1)
        before.bind(.integer(anchor), at: 2)
        before.bind(window + 1, at: 3)
        let earlier = try Self.recallMessages(before)
        let after = try statement(
            "SELECT \(Self.messageColumns) FROM messages WHERE session_id = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3")
        after.bind(session.rawValue, at: 1)
        after.bind(.integer(anchor), at: 2)
        after.bind(window, at: 3)
        let later = try Self.recallMessages(after)
        return MessageWindow(messages: earlier.reversed() + later, before: max(0, earlier.count - 1), after: later.count)
    }

    func anchoredView(around anchor: Int64, in session: SessionID, window: Int, bookend: Int) throws(StoreError) -> AnchoredView {
        let raw = try messages(around: anchor, in: session, window: window)
        guard let first = raw.messages.first, let last = raw.messages.last else { return AnchoredView() }
        var kept = raw
        kept.messages = raw.messages.filter { $0.id == anchor || $0.role == "user" || $0.role == "assistant" }
        guard bookend > 0 else { return AnchoredView(window: kept) }
        // Tool-call-only assistant turns have empty content: they would crowd out the prose.
        let opening = try statement(
            """
            SELECT \(Self.messageColumns) FROM messages
            WHERE session_id = ?1 AND id < ?2 AND role IN ('user', 'assistant') AND length(content) > 0
            ORDER BY id ASC LIMIT ?3
            """)
        opening.bind(session.rawValue, at: 1)
        opening.bind(.integer(first.id), at: 2)
        opening.bind(bookend, at: 3)
        let start = try Self.recallMessages(opening)
        let closing = try statement(
            """
            SELECT \(Self.messageColumns) FROM messages
            WHERE session_id = ?1 AND id > ?2 AND role IN ('user', 'assistant') AND length(content) > 0
            ORDER BY id DESC LIMIT ?3
            """)
        closing.bind(session.rawValue, at: 1)
        closing.bind(.integer(last.id), at: 2)
        closing.bind(bookend, at: 3)
        let end = try Self.recallMessages(closing)
        return AnchoredView(window: kept, opening: start, closing: end.reversed())
    }

    /// The session titled `title`, preferring its latest numbered continuation (`title #2`).
    func sessionID(titled title: String) throws(StoreError) -> SessionID? {
        let escaped = title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let numbered = try statement(
            "SELECT id FROM sessions WHERE title LIKE ?1 ESCAPE '\\' ORDER BY started_at DESC LIMIT 1")
        numbered.bind(escaped + " #%", at: 1)
        if try numbered.step(), let id = numbered.text(0) { return SessionID(id) }
        let exact = try statement("SELECT id FROM sessions WHERE title = ?1 LIMIT 1")
        exact.bind(title, at: 1)
        return try exact.step() ? exact.text(0).map(SessionID.init(rawValue:)) : nil
    }

    func sessionID(owningMessage id: Int64) throws(StoreError) -> SessionID? {
        let statement = try statement("SELECT session_id FROM messages WHERE id = ?1")
        statement.bind(.integer(id), at: 1)
        return try statement.step() ? statement.text(0).map(SessionID.init(rawValue:)) : nil
    }

    /// Roots and branches by their conversation's latest activity (a compression chain counts as
    /// its newest message anywhere along it); a compressed root shows its latest continuation's
    /// id, title, counts and preview, and keeps its own start and parent.
    func recentSessions(_ query: RecentSessionsQuery) throws(StoreError) -> [SessionRecord] {
        var filter = """
            (s.parent_session_id IS NULL
               OR json_extract(COALESCE(s.model_config, '{}'), '$._branched_from') IS NOT NULL
               OR EXISTS (SELECT 1 FROM sessions p WHERE p.id = s.parent_session_id AND p.end_reason = 'branched'
                          AND s.started_at >= p.ended_at))
            AND json_extract(COALESCE(s.model_config, '{}'), '$._delegate_from') IS NULL
            AND s.archived = 0
            """
        var filterValues: [SQLiteValue] = []
        if !query.excludedSources.isEmpty {
            filter += " AND s.source NOT IN (\(parameterMarkers(query.excludedSources.count)))"
            filterValues = query.excludedSources.map(SQLiteValue.text)
        }
        // UNION rather than Python's UNION ALL: a parent cycle in a damaged file ends the walk.
        let statement = try statement(
            """
            WITH RECURSIVE chain(root_id, cur_id) AS (
                SELECT s.id, s.id FROM sessions s WHERE \(filter)
                UNION
                SELECT c.root_id, child.id FROM chain c
                JOIN sessions parent ON parent.id = c.cur_id
                JOIN sessions child ON child.parent_session_id = c.cur_id
                WHERE \(Self.continuationChild)
            ),
            chain_max AS (
                SELECT root_id, MAX(COALESCE(
                    (SELECT MAX(m.timestamp) FROM messages m WHERE m.session_id = cur_id),
                    (SELECT started_at FROM sessions ss WHERE ss.id = cur_id))) AS effective
                FROM chain GROUP BY root_id
            )
            SELECT \(Self.sessionColumns)
            FROM sessions s LEFT JOIN chain_max cm ON cm.root_id = s.id
            WHERE \(filter)
            ORDER BY COALESCE(cm.effective, s.started_at) DESC, s.started_at DESC, s.id DESC
            LIMIT ?
            """)
        statement.bind(filterValues + filterValues + [.integer(Int64(query.limit))])
        var records: [SessionRecord] = []
        while try statement.step() { records.append(Self.sessionRecord(statement)) }
        return try records.map { record throws(StoreError) in
            guard record.endReason == "compression" else { return record }
            let tip = try compressionTip(of: record.id)
            guard tip != record.id, var projected = try session(tip) else { return record }
            projected.startedAt = record.startedAt
            projected.parentSessionID = record.parentSessionID
            projected.source = record.source
            projected.userID = record.userID
            projected.chatID = record.chatID
            projected.inputTokens = record.inputTokens
            projected.outputTokens = record.outputTokens
            projected.apiCallCount = record.apiCallCount
            return projected
        }
    }

    /// The latest continuation of a compression chain: a still-compressing or live child before a
    /// closed one, then the most recently active; at most 100 steps, as in Python.
    private func compressionTip(of session: SessionID) throws(StoreError) -> SessionID {
        var current = session
        var seen: Set<SessionID> = [session]
        for _ in 0..<100 {
            let statement = try statement(
                """
                SELECT child.id FROM sessions parent
                JOIN sessions child ON child.parent_session_id = parent.id
                WHERE parent.id = ?1 AND \(Self.continuationChild)
                ORDER BY CASE WHEN child.end_reason = 'compression' THEN 0 WHEN child.ended_at IS NULL THEN 1 ELSE 2 END,
                    COALESCE((SELECT MAX(m.timestamp) FROM messages m WHERE m.session_id = child.id), child.started_at) DESC,
                    child.started_at DESC, child.id DESC
                LIMIT 1
                """)
            statement.bind(current.rawValue, at: 1)
            guard try statement.step(), let child = statement.text(0).map(SessionID.init(rawValue:)), seen.insert(child).inserted
            else { return current }
            current = child
        }
        return current
    }

    private static func recallMessages(_ statement: SQLiteStatement) throws(StoreError) -> [RecallMessage] {
        var messages: [RecallMessage] = []
        while try statement.step() {
            messages.append(
                RecallMessage(
                    id: statement.int(0), sessionID: SessionID(statement.text(1) ?? ""), role: statement.text(2) ?? "",
                    content: StoredContent.decode(statement.text(3)), toolCalls: toolCalls(statement.text(4)),
                    toolCallID: statement.text(5), toolName: statement.text(6), timestamp: statement.double(7)))
        }
        return messages
    }

    /// The stored calls when they read as JSON with something in them; Python reads an unreadable
    /// column as no calls.
    private static func toolCalls(_ text: String?) -> JSONValue? {
        guard let text, !text.isEmpty, let value = try? JSONValue(parsing: text) else { return nil }
        switch value {
        case .array(let items) where items.isEmpty: return nil
        case .object(let members) where members.isEmpty: return nil
        case .null, .bool(false): return nil
        default: return value
        }
    }
}
