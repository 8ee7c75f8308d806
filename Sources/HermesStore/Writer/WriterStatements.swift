import HermesCore

/// The writer's prepared statements, compiled once and reused for every batch.
final class WriterStatements: @unchecked Sendable {
    let begin, commit, rollback, savepoint, release, rollbackToSavepoint: SQLiteStatement
    let insertMessage, countMessages, upsertSession, endSession: SQLiteStatement
    private let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) throws(StoreError) {
        self.connection = connection
        begin = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        savepoint = try connection.prepare("SAVEPOINT write")
        release = try connection.prepare("RELEASE write")
        rollbackToSavepoint = try connection.prepare("ROLLBACK TO write")
        insertMessage = try connection.prepare("""
            INSERT INTO messages (session_id, role, content, tool_call_id, tool_calls, tool_name, timestamp,
                                  observed, active)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 1)
            """)
        countMessages = try connection.prepare("""
            UPDATE sessions SET message_count = message_count + ?1, tool_call_count = tool_call_count + ?2,
                input_tokens = input_tokens + ?3, output_tokens = output_tokens + ?4,
                api_call_count = api_call_count + ?5
            WHERE id = ?6
            """)
        // As the Python project does: a second create only fills what is still unknown.
        upsertSession = try connection.prepare("""
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
    }

    /// Applies one operation to the open transaction.
    func apply(_ operation: WriteOperation) throws(StoreError) -> WriteOutcome {
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
            return []
        case .append(let messages, let session, let usage, let now):
            return try append(messages, to: session, usage: usage, now: now)
        case .endSession(let session, let reason, let now):
            endSession.bind(now, at: 1)
            endSession.bind(reason, at: 2)
            endSession.bind(session.rawValue, at: 3)
            try endSession.run()
            return []
        }
    }

    private func append(
        _ messages: [Message], to session: SessionID, usage: SessionUsage, now: Double
    ) throws(StoreError) -> WriteOutcome {
        var ids: [Int64] = []
        ids.reserveCapacity(messages.count)
        var toolCalls = 0
        for (offset, message) in messages.enumerated() {
            let statement = insertMessage
            statement.bind(session.rawValue, at: 1)
            statement.bind(message.role.rawValue, at: 2)
            statement.bind(message.content, at: 3)
            statement.bind(message.toolCallID, at: 4)
            statement.bind(message.toolCalls.isEmpty ? nil : StoredToolCalls.encode(message.toolCalls), at: 5)
            statement.bind(message.name, at: 6)
            // Distinct, increasing timestamps within a write, as the Python project stores them.
            statement.bind(now + Double(offset) * 1e-6, at: 7)
            try statement.run()
            ids.append(connection.lastInsertRowID)
            toolCalls += message.toolCalls.count
        }
        let statement = countMessages
        statement.bind(messages.count, at: 1)
        statement.bind(toolCalls, at: 2)
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
        return ids
    }
}
