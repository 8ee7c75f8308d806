import ArgumentParser
import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesTools

/// `hermes chat "message"`: one turn against an OpenAI-compatible endpoint, streamed to the terminal.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Send one message to the agent and stream its reply.",
        discussion: """
            Defaults come from HERMES_BASE_URL, HERMES_API_KEY and HERMES_MODEL. Tool progress goes to \
            standard error, the reply to standard output. The web tools use HERMES_WEB_BASE_URL and \
            HERMES_WEB_API_KEY (a Tavily-compatible API).
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

    @Argument(help: "The message to send.")
    var message: String

    func validate() throws {
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("the message is empty; pass the text to send, e.g. hermes chat \"hello\"")
        }
        if maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let baseURL = baseURL ?? environment["HERMES_BASE_URL"], !baseURL.isEmpty else {
            throw ValidationError("no model endpoint: pass --base-url URL or set HERMES_BASE_URL")
        }
        let client = OpenAIClient(
            configuration: .init(
                baseURL: baseURL, apiKey: environment["HERMES_API_KEY"],
                model: model ?? environment["HERMES_MODEL"] ?? "hermes"))
        let context = ToolContext(
            sessionID: SessionID.generate(at: Int(Date().timeIntervalSince1970)),
            workingDirectory: FileManager.default.currentDirectoryPath,
            web: WebConfiguration(
                baseURL: environment["HERMES_WEB_BASE_URL"],
                apiKey: environment["HERMES_WEB_API_KEY"] ?? environment["TAVILY_API_KEY"]))
        let configuration = AgentConfiguration(
            toolsets: toolsets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            maxIterations: maxIterations, stream: !noStream)
        do {
            let agent = try Agent(
                model: client, tools: .builtIn(), context: context, configuration: configuration)
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
        } catch let error as AgentError {
            Terminal.error("hermes: \(error.message)\n")
            throw ExitCode(1)
        }
    }
}
