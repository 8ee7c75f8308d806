import HermesCore

/// The writer's prepared statements, compiled once and reused for every batch.
///
/// Messages go in with multi-row `INSERT`s: the FTS5 tables behind the `messages` triggers flush
/// their pending index data at every statement boundary, so one statement per batch instead of
/// one per message is what makes indexing cheap (measured: about 4x more messages/s at 64 rows).
final class WriterStatements: @unchecked Sendable {
    /// The most rows one `INSERT` carries (7 parameters each, far below SQLite's limit).
    static let maxRowsPerInsert = 64

    let begin, commit, rollback, savepoint, release, rollbackToSavepoint: SQLiteStatement
    let countMessages, upsertSession, endSession, setSystemPrompt, archiveMessages, setCounts: SQLiteStatement
    private var inserts: [Int: SQLiteStatement] = [:]
    private let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) throws(StoreError) {
        self.connection = connection
        begin = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        savepoint = try connection.prepare("SAVEPOINT write")
        release = try connection.prepare("RELEASE write")
        rollbackToSavepoint = try connection.prepare("ROLLBACK TO write")
        countMessages = try connection.prepare(
            """
            UPDATE sessions SET message_count = message_count + ?1, tool_call_count = tool_call_count + ?2,
                input_tokens = input_tokens + ?3, output_tokens = output_tokens + ?4,
                api_call_count = api_call_count + ?5
            WHERE id = ?6
            """)
        // As the Python project does: a second create only fills what is still unknown.
        upsertSession = try connection.prepare(
            """
            INSERT INTO sessions (id, source, user_id, chat_id, chat_type, thread_id, model, system_prompt,
                                  parent_session_id, cwd, started_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT(id) DO UPDATE SET
                model = COALESCE(sessions.model, excluded.model),
                system_prompt = COALESCE(sessions.system_prompt, excluded.system_prompt),
                chat_id = COALESCE(sessions.chat_id, excluded.chat_id),
                chat_type = COALESCE(sessions.chat_type, excluded.chat_type),
                thread_id = COALESCE(sessions.thread_id, excluded.thread_id),
                parent_session_id = COALESCE(sessions.parent_session_id, excluded.parent_session_id),
                cwd = COALESCE(sessions.cwd, excluded.cwd)
            """)
        endSession = try connection.prepare(
            "UPDATE sessions SET ended_at = ?1, end_reason = ?2 WHERE id = ?3 AND ended_at IS NULL")
        setSystemPrompt = try connection.prepare("UPDATE sessions SET system_prompt = ?1 WHERE id = ?2")
        // Archived, not deleted: hidden from the live history, still found by search (compacted = 1).
        archiveMessages = try connection.prepare(
            "UPDATE messages SET active = 0, compacted = 1 WHERE session_id = ?1 AND active = 1")
        // After a compaction the counts are those of the live history, as in Python.
        setCounts = try connection.prepare(
            "UPDATE sessions SET message_count = ?1, tool_call_count = ?2 WHERE id = ?3")
    }

    /// Applies the session part of `operation` at once and adds its message rows to `rows`, for
    /// `insert(_:)` to write in bulk.
    func apply(_ operation: WriteOperation, collecting rows: inout [MessageRow]) throws(StoreError) {
        switch operation {
        case .createSession(let session, let now):
            let statement = upsertSession
            statement.bind(session.id.rawValue, at: 1)
            statement.bind(session.source, at: 2)
            statement.bind(session.userID, at: 3)
            statement.bind(session.chatID, at: 4)
            statement.bind(session.chatType, at: 5)
            statement.bind(session.threadID, at: 6)
            statement.bind(session.model, at: 7)
            statement.bind(session.systemPrompt, at: 8)
            statement.bind(session.parentSessionID?.rawValue, at: 9)
            statement.bind(session.workingDirectory, at: 10)
            statement.bind(session.startedAt ?? now, at: 11)
            try statement.run()
        case .append(let messages, let session, let usage, let now):
            let statement = countMessages
            statement.bind(messages.count, at: 1)
            statement.bind(messages.reduce(0) { $0 + $1.toolCalls.count }, at: 2)
            statement.bind(usage.inputTokens, at: 3)
            statement.bind(usage.outputTokens, at: 4)
            statement.bind(usage.apiCalls, at: 5)
            statement.bind(session.rawValue, at: 6)
            try statement.run()
            guard connection.changes > 0 else {
                throw StoreError(
                    .constraint, path: connection.path,
                    message: "no session \(session.rawValue); create it before appending messages to it")
            }
            for (offset, message) in messages.enumerated() {
                // Distinct, increasing timestamps within a write, as the Python project stores them.
                rows.append(MessageRow(session: session, message: message, timestamp: now + Double(offset) * 1e-6))
            }
        case .endSession(let session, let reason, let now):
            endSession.bind(now, at: 1)
            endSession.bind(reason, at: 2)
            endSession.bind(session.rawValue, at: 3)
            try endSession.run()
        case .setSystemPrompt(let prompt, let session):
            setSystemPrompt.bind(prompt, at: 1)
            setSystemPrompt.bind(session.rawValue, at: 2)
            try setSystemPrompt.run()
        case .compact(let messages, let session, let now):
            setCounts.bind(messages.count, at: 1)
            setCounts.bind(messages.reduce(0) { $0 + $1.toolCalls.count }, at: 2)
            setCounts.bind(session.rawValue, at: 3)
            try setCounts.run()
            guard connection.changes > 0 else {
                throw StoreError(
                    .constraint, path: connection.path, message: "no session \(session.rawValue) to compact")
            }
            archiveMessages.bind(session.rawValue, at: 1)
            try archiveMessages.run()
            for (offset, message) in messages.enumerated() {
                rows.append(MessageRow(session: session, message: message, timestamp: now + Double(offset) * 1e-6))
            }
        }
    }

    /// Inserts `rows` in order, a statement per `maxRowsPerInsert`, and returns their ids.
    func insert(_ rows: [MessageRow]) throws(StoreError) -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(rows.count)
        var start = 0
        while start < rows.count {
            let count = min(Self.maxRowsPerInsert, rows.count - start)
            let statement = try insertStatement(rows: count)
            var index: Int32 = 1
            for row in rows[start..<(start + count)] {
                statement.bind(row.session.rawValue, at: index)
                statement.bind(row.message.role.rawValue, at: index + 1)
                statement.bind(row.message.content, at: index + 2)
                statement.bind(row.message.toolCallID, at: index + 3)
                statement.bind(
                    row.message.toolCalls.isEmpty ? nil : StoredToolCalls.encode(row.message.toolCalls), at: index + 4)
                statement.bind(row.message.name, at: index + 5)
                statement.bind(row.timestamp, at: index + 6)
                index += 7
            }
            try statement.run()
            // The writer holds the write lock and AUTOINCREMENT hands out ids in row order, so
            // one statement's rows have consecutive ids ending at the last one inserted.
            let last = connection.lastInsertRowID
            ids.append(contentsOf: (last - Int64(count) + 1)...last)
            start += count
        }
        return ids
    }

    private func insertStatement(rows: Int) throws(StoreError) -> SQLiteStatement {
        if let statement = inserts[rows] { return statement }
        let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, 0, 1)", count: rows).joined(separator: ", ")
        let statement = try connection.prepare(
            """
            INSERT INTO messages (session_id, role, content, tool_call_id, tool_calls, tool_name, timestamp,
                                  observed, active)
            VALUES \(values)
            """)
        inserts[rows] = statement
        return statement
    }
}

/// A message waiting for the batch's bulk insert.
struct MessageRow: Sendable {
    var session: SessionID
    var message: Message
    var timestamp: Double
}
