import HermesAgent
import HermesCore
import HermesStore
import Logging
import Synchronization

/// Builds the agent of a session from its history (a new session, or one evicted from the cache).
public typealias AgentFactory = @Sendable (_ session: SessionID, _ history: [Message]) throws -> Agent

/// One message for the agent of a session.
public struct TurnRequest: Sendable {
    /// The session, with what is known about it should it not exist yet.
    public var session: NewSession
    /// The user's text.
    public var text: String
    /// The conversation before `text` as the caller sent it, replacing the stored one; `nil`
    /// continues the session's own history (from the cache, or from the store).
    public var history: [Message]?
    /// Added to the system prompt for this turn only (an API caller's system message).
    public var instructions: String?

    /// Makes a request.
    public init(session: NewSession, text: String, history: [Message]? = nil, instructions: String? = nil) {
        self.session = session
        self.text = text
        self.history = history
        self.instructions = instructions
    }
}

/// Runs turns: admission through the `SessionRouter`, the session's agent from the
/// `AgentCache` (or rebuilt from the store), the turn, and its messages stored before the turn
/// counts as done.
public final class TurnRunner: Sendable {
    /// Decides when each turn runs.
    public let router: SessionRouter
    /// The agents of recently active sessions.
    public let agents: AgentCache
    private let store: any SessionStore
    private let makeAgent: AgentFactory
    private let observer: TurnObserver
    private let logger: Logger
    private let accepting = Mutex(true)

    /// Makes a runner.
    public init(
        store: any SessionStore, router: SessionRouter, agents: AgentCache, observer: TurnObserver = TurnObserver(),
        logger: Logger = Logger(label: "hermes.gateway"), makeAgent: @escaping AgentFactory
    ) {
        self.store = store
        self.router = router
        self.agents = agents
        self.observer = observer
        self.logger = logger
        self.makeAgent = makeAgent
    }

    /// Takes a place in the session's queue, or throws `.queueFull` / `.shuttingDown` at once.
    public func admit(_ request: TurnRequest) throws(GatewayError) -> AdmittedTurn {
        guard accepting.withLock({ $0 }) else {
            throw GatewayError(.shuttingDown, "the gateway is shutting down and takes no new turns; retry on another instance")
        }
        do {
            return AdmittedTurn(runner: self, request: request, ticket: try router.admit(request.session.id))
        } catch {
            observer.queueRejected()
            throw error
        }
    }

    /// Refuses new turns from now on; admitted ones still run.
    public func stopAccepting() {
        accepting.withLock { $0 = false }
    }

    fileprivate func run(
        _ request: TurnRequest, ticket: TurnTicket, onEvent: AgentEventHandler?
    ) async throws(GatewayError) -> TurnResult {
        do {
            try await ticket.waitForTurn()
        } catch {
            throw GatewayError(.cancelled, "the request was cancelled while it waited for its turn")
        }
        defer { ticket.finish() }
        let session = request.session.id
        let started = ContinuousClock.now
        observer.turnStarted()
        defer { observer.turnEnded(after: ContinuousClock.now - started) }
        do {
            let agent = try await agent(for: request)
            let result = try await agent.respond(to: request.text, instructions: request.instructions, onEvent: onEvent)
            do {
                if let compaction = result.compaction { try await store.compact(session, to: compaction.history) }
                try await store.append(
                    result.messages, to: session, usage: SessionUsage(result.usage, calls: result.modelCalls))
            } catch {
                // The agent now remembers a turn the store does not have: rebuild it next time.
                agents.remove(session)
                throw error
            }
            observer.turnFinished(result)
            return result
        } catch let error as AgentError {
            observer.turnFailed()
            throw GatewayError(.agentFailed, error.message, cause: error)
        } catch let error as StoreError {
            observer.turnFailed()
            logger.error("storing a turn failed", metadata: ["hermes.session.id": "\(session)", "error": "\(error)"])
            throw GatewayError(.storeFailed, "the turn could not be stored: \(error.message)", cause: error)
        } catch is CancellationError {
            observer.turnFailed()
            throw GatewayError(.cancelled, "the turn was cancelled before it finished; nothing of it was stored")
        } catch {
            observer.turnFailed()
            throw GatewayError(.agentFailed, "the turn failed: \(error)")
        }
    }

    /// The cached agent, or one rebuilt from the store (the session is recorded if it is new).
    /// A request that brings its own history gets an agent built from that history, so that
    /// everything derived from it (the task list) follows the caller's conversation.
    private func agent(for request: TurnRequest) async throws -> Agent {
        let id = request.session.id
        let cached = agents.agent(for: id)
        if request.history == nil, let cached { return cached }
        var history = request.history ?? []
        if cached == nil {
            if try await store.session(id) == nil {
                try await store.createSession(request.session)
            } else if request.history == nil {
                history = try await store.history(of: id)
            }
        }
        let agent = try makeAgent(id, history)
        agents.insert(agent, for: id)
        return agent
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
        try await runner.run(request, ticket: ticket, onEvent: onEvent)
    }
}
