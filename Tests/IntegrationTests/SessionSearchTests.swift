import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesStore
import HermesTesting
import HermesTools
import Testing

@testable import HermesRuntime

/// `session_search` on our SQLite store: the sessions and messages of
/// Fixtures/python-session-search.json (written by `scripts/peer/session-search-results`) are
/// inserted into a database our store made, and every call there must answer what Python's tool
/// answered on the same rows.
@Suite("session_search answers as Python's does", .timeLimit(.minutes(1)))
struct SessionSearchTests {
    struct Call: Decodable, Sendable {
        var arguments: JSONValue
        var currentSessionID: String?
        var result: String

        enum CodingKeys: String, CodingKey {
            case arguments, result
            case currentSessionID = "current_session_id"
        }
    }

    static func fixtureURL() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/python-session-search", withExtension: "json"))
    }

    static let calls: [Call] = {
        guard let url = try? fixtureURL(), let data = try? Data(contentsOf: url),
            let document = try? JSONDecoder().decode([String: JSONValue].self, from: data),
            let calls = document["calls"], let encoded = try? JSONEncoder().encode(calls)
        else { return [] }
        return (try? JSONDecoder().decode([Call].self, from: encoded)) ?? []
    }()

    /// A store holding the fixture's rows, inserted as Python's script inserted them.
    static func withFixtureStore<T>(_ body: (SQLiteSessionStore) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "hermes-recall-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state.db"
        await (try await SQLiteSessionStore.open(at: path)).close()
        let insert = """
            import json, sqlite3, sys
            document = json.load(open(sys.argv[2], encoding="utf-8"))
            db = sqlite3.connect(sys.argv[1])
            db.executemany("INSERT INTO sessions (id, source, model, title, parent_session_id, started_at, ended_at, end_reason,"
                           " model_config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", document["sessions"])
            db.executemany("INSERT INTO messages (id, session_id, role, content, tool_calls, tool_call_id, tool_name, timestamp,"
                           " active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", document["messages"])
            db.execute("UPDATE sessions SET message_count = (SELECT COUNT(*) FROM messages m WHERE m.session_id = sessions.id)")
            db.commit()
            """
        let inserted = try await runProcess("python3", ["-c", insert, path, try fixtureURL().path])
        #expect(inserted.status == 0, "python3: \(inserted.standardError)")
        let store = try await SQLiteSessionStore.open(at: path)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    @Test("the fixture has Python's calls")
    func fixtureIsThere() {
        #expect(Self.calls.count >= 20)
    }

    @Test("every call answers Python's result", arguments: 0..<calls.count)
    func sameAnswer(_ index: Int) async throws {
        let call = Self.calls[index]
        let utc = try #require(TimeZone(identifier: "UTC"))
        let ours = try await Self.withFixtureStore { store in
            let search = SessionSearch(
                history: StoreSessionHistory(store: store, profile: "default"),
                currentSession: call.currentSessionID.map(SessionID.init(rawValue:)), timeZone: utc)
            return await search.answer(call.arguments)
        }
        let python = try JSONValue(parsing: call.result)
        let parsed = try JSONValue(parsing: ours)
        #expect(parsed == python, "\(call.arguments.jsonText) as \(call.currentSessionID ?? "no session"):\nours   \(ours)\nPython \(call.result)")
        #expect(Self.keyOrder(ours) == Self.keyOrder(call.result), "the top-level keys come in Python's order")
    }

    /// The keys of the answer's top-level object, in the order written.
    static func keyOrder(_ text: String) -> [String] {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return object.keys.sorted { text.range(of: "\"\($0)\": ")!.lowerBound < text.range(of: "\"\($1)\": ")!.lowerBound }
    }

    @Test("an agent's session_search call reads the runtime's store, and leaves the asking session out")
    func runtimeWiring() async throws {
        let directory = NSTemporaryDirectory() + "hermes-recall-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = RuntimeSettings()
        settings.databasePath = directory + "/state.db"
        settings.stream = false
        settings.compression = CompressionSettings(contextLength: 128_000)
        let model = ScriptedModel { request, _ in
            let last = request.messages.last
            if last?.role == .tool { return ChatCompletion(message: .assistant("recalled")) }
            if last?.content == "what did we say about zeppelins?" {
                return ChatCompletion(
                    message: .assistant(nil, toolCalls: [ToolCall(id: "c1", name: "session_search", arguments: #"{"query": "zeppelins"}"#)]))
            }
            return ChatCompletion(message: .assistant("zeppelins float on hydrogen"))
        }
        try await withRuntime(settings, model: model) { runtime in
            _ = try await runtime.sessions.run(
                TurnRequest(session: NewSession(id: SessionID("earlier"), source: "cli"), text: "tell me about zeppelins"))
            let asking = SessionID("asking")
            _ = try await runtime.sessions.run(TurnRequest(session: NewSession(id: asking, source: "cli"), text: "what did we say about zeppelins?"))
            let store = try #require(runtime.store)
            let result = try #require(try await store.history(of: asking).first { $0.role == .tool }?.content)
            let answer = try JSONValue(parsing: result)
            #expect(answer["mode"] == "discover" && answer["count"] == 1, "\(result)")
            #expect(answer["results"]?.arrayValue?.first?["session_id"] == "earlier", "the asking session is left out: \(result)")
        }
    }
}
