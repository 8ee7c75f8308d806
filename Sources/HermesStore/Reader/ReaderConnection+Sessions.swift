import Foundation
import HermesCore

extension ReaderConnection {
    static let sessionColumns = """
        s.id, s.source, s.model, s.title, s.system_prompt, s.user_id, s.chat_id, s.parent_session_id,
        s.started_at, s.ended_at, s.end_reason, s.message_count, s.tool_call_count, s.input_tokens,
        s.output_tokens, s.api_call_count,
        COALESCE((SELECT MAX(m2.timestamp) FROM messages m2 WHERE m2.session_id = s.id), s.started_at),
        COALESCE((SELECT SUBSTR(REPLACE(REPLACE(m.content, X'0A', ' '), X'0D', ' '), 1, 63)
                  FROM messages m
                  WHERE m.session_id = s.id AND m.role = 'user' AND m.content IS NOT NULL
                  ORDER BY m.timestamp, m.id LIMIT 1), '')
        """

    func session(_ id: SessionID) throws(StoreError) -> SessionRecord? {
        let statement = try statement("SELECT \(Self.sessionColumns) FROM sessions s WHERE s.id = ?1")
        statement.bind(id.rawValue, at: 1)
        return try statement.step() ? Self.sessionRecord(statement) : nil
    }

    func sessions(_ query: SessionListQuery) throws(StoreError) -> [SessionRecord] {
        var sql = "SELECT \(Self.sessionColumns) FROM sessions s"
        var values: [SQLiteValue] = []
        if let sources = query.sources {
            sql += " WHERE s.source IN (\(parameterMarkers(sources.count)))"
            values += sources.map(SQLiteValue.text)
        }
        sql += " ORDER BY s.started_at DESC, s.id DESC LIMIT ? OFFSET ?"
        values += [.integer(Int64(query.limit)), .integer(Int64(query.offset))]
        let statement = try statement(sql)
        statement.bind(values)
        var records: [SessionRecord] = []
        while try statement.step() { records.append(Self.sessionRecord(statement)) }
        return records
    }

    /// Session ids that start with `prefix`, for people who type a short id.
    func sessionIDs(withPrefix prefix: String, limit: Int) throws(StoreError) -> [SessionID] {
        let statement = try statement("SELECT id FROM sessions WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT ?2")
        statement.bind(prefix, at: 1)
        statement.bind(limit, at: 2)
        var ids: [SessionID] = []
        while try statement.step() { ids.append(SessionID(statement.text(0) ?? "")) }
        return ids
    }

    static func sessionRecord(_ row: SQLiteStatement) -> SessionRecord {
        let raw = (row.text(17) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let preview = raw.count > 60 ? String(raw.prefix(60)) + "..." : raw
        return SessionRecord(
            id: SessionID(row.text(0) ?? ""), source: row.text(1) ?? "", model: row.text(2), title: row.text(3),
            systemPrompt: row.text(4), userID: row.text(5), chatID: row.text(6),
            parentSessionID: row.text(7).map(SessionID.init(rawValue:)),
            startedAt: row.double(8), endedAt: row.isNull(9) ? nil : row.double(9), endReason: row.text(10),
            messageCount: Int(row.int(11)), toolCallCount: Int(row.int(12)), inputTokens: Int(row.int(13)),
            outputTokens: Int(row.int(14)), apiCallCount: Int(row.int(15)), lastActive: row.double(16),
            preview: preview)
    }
}

/// `?, ?, ?` for an `IN (…)` list of `count` bound values.
func parameterMarkers(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
}
