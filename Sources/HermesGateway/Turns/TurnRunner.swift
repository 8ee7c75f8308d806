import HermesAgent
import HermesCore
import HermesStore
import HermesTelemetry
import Synchronization

/// The gateway's side of a turn: admission through the `SessionRouter` (in arrival order per
/// session, bounded queues, refusal once shutting down), then the turn itself in the session
/// layer (`Sessions`), which loads, runs and stores it.
public final class TurnRunner: Sendable {
    /// Decides when each turn runs.
    public let router: SessionRouter
    /// Runs and stores turns.
    public let sessions: Sessions
    private let metrics: HermesMetrics?
    private let accepting = Mutex(true)

    /// Makes a runner; `metrics` counts refusals (`hermes_queue_rejections_total`) and waits
    /// (`hermes_turn_queue_wait_seconds`).
    public init(router: SessionRouter, sessions: Sessions, metrics: HermesMetrics? = nil) {
        self.router = router
        self.sessions = sessions
        self.metrics = metrics
    }

    /// The agents of recently active sessions.
    public var agents: AgentCache { sessions.agents }

    /// Takes a place in the session's queue, or throws `.queueFull` / `.shuttingDown` at once.
    public func admit(_ request: TurnRequest) throws(GatewayError) -> AdmittedTurn {
        guard accepting.withLock({ $0 }) else {
            throw GatewayError(.shuttingDown, "the gateway is shutting down and takes no new turns; retry on another instance")
        }
        do {
            return AdmittedTurn(runner: self, request: request, ticket: try router.admit(request.session.id))
        } catch {
            metrics?.recordQueueRejection()
            throw error
        }
    }

    /// Refuses new turns from now on; admitted ones still run.
    public func stopAccepting() {
        accepting.withLock { $0 = false }
    }

    fileprivate func waitForTurn(_ ticket: TurnTicket) async throws(GatewayError) {
        do {
            let waited = try await ticket.waitForTurn()
            metrics?.recordQueueWait(waited)
        } catch {
            throw GatewayError(.cancelled, "the request was cancelled while it waited for its turn")
        }
    }

    fileprivate func execute(_ request: TurnRequest, onEvent: AgentEventHandler?) async throws(GatewayError) -> TurnResult {
        do {
            return try await sessions.run(request, onEvent: onEvent)
        } catch {
            switch error.code {
            case .store: throw GatewayError(.storeFailed, error.message, cause: error)
            case .cancelled: throw GatewayError(.cancelled, error.message, cause: error)
            case .busy, .model, .configuration, .failed: throw GatewayError(.agentFailed, error.message, cause: error)
            }
        }
    }
}

/// A turn that holds a place in its session's queue. Run it once with `run(onEvent:)`; dropping
/// it unrun gives the place up.
public struct AdmittedTurn: Sendable {
    fileprivate let runner: TurnRunner
    /// What was asked.
    public let request: TurnRequest
    fileprivate let ticket: TurnTicket

    /// Waits for the session's earlier turns, runs this one and stores its messages.
    /// `onEvent` sees the reply's text deltas and tool progress as they happen.
    public func run(onEvent: AgentEventHandler? = nil) async throws(GatewayError) -> TurnResult {
        try await runner.waitForTurn(ticket)
        defer { ticket.finish() }
        return try await runner.execute(request, onEvent: onEvent)
    }

    /// Waits for the session's earlier turns, then runs what `revise` makes of the request, or
    /// nothing (nil, the place given up) when it returns nil: for a turn whose message depends
    /// on what the earlier turns did (a process notification the agent may have made moot).
    /// `revise` runs in the session's place, after the earlier turns have run.
    public func run(
        revising revise: (TurnRequest) async -> TurnRequest?, onEvent: AgentEventHandler? = nil
    ) async throws(GatewayError) -> TurnResult? {
        try await runner.waitForTurn(ticket)
        defer { ticket.finish() }
        guard let revised = await revise(request) else { return nil }
        return try await runner.execute(revised, onEvent: onEvent)
    }
}
