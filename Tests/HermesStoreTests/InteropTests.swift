import Foundation
import HermesCore
import HermesStore
import Testing

/// The same `state.db` file must work with the Python project: these tests run Python's sqlite3
/// module with the Python project's own queries against files this store wrote, and this store
/// against files made with the Python project's schema SQL.
@Suite("Session store: state.db interop with the Python project", .timeLimit(.minutes(1)))
struct InteropTests {
    /// Prints every object of the schema and every table's columns, comparable across files.
    static let describeSchema = """
        import sqlite3, sys, json
        c = sqlite3.connect(sys.argv[1])
        objects = sorted(c.execute("select type, name, tbl_name from sqlite_master where name not like 'sqlite_%'").fetchall())
        columns = {t: c.execute(f'pragma table_info("{t}")').fetchall() for (kind, t, _) in objects if kind == 'table'}
        print(json.dumps({"objects": objects, "columns": columns, "version": c.execute("select version from schema_version").fetchall()}, sort_keys=True))
        """

    @Test("a new file has exactly the Python project's v22 schema")
    func sameSchema() async throws {
        try await withTemporaryDirectory { directory in
            let ours = directory + "/ours.db"
            let theirs = directory + "/theirs.db"
            try await withSessionStore(at: ours) { _ in }
            try await python(
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()",
                theirs, try pythonSchemaSQLPath())
            let described = try await python(Self.describeSchema, ours)
            #expect(described.contains("messages_fts_trigram"))
            #expect(described == (try await python(Self.describeSchema, theirs)))
        }
    }

    @Test("Python reads what this store wrote: session list, history in order, FTS search")
    func pythonReadsOurs() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            try await withSessionStore(at: path) { store in
                try await store.createSession(NewSession(id: SessionID("older"), source: "cli", startedAt: 1_000))
                try await store.createSession(NewSession(id: SessionID("newer"), source: "telegram", model: "sim-1", startedAt: 2_000))
                try await store.append(
                    [
                        .user("please deploy the staging cluster"),
                        .assistant(nil, toolCalls: [ToolCall(id: "c1", name: "terminal", arguments: #"{"command":"make deploy"}"#)]),
                        .tool(callID: "c1", name: "terminal", content: "deployed"),
                        .assistant("Staging is deployed."),
                    ],
                    to: SessionID("newer"), usage: SessionUsage(inputTokens: 10, outputTokens: 5, apiCalls: 2))
                try await store.append([.user("hello")], to: SessionID("older"))
            }
            let output = try await python(Self.pythonQueries, path)
            let result = try JSONDecoder().decode(PythonView.self, from: Data(output.utf8))
            #expect(result.sessions.map(\.id) == ["newer", "older"])
            #expect(result.sessions.first?.preview == "please deploy the staging cluster")
            #expect(result.sessions.first?.message_count == 4)
            #expect(result.sessions.first?.tool_call_count == 1)
            #expect(result.history.map(\.role) == ["user", "assistant", "tool", "assistant"])
            #expect(result.history[1].tool_call_name == "terminal")
            #expect(result.history[2].tool_call_id == "c1")
            #expect(result.search.map(\.session_id) == ["newer", "newer"])
            #expect(result.search.first?.snippet.contains(">>>deploy") == true)
        }
    }

    @Test("this store opens and appends to a file made with the Python project's schema and writes")
    func weAppendToTheirs() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            try await python(Self.pythonWrites, path, try pythonSchemaSQLPath())
            try await withSessionStore(at: path) { store in
                let id = SessionID("20260101_090000_python")
                let history = try await store.history(of: id)
                #expect(history.map(\.role) == [.user, .assistant, .tool, .assistant])
                #expect(history[1].toolCalls.first?.name == "web_search")
                #expect(history[3].content == "Here are the results.")
                #expect(try await store.search(SearchQuery("\"here are the results\"")).count == 1)
                try await store.append([.user("and tomorrow?"), .assistant("Sunny as well.")], to: id)
            }
            let check = try await python(
                """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                rows = c.execute("SELECT role, content FROM messages WHERE session_id = ? AND active = 1 ORDER BY id", ("20260101_090000_python",)).fetchall()
                count = c.execute("SELECT message_count FROM sessions WHERE id = ?", ("20260101_090000_python",)).fetchone()[0]
                hits = c.execute("SELECT m.content FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?", ("sunny",)).fetchall()
                print(len(rows), rows[-1][1], count, len(hits), c.execute("PRAGMA integrity_check").fetchone()[0])
                """, path)
            #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "6 Sunny as well. 6 1 ok")
        }
    }

    @Test("the full-text update triggers fire only on the indexed columns, in a Python-made file too, and index the same text")
    func narrowUpdateTriggers() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            try await python(Self.pythonWrites, path, try pythonSchemaSQLPath())
            let id = SessionID("20260101_090000_python")
            try await withSessionStore(at: path) { store in
                _ = try await store.compact(id, to: [.user("[summary] the weather was asked about"), .assistant("Noted.")])
            }
            let check = try await python(
                """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                triggers = [r[0] for r in c.execute("SELECT sql FROM sqlite_master WHERE name IN ('messages_fts_update', 'messages_fts_trigram_update')")]
                def hits(word):
                    return c.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?", (word,)).fetchone()[0]
                archived = hits("results")       # in two messages the compaction archived
                c.execute("UPDATE messages SET content = 'rewritten entirely' WHERE session_id = ? AND content LIKE 'Here are%'", (sys.argv[2],))
                for table in ("messages_fts", "messages_fts_trigram"):
                    c.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
                print(len(triggers), all("AFTER UPDATE OF content, tool_name, tool_calls" in t for t in triggers),
                      archived, hits("results"), hits("rewritten"), c.execute("PRAGMA integrity_check").fetchone()[0])
                """, path, id.rawValue)
            #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "2 True 2 1 1 ok")
        }
    }

    @Test("an older file gains the columns it lacks, keeps its rows and its schema version")
    func olderSchema() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            try await python(
                """
                import sqlite3, sys, time
                sql = open(sys.argv[2]).read()
                sql = sql.replace(",\\n    api_content TEXT", "").replace("    archived INTEGER NOT NULL DEFAULT 0,\\n", "")
                sql = sql.replace("INSERT INTO schema_version (version) VALUES (22);", "INSERT INTO schema_version (version) VALUES (18);")
                c = sqlite3.connect(sys.argv[1])
                c.executescript(sql)
                c.execute("INSERT INTO sessions (id, source, started_at) VALUES ('old', 'cli', ?)", (time.time(),))
                c.execute("INSERT INTO messages (session_id, role, content, timestamp) VALUES ('old', 'user', 'from an old version', ?)", (time.time(),))
                c.commit()
                assert 'api_content' not in [r[1] for r in c.execute("pragma table_info(messages)")]
                """, path, try pythonSchemaSQLPath())
            try await withSessionStore(at: path) { store in
                #expect(try await store.history(of: SessionID("old")).map(\.content) == ["from an old version"])
                try await store.append([.assistant("and a reply from the new one")], to: SessionID("old"))
            }
            let check = try await python(
                """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                print("api_content" in [r[1] for r in c.execute("pragma table_info(messages)")],
                      "archived" in [r[1] for r in c.execute("pragma table_info(sessions)")],
                      c.execute("select version from schema_version").fetchone()[0],
                      c.execute("select count(*) from messages where session_id = 'old'").fetchone()[0])
                """, path)
            #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "True True 18 2")
        }
    }

    private func pythonSchemaSQLPath() throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/python-state-v22", withExtension: "sql")).path
    }

    /// What the Python script prints, under its own (snake_case) keys.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct PythonView: Decodable {
        struct Session: Decodable {
            var id: String
            var preview: String
            var message_count: Int
            var tool_call_count: Int
        }
        struct Row: Decodable {
            var role: String
            var tool_call_id: String?
            var tool_call_name: String?
        }
        struct Hit: Decodable {
            var session_id: String
            var snippet: String
        }
        var sessions: [Session]
        var history: [Row]
        var search: [Hit]
    }

    /// The Python project's `list_sessions_rich`, `get_messages` and `search_messages` queries.
    static let pythonQueries = """
        import sqlite3, sys, json
        c = sqlite3.connect(sys.argv[1])
        c.row_factory = sqlite3.Row
        sessions = []
        for row in c.execute('''
            SELECT s.*,
                COALESCE((SELECT SUBSTR(REPLACE(REPLACE(m.content, X'0A', ' '), X'0D', ' '), 1, 63)
                          FROM messages m WHERE m.session_id = s.id AND m.role = 'user' AND m.content IS NOT NULL
                          ORDER BY m.timestamp, m.id LIMIT 1), '') AS _preview_raw,
                COALESCE((SELECT MAX(m2.timestamp) FROM messages m2 WHERE m2.session_id = s.id), s.started_at) AS last_active
            FROM sessions s ORDER BY s.started_at DESC LIMIT ? OFFSET ?''', (20, 0)):
            s = dict(row)
            raw = s.pop("_preview_raw", "").strip()
            s["preview"] = raw[:60] + ("..." if len(raw) > 60 else "")
            sessions.append(s)
        history = []
        for row in c.execute("SELECT * FROM messages WHERE session_id = ? AND active = 1 ORDER BY id", ("newer",)):
            msg = dict(row)
            calls = json.loads(msg["tool_calls"]) if msg.get("tool_calls") else []
            history.append({"role": msg["role"], "tool_call_id": msg["tool_call_id"],
                            "tool_call_name": calls[0]["function"]["name"] if calls else None})
        search = [dict(r) for r in c.execute('''
            SELECT m.id, m.session_id, m.role, snippet(messages_fts, 0, '>>>', '<<<', '...', 40) AS snippet,
                   m.content, m.timestamp, m.tool_name, s.source, s.model, s.started_at AS session_started
            FROM messages_fts
            JOIN messages m ON m.id = messages_fts.rowid
            JOIN sessions s ON s.id = m.session_id
            WHERE messages_fts MATCH ? AND (m.active = 1 OR m.compacted = 1)
            ORDER BY rank LIMIT ? OFFSET ?''', ("deploy", 20, 0))]
        print(json.dumps({"sessions": sessions, "history": history, "search": search}))
        """

    /// Makes a file with the Python project's schema SQL and writes a session the way its
    /// `create_session` and `append_message` do.
    static let pythonWrites = """
        import sqlite3, sys, json, time
        c = sqlite3.connect(sys.argv[1])
        c.execute("PRAGMA journal_mode=WAL")
        c.executescript(open(sys.argv[2]).read())
        sid = "20260101_090000_python"
        c.execute("INSERT INTO sessions (id, source, model, started_at) VALUES (?, ?, ?, ?)", (sid, "cli", "gpt-x", time.time()))
        calls = [{"id": "call_9", "type": "function", "function": {"name": "web_search", "arguments": json.dumps({"query": "weather"})}}]
        rows = [("user", "what is the weather?", None, None, None),
                ("assistant", None, None, json.dumps(calls), None),
                ("tool", json.dumps({"results": []}), "call_9", None, "web_search"),
                ("assistant", "Here are the results.", None, None, None)]
        for role, content, call_id, tool_calls, tool_name in rows:
            c.execute('''INSERT INTO messages (session_id, role, content, tool_call_id, tool_calls, tool_name, timestamp,
                         observed, active) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)''',
                      (sid, role, content, call_id, tool_calls, tool_name, time.time()))
            c.execute("UPDATE sessions SET message_count = message_count + 1, tool_call_count = tool_call_count + ? WHERE id = ?",
                      (len(calls) if tool_calls else 0, sid))
        c.commit()
        """
}
