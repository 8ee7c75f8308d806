import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesTools
import Synchronization

/// The turn loop in-process: one `Agent` per session, turns of a session one at a time in
/// arrival order (the gateway's `SessionRouter`), the model behind the LLM simulator. Agents
/// compress their context with `compressor` when given; a session in `histories` starts with
/// that history.
final class AgentTarget: BenchTarget {
    private let model: any ChatModel
    private let tools = ToolRegistry.builtIn()
    private let web: WebConfiguration
    private let directory: String
    private let router = SessionRouter(maxConcurrentTurns: .max, maxQueuedPerSession: .max)
    private let agents = Mutex<[String: Agent]>([:])
    private let compressor: ContextCompressor?
    private let histories: [String: [Message]]

    init(
        model: any ChatModel, web: WebConfiguration, directory: String, compressor: ContextCompressor? = nil,
        histories: [String: [Message]] = [:]
    ) {
        self.model = model
        self.web = web
        self.directory = directory
        self.compressor = compressor
        self.histories = histories
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        do {
            let ticket = try router.admit(SessionID(request.session))
            try await ticket.waitForTurn()
            defer { ticket.finish() }
            let result = try await agent(for: request.session).respond(to: request.text)
            return .completed(
                TurnTimings(
                    timeToFirstToken: result.timeToFirstToken, model: result.modelTime, tools: result.toolTime,
                    toolCalls: result.toolRuns.map { ($0.call.name, $0.duration) }, compression: result.compaction?.duration,
                    compressionOutcome: result.compaction?.outcome.rawValue))
        } catch let error as AgentError {
            return .failed(kind: "agent_\(error.code)")
        } catch {
            return .failed(kind: "error")
        }
    }

    private func agent(for session: String) throws -> Agent {
        if let agent = agents.withLock({ $0[session] }) { return agent }
        let agent = try Agent(
            model: model, tools: tools,
            context: ToolContext(sessionID: SessionID(session), workingDirectory: directory, web: web),
            configuration: AgentConfiguration(toolsets: ["file", "web", "todo"], maxIterations: 8),
            history: histories[session] ?? [], compressor: compressor)
        return agents.withLock { agents in
            if let existing = agents[session] { return existing }
            agents[session] = agent
            return agent
        }
    }
}
