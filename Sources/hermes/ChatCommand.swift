import ArgumentParser
import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesStore
import HermesTools

/// `hermes chat "message"`: one turn against an OpenAI-compatible endpoint, streamed to the terminal.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Send one message to the agent and stream its reply.",
        discussion: """
            Defaults come from HERMES_BASE_URL, HERMES_API_KEY and HERMES_MODEL. Tool progress goes to \
            standard error, the reply to standard output. The web tools use HERMES_WEB_BASE_URL and \
            HERMES_WEB_API_KEY (a Tavily-compatible API). The conversation is recorded in the session \
            database (--db, HERMES_DB, else ~/.hermes/state.db) unless --no-store is given; --session ID \
            continues a recorded one.
            """
    )

    @Option(name: .long, help: "OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (env HERMES_BASE_URL).")
    var baseURL: String?

    @Option(name: .long, help: "Model name (env HERMES_MODEL).")
    var model: String?

    @Option(name: .long, help: "Comma-separated toolsets: terminal, file, web, todo, all.")
    var toolsets: String = "terminal,file,web,todo"

    @Option(name: .long, help: "Most model calls in the turn.")
    var maxIterations: Int = 90

    @Flag(name: .long, help: "Wait for whole replies instead of streaming.")
    var noStream = false

    @Option(name: .long, help: "Continue this recorded session.")
    var session: String?

    @Option(name: .long, help: "The session database (env HERMES_DB; default ~/.hermes/state.db).")
    var db: String?

    @Flag(name: .long, help: "Do not record the conversation.")
    var noStore = false

    @Option(name: .long, help: "The model's context window in tokens; compresses a session that outgrows it.")
    var contextLength: Int?

    @Argument(help: "The message to send.")
    var message: String

    func validate() throws {
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("the message is empty; pass the text to send, e.g. hermes chat \"hello\"")
        }
        if maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
        if let contextLength, contextLength < 256 {
            throw ValidationError("--context-length \(contextLength) is too small for a conversation; give the model's window, e.g. 128000")
        }
        if noStore, session != nil {
            throw ValidationError("--session continues a recorded session, which needs the database; drop --no-store")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let baseURL = baseURL ?? environment["HERMES_BASE_URL"], !baseURL.isEmpty else {
            throw ValidationError("no model endpoint: pass --base-url URL or set HERMES_BASE_URL")
        }
        let modelName = model ?? environment["HERMES_MODEL"] ?? "hermes"
        let client = OpenAIClient(
            configuration: .init(baseURL: baseURL, apiKey: environment["HERMES_API_KEY"], model: modelName))
        let store = try await noStore ? nil : openStore()
        do {
            let (sessionID, history) = try await startSession(in: store, model: modelName)
            let context = ToolContext(
                sessionID: sessionID,
                workingDirectory: FileManager.default.currentDirectoryPath,
                todos: TodoStore(restoringFrom: history),
                web: WebConfiguration(
                    baseURL: environment["HERMES_WEB_BASE_URL"],
                    apiKey: environment["HERMES_WEB_API_KEY"] ?? environment["TAVILY_API_KEY"]))
            let configuration = AgentConfiguration(
                toolsets: toolsets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                maxIterations: maxIterations, stream: !noStream)
            let compressor = contextLength.map {
                ContextCompressor(model: client, settings: CompressionSettings(contextLength: $0))
            }
            let agent = try Agent(
                model: client, tools: .builtIn(), context: context, configuration: configuration, history: history,
                compressor: compressor)
            let streamed = !noStream
            let result = try await agent.respond(to: message) { event in
                switch event {
                case .textDelta(let piece):
                    Terminal.out(piece)
                case .toolStarted(let call):
                    Terminal.error("→ \(call.name)\n")
                case .toolFinished(let run):
                    if run.isError { Terminal.error("  \(run.call.name) failed: \(run.result.prefix(200))\n") }
                }
            }
            Terminal.out(streamed ? "\n" : result.reply + "\n")
            if let compaction = result.compaction {
                Terminal.error("compressed \(compaction.replaced) earlier messages (\(compaction.outcome.rawValue))\n")
            }
            if let store {
                if let compaction = result.compaction { try await store.compact(sessionID, to: compaction.history) }
                try await store.append(
                    result.messages, to: sessionID, usage: SessionUsage(result.usage, calls: result.modelCalls))
                await store.close()
                Terminal.error("session \(sessionID) (continue with --session \(sessionID))\n")
            }
        } catch let error as AgentError {
            await store?.close()
            Terminal.error("hermes: \(error.message)\n")
            throw ExitCode(1)
        } catch let error as StoreError {
            await store?.close()
            Terminal.error("hermes: \(error)\n")
            throw ExitCode(1)
        } catch {
            await store?.close()
            throw error
        }
    }

    private func openStore() async throws -> SQLiteSessionStore {
        do {
            return try await SQLiteSessionStore.open(at: DatabaseLocation.resolve(db), configuration: StoreConfiguration(readers: 1))
        } catch let error as StoreError {
            Terminal.error("hermes: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// The session to talk in and its history so far: a recorded one for `--session`, else a new one.
    private func startSession(in store: SQLiteSessionStore?, model: String) async throws -> (SessionID, [Message]) {
        let now = Date().timeIntervalSince1970
        guard let store else { return (SessionID.generate(at: Int(now)), []) }
        if let session {
            let id = SessionID(session)
            guard try await store.session(id) != nil else {
                Terminal.error("hermes: no session \(session) in \(store.path); `hermes sessions list` shows the ids\n")
                throw ExitCode(1)
            }
            return (id, try await store.history(of: id))
        }
        let id = SessionID.generate(at: Int(now))
        try await store.createSession(
            NewSession(id: id, source: "cli", model: model, workingDirectory: FileManager.default.currentDirectoryPath))
        return (id, [])
    }
}
