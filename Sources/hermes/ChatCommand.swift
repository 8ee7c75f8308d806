import ArgumentParser
import Foundation
import HermesAgent
import HermesCore
import HermesRuntime
import HermesStore

/// `hermes chat "message"`: one turn against an OpenAI-compatible endpoint, streamed to the terminal.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Send one message to the agent and stream its reply.",
        discussion: """
            Settings come from flags, then the environment (HERMES_BASE_URL, HERMES_API_KEY, HERMES_MODEL, \
            HERMES_WEB_BASE_URL, HERMES_WEB_API_KEY, HERMES_DB, and $HERMES_HOME/.env), then config.yaml, as for \
            `hermes gateway`; `hermes config show` prints them with their sources. The tools work in the current \
            directory. Tool progress goes to standard error, the reply to standard output. The conversation is \
            recorded in the session database (--db, HERMES_DB, else $HERMES_HOME/state.db) unless --no-store is \
            given; --session ID continues a recorded one.
            """
    )

    @Option(name: .long, help: "OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (env HERMES_BASE_URL).")
    var baseURL: String?

    @Option(name: [.short, .long], help: "Model name (env HERMES_MODEL; config model.default).")
    var model: String?

    @Option(name: .long, help: "custom, openrouter, or a providers: entry of config.yaml (config model.provider).")
    var provider: String?

    @Option(name: [.short, .long], help: "Comma-separated toolsets: terminal, file, web, todo, all, hermes-cli (default: hermes-cli, all four).")
    var toolsets: String?

    @Option(
        name: [.customLong("max-turns"), .customLong("max-iterations")],
        help: "Most model calls in the turn (config agent.max_turns; default 90).")
    var maxIterations: Int?

    @Flag(name: .long, help: "Wait for whole replies instead of streaming.")
    var noStream = false

    @Option(name: .long, help: "Continue this recorded session.")
    var session: String?

    @Flag(name: .long, help: "Do not record the conversation.")
    var noStore = false

    @Option(name: .long, help: "The model's context window in tokens; compresses a session that outgrows it.")
    var contextLength: Int?

    @OptionGroup var settings: SettingsOptions

    @Argument(help: "The message to send.")
    var message: String

    func validate() throws {
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("the message is empty; pass the text to send, e.g. hermes chat \"hello\"")
        }
        if noStore, session != nil {
            throw ValidationError("--session continues a recorded session, which needs the database; drop --no-store")
        }
    }

    func run() async throws {
        var flags = SettingsFlags()
        flags.baseURL = baseURL
        flags.model = model
        flags.provider = provider
        flags.toolsets = toolsets
        flags.maxIterations = maxIterations
        flags.noStream = noStream
        flags.noStore = noStore
        flags.contextLength = contextLength
        try await Failure.reporting {
            let settings = try self.settings.resolve(flags)
            try await withRuntime(settings, approver: TerminalApprover.current) { runtime in try await chat(in: runtime) }
        }
    }

    private func chat(in runtime: HermesRuntime) async throws {
        let id = try await sessionID(in: runtime.store)
        let request = TurnRequest(
            session: NewSession(
                id: id, source: "cli", model: runtime.settings.model.name,
                workingDirectory: runtime.settings.workingDirectory),
            text: message)
        let result = try await runtime.sessions.run(request) { event in
            switch event {
            case .textDelta(let piece):
                Terminal.out(piece)
            case .toolStarted(let call):
                Terminal.error("→ \(call.name)\n")
            case .toolFinished(let run):
                if run.isError { Terminal.error("  \(run.call.name) failed: \(run.result.prefix(200))\n") }
            }
        }
        Terminal.out(runtime.settings.stream ? "\n" : result.reply + "\n")
        if let compaction = result.compaction {
            Terminal.error("compressed \(compaction.replaced) earlier messages (\(compaction.outcome.rawValue))\n")
        }
        if runtime.store != nil { Terminal.error("session \(id) (continue with --session \(id))\n") }
    }

    /// The session to talk in: the recorded one `--session` names, else a new one.
    private func sessionID(in store: SQLiteSessionStore?) async throws -> SessionID {
        guard let session else { return SessionID.generate(at: Int(Date().timeIntervalSince1970)) }
        let id = SessionID(session)
        guard let store, try await store.session(id) != nil else {
            Terminal.error("hermes: no session \(session) in \(store?.path ?? "the database"); `hermes sessions list` shows the ids\n")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        return id
    }
}
