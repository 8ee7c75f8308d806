import Foundation
import HermesConfig
import HermesCore
import HermesSimulators
import HermesStore
import HermesTesting
import Testing

/// `hermes sessions …` run as people run it, against a file the store wrote.
@Suite("hermes sessions", .timeLimit(.minutes(1)))
struct SessionsCommandTests {
    private func run(_ arguments: String...) async throws -> (status: Int32, output: String, error: String) {
        try await run(arguments)
    }

    private func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        let result = try await runProcess(Executables.hermes, arguments)
        return (result.status, result.standardOutput, result.standardError)
    }

    @Test("list, show (by a unique prefix) and search a database")
    func listShowSearch() async throws {
        let directory = NSTemporaryDirectory() + "hermes-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state.db"
        try await withSessionStore(at: path) { store in
            let id = SessionID("20261125_101500_a1b2c3")
            try await store.createSession(NewSession(id: id, source: "cli", model: "sim-1", startedAt: 1_764_065_700))
            try await store.append(
                [
                    .user("Where is the deploy script?"),
                    .assistant(nil, toolCalls: [ToolCall(id: "c1", name: "search_files", arguments: #"{"pattern":"deploy"}"#)]),
                    .tool(callID: "c1", name: "search_files", content: "scripts/deploy.sh"),
                    .assistant("It is scripts/deploy.sh."),
                ],
                to: id)
            try await store.createSession(NewSession(id: SessionID("20261125_111500_ffffff"), source: "telegram"))
        }

        let list = try await run("sessions", "list", "--db", path)
        #expect(list.status == 0)
        #expect(list.output.contains("20261125_101500_a1b2c3  cli"))
        #expect(list.output.contains("Where is the deploy script?"))
        #expect(list.output.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 3, "header and two sessions")

        let show = try await run("sessions", "show", "20261125_10", "--db", path)
        #expect(show.status == 0)
        #expect(show.output.contains("session 20261125_101500_a1b2c3"))
        #expect(show.output.contains("→ search_files({\"pattern\":\"deploy\"})"))
        #expect(show.output.contains("It is scripts/deploy.sh."))

        let ambiguous = try await run("sessions", "show", "20261125", "--db", path)
        #expect(ambiguous.status == 1)
        #expect(ambiguous.error.contains("matches several sessions"))

        let search = try await run("sessions", "search", "deploy", "--db", path)
        #expect(search.status == 0)
        #expect(search.output.contains(">>>deploy<<<"))

        let missing = try await run("sessions", "list", "--db", directory + "/nope.db")
        #expect(missing.status == 1)
        #expect(missing.error.hasPrefix("hermes: \(directory)/nope.db: no such database"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/nope.db"), "reading never creates a database")
    }

    @Test("a file that is not a database: one line naming it, exit 1, file untouched")
    func notADatabase() async throws {
        let path = NSTemporaryDirectory() + "hermes-cli-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        let result = try await run("sessions", "list", "--db", path)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("hermes: \(path): the file is not an SQLite database"))
        #expect(FileManager.default.contents(atPath: path) == Data("hello".utf8))
    }

    @Test("hermes chat records its session; --session continues it with the history loaded")
    func chatRecordsAndContinues() async throws {
        let directory = NSTemporaryDirectory() + "hermes-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state.db"
        var config = LLMSimulatorConfig()
        config.replyText = "Noted."
        config.firstToken = .init(median: .milliseconds(1), p99: .milliseconds(2))
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let first = try await run(["chat", "--base-url", baseURL, "--db", path, "--toolsets", "todo", "remember the number 42"])
            #expect(first.status == 0, "\(first.error)")
            #expect(first.output == "Noted.\n")
            let id = try #require(first.error.split(separator: " ").dropFirst().first.map(String.init), "prints the session id")

            let second = try await run(["chat", "--base-url", baseURL, "--db", path, "--session", id, "--toolsets", "todo", "and now?"])
            #expect(second.status == 0, "\(second.error)")

            let unknown = try await run(["chat", "--base-url", baseURL, "--db", path, "--session", "nope", "hi"])
            #expect(unknown.status == 1)
            #expect(unknown.error.contains("no session nope"))

            try await withSessionStore(at: path) { store in
                let history = try await store.history(of: SessionID(id))
                #expect(history.map(\.content) == ["remember the number 42", "Noted.", "and now?", "Noted."])
                let record = try #require(try await store.session(SessionID(id)))
                #expect(record.source == "cli")
                #expect(record.messageCount == 4)
                #expect(record.apiCallCount == 2)
            }
        }
        let requests = simulator.stats().requests
        #expect(requests == 2, "the failed --session run never called the model")
    }
}
