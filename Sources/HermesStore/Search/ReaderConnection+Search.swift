import Foundation
import HermesCore

extension ReaderConnection {
    func search(_ query: SearchQuery) throws(StoreError) -> [SearchHit] {
        let expression = FullTextQuery(query.text).expression
        guard !expression.isEmpty, query.limit > 0 else { return [] }
        guard CJK.count(in: expression) > 0 else {
            return try searchIndex("messages_fts", matching: expression, query)
        }
        let raw = expression.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).trimmingCharacters(in: .whitespacesAndNewlines)
        let operators: Set<String> = ["AND", "OR", "NOT"]
        let words = raw.split(whereSeparator: \.isWhitespace).map(String.init)
        let terms = words.filter { !operators.contains($0.uppercased()) }
        let shortCJK = terms.contains { CJK.count(in: $0) > 0 && CJK.count(in: $0) < 3 }
        if CJK.count(in: raw) >= 3, !shortCJK {
            // Trigram matching needs at least three characters per term, quoted to keep % and *.
            let trigram = words.map { operators.contains($0.uppercased()) ? $0 : "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }
            return try searchIndex("messages_fts_trigram", matching: trigram.joined(separator: " "), query)
        }
        return try searchSubstrings(terms.isEmpty ? [raw] : terms, query)
    }

    private func filters(_ query: SearchQuery, values: inout [SQLiteValue]) -> String {
        var clauses = ""
        if !query.includeInactive {
            // Compacted messages left the live context but stay part of the record.
            clauses += " AND (m.active = 1 OR m.compacted = 1)"
        }
        if let sources = query.sources {
            clauses += " AND s.source IN (\(parameterMarkers(sources.count)))"
            values += sources.map(SQLiteValue.text)
        }
        if !query.excludedSources.isEmpty {
            clauses += " AND s.source NOT IN (\(parameterMarkers(query.excludedSources.count)))"
            values += query.excludedSources.map(SQLiteValue.text)
        }
        if let session = query.sessionID {
            clauses += " AND m.session_id = ?"
            values.append(.text(session.rawValue))
        }
        if let roles = query.roles {
            clauses += " AND m.role IN (\(parameterMarkers(roles.count)))"
            values += roles.map { .text($0.rawValue) }
        }
        return clauses
    }

    private func searchIndex(_ table: String, matching expression: String, _ query: SearchQuery) throws(StoreError) -> [SearchHit] {
        var values: [SQLiteValue] = [.text(expression)]
        let clauses = filters(query, values: &values)
        values += [.integer(Int64(query.limit)), .integer(Int64(query.offset))]
        let order =
            switch query.sort {
            case .newest: "m.timestamp DESC, rank"
            case .oldest: "m.timestamp ASC, rank"
            case nil: "rank"
            }
        let statement = try statement(
            """
            SELECT m.id, m.session_id, m.role, snippet(\(table), 0, '>>>', '<<<', '...', 40), m.timestamp,
                   m.tool_name, s.source, s.model, s.started_at, rank
            FROM \(table)
            JOIN messages m ON m.id = \(table).rowid
            JOIN sessions s ON s.id = m.session_id
            WHERE \(table) MATCH ?\(clauses)
            ORDER BY \(order) LIMIT ? OFFSET ?
            """)
        statement.bind(values)
        do {
            return try hits(statement, ranked: true)
        } catch  where error.code == .sqlite && (error.cause ?? "").contains("fts5") {
            // Input the cleaning could not make valid ("a OR OR b") finds nothing, as in the Python project.
            return []
        }
    }

    private func searchSubstrings(_ terms: [String], _ query: SearchQuery) throws(StoreError) -> [SearchHit] {
        var values: [SQLiteValue] = [.text(terms[0])]
        var alternatives: [String] = []
        for term in terms {
            let escaped = term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            alternatives.append(
                "m.content LIKE ? ESCAPE '\\' OR m.tool_name LIKE ? ESCAPE '\\' OR m.tool_calls LIKE ? ESCAPE '\\'")
            values += Array(repeating: .text("%\(escaped)%"), count: 3)
        }
        let clauses = filters(query, values: &values)
        values += [.integer(Int64(query.limit)), .integer(Int64(query.offset))]
        let statement = try statement(
            """
            SELECT m.id, m.session_id, m.role, substr(m.content, max(1, instr(m.content, ?) - 40), 120),
                   m.timestamp, m.tool_name, s.source, s.model, s.started_at, NULL
            FROM messages m
            JOIN sessions s ON s.id = m.session_id
            WHERE (\(alternatives.joined(separator: " OR ")))\(clauses)
            ORDER BY m.timestamp DESC, m.id DESC LIMIT ? OFFSET ?
            """)
        statement.bind(values)
        return try hits(statement, ranked: false)
    }

    private func hits(_ statement: SQLiteStatement, ranked: Bool) throws(StoreError) -> [SearchHit] {
        var hits: [SearchHit] = []
        while try statement.step() {
            hits.append(
                SearchHit(
                    messageID: statement.int(0), sessionID: SessionID(statement.text(1) ?? ""),
                    role: statement.text(2) ?? "", snippet: statement.text(3) ?? "", timestamp: statement.double(4),
                    toolName: statement.text(5), source: statement.text(6) ?? "", model: statement.text(7),
                    sessionStartedAt: statement.double(8), rank: ranked ? statement.double(9) : nil))
        }
        return hits
    }
}
