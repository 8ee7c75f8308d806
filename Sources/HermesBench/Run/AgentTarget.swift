import HermesAgent
import HermesCore
import HermesGateway
import HermesRuntime
import HermesStore
import Synchronization

/// The turn loop in-process, as the runtime runs it without a gateway in front: turns of a
/// session one at a time in arrival order (the gateway's `SessionRouter`, with no admission
/// limit), through the runtime's session layer and its bounded agent cache; nothing is stored.
/// A session in `histories` starts its first turn with that history.
final class AgentTarget: BenchTarget {
    private let sessions: Sessions
    private let router = SessionRouter(maxConcurrentTurns: .max, maxQueuedPerSession: .max)
    private let histories: Mutex<[String: [Message]]>

    init(runtime: HermesRuntime, histories: [String: [Message]] = [:]) {
        sessions = runtime.sessions
        self.histories = Mutex(histories)
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        do {
            let ticket = try router.admit(SessionID(request.session))
            try await ticket.waitForTurn()
            defer { ticket.finish() }
            let history = histories.withLock { $0.removeValue(forKey: request.session) }
            let result = try await sessions.run(
                TurnRequest(session: NewSession(id: SessionID(request.session), source: "api_server"), text: request.text, history: history))
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
}
