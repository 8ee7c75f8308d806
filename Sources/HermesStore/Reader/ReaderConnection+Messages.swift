import HermesCore

extension ReaderConnection {
    func messages(in session: SessionID, offset: Int, limit: Int?, includeInactive: Bool) throws(StoreError) -> [StoredMessage] {
        // Insertion order is the id order: timestamps can go backwards when clocks step.
        let sql = """
            SELECT id, role, content, tool_calls, tool_call_id, tool_name, timestamp, token_count,
                   finish_reason, active
            FROM messages WHERE session_id = ?1\(includeInactive ? "" : " AND active = 1")
            ORDER BY id LIMIT ?2 OFFSET ?3
            """
        let statement = try statement(sql)
        statement.bind(session.rawValue, at: 1)
        statement.bind(limit ?? -1, at: 2)
        statement.bind(offset, at: 3)
        var result: [StoredMessage] = []
        while try statement.step() {
            result.append(
                StoredMessage(
                    id: statement.int(0), sessionID: session, role: statement.text(1) ?? "",
                    content: StoredContent.decode(statement.text(2)),
                    toolCalls: StoredToolCalls.decode(statement.text(3)),
                    toolCallID: statement.text(4), toolName: statement.text(5), timestamp: statement.double(6),
                    tokenCount: statement.isNull(7) ? nil : Int(statement.int(7)), finishReason: statement.text(8),
                    active: statement.int(9) != 0))
        }
        return result
    }
}

/// The `messages.content` column. The Python project stores multimodal content (a list of parts)
/// as JSON behind a NUL-led marker; reading joins the text parts, as our `Message` keeps text.
enum StoredContent {
    private static let jsonMarker = "\u{0}json:"

    static func decode(_ text: String?) -> String? {
        guard let text, text.hasPrefix(jsonMarker) else { return text }
        guard let parts = (try? JSONValue(parsing: String(text.dropFirst(jsonMarker.count))))?.arrayValue else {
            return text
        }
        return parts.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
            .joined(separator: "\n")
    }
}
