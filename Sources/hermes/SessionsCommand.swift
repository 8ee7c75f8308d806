import ArgumentParser
import Foundation
import HermesCore
import HermesRuntime
import HermesStore

/// `hermes sessions …`: look at the conversations in a `state.db`.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show and search stored sessions.",
        discussion: "The database is --db, else HERMES_DB, else ~/.hermes/state.db (the Python project's file works too).",
        subcommands: [List.self, Show.self, Search.self]
    )

    /// The database option every subcommand shares.
    struct DatabaseOptions: ParsableArguments {
        @Option(name: .long, help: "The session database (env HERMES_DB; default ~/.hermes/state.db).")
        var db: String?

        var path: String { DatabaseLocation.resolve(db) }

        /// Opens the store for reading; a missing file is an error here, not a new database.
        func withStore<T: Sendable>(_ body: (SQLiteSessionStore) async throws -> T) async throws -> T {
            let path = self.path
            guard FileManager.default.fileExists(atPath: path) else {
                Terminal.error("hermes: \(path): no such database; pass --db PATH or set HERMES_DB\n")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
            do {
                return try await withSessionStore(at: path, configuration: StoreConfiguration(readers: 1), body)
            } catch let error as StoreError {
                Terminal.error("hermes: \(error)\n")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
    }

    /// `hermes sessions list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions, newest first.")

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "Only sessions from this source (cli, api, telegram, …); repeatable.")
        var source: [String] = []

        @Option(name: .long, help: "How many sessions to show.")
        var limit: Int = 20

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            let query = SessionListQuery(sources: source.isEmpty ? nil : source, limit: limit)
            let sessions = try await database.withStore { try await $0.sessions(query) }
            guard !sessions.isEmpty else {
                Terminal.out("no sessions\n")
                return
            }
            var rows = [["ID", "SOURCE", "STARTED (UTC)", "MSGS", "TITLE / FIRST MESSAGE"]]
            for session in sessions {
                rows.append([
                    session.id.rawValue, session.source, SessionsCommand.time(session.startedAt),
                    String(session.messageCount), session.title ?? session.preview,
                ])
            }
            Terminal.out(SessionsCommand.table(rows))
        }
    }

    /// `hermes sessions show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one session's messages in order.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The session id, or a unique start of it.")
        var id: String

        @Flag(name: .long, help: "Also show rewound and compacted messages.")
        var all = false

        func run() async throws {
            let prefix = id
            let includeInactive = all
            let (session, messages) = try await database.withStore { store -> (SessionRecord, [StoredMessage]) in
                let matches = try await store.sessionIDs(withPrefix: prefix, limit: 5)
                guard let id = matches.first, matches.count == 1 || matches.contains(SessionID(prefix)) else {
                    let list = matches.map(\.rawValue).joined(separator: ", ")
                    Terminal.error(
                        matches.isEmpty
                            ? "hermes: no session \(prefix); `hermes sessions list` shows the ids\n"
                            : "hermes: \(prefix) matches several sessions (\(list)); give more of the id\n")
                    throw ExitCode(ExitStatus.failure.rawValue)
                }
                let exact = matches.contains(SessionID(prefix)) ? SessionID(prefix) : id
                guard let session = try await store.session(exact) else { throw ExitCode(ExitStatus.failure.rawValue) }
                return (session, try await store.messages(in: exact, offset: 0, limit: nil, includeInactive: includeInactive))
            }
            var text = "session \(session.id)  source \(session.source)  started \(SessionsCommand.time(session.startedAt)) UTC"
            if let model = session.model { text += "  model \(model)" }
            text += "\n\(session.messageCount) messages, \(session.toolCallCount) tool calls, "
            text += "\(session.inputTokens) input / \(session.outputTokens) output tokens"
            if let ended = session.endedAt { text += ", ended \(SessionsCommand.time(ended)) (\(session.endReason ?? "?"))" }
            text += "\n"
            for message in messages {
                text += "\n[\(message.role)\(message.active ? "" : ", inactive")] \(SessionsCommand.time(message.timestamp))\n"
                if let content = message.content, !content.isEmpty { text += content + "\n" }
                for call in message.toolCalls { text += "→ \(call.name)(\(call.arguments))\n" }
            }
            Terminal.out(text)
        }
    }

    /// `hermes sessions search QUERY`.
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Full-text search across sessions, best matches first.",
            discussion: "Words, \"exact phrases\", OR, NOT and prefix* work; CJK text matches as a substring."
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "What to look for.")
        var query: String

        @Option(name: .long, help: "Only sessions from this source; repeatable.")
        var source: [String] = []

        @Option(name: .long, help: "Only this session.")
        var session: String?

        @Option(name: .long, help: "How many matches to show.")
        var limit: Int = 20

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
            guard !query.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("the query is empty; pass words to look for")
            }
        }

        func run() async throws {
            let search = SearchQuery(
                query, sources: source.isEmpty ? nil : source, sessionID: session.map(SessionID.init(rawValue:)), limit: limit)
            let hits = try await database.withStore { try await $0.search(search) }
            guard !hits.isEmpty else {
                Terminal.out("no matches\n")
                return
            }
            var rows = [["SESSION", "SOURCE", "WHEN (UTC)", "ROLE", "MATCH"]]
            for hit in hits {
                rows.append([
                    hit.sessionID.rawValue, hit.source, SessionsCommand.time(hit.timestamp), hit.role,
                    hit.snippet.replacingOccurrences(of: "\n", with: " "),
                ])
            }
            Terminal.out(SessionsCommand.table(rows))
        }
    }

    static func time(_ seconds: Double) -> String {
        let stamp = UTCTimestamp(secondsSince1970: Int(seconds))
        return String(format: "%04d-%02d-%02d %02d:%02d", stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute)
    }

    /// Left-aligned columns; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index < columns - 1 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
