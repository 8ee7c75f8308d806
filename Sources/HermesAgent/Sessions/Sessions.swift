import HermesCore
import HermesStore
import HermesTelemetry
import Logging

/// The session layer: every turn of every entry point goes through `run(_:onEvent:)`, which
/// finds the session's agent (cached, or rebuilt from the store with its whole history), runs
/// the turn, and stores what it added: the compaction of a compressed history first (and the
/// system prompt it rebuilt, if it did), then the turn's messages with its token and call counts,
/// in one commit each. The gateway routes and delivers; `hermes chat` prints; neither writes to
/// the store.
///
/// Without a store (`hermes chat --no-store`, the harness's agent target) nothing is recorded,
/// and an agent dropped from the cache starts again with no history.
///
/// One turn per session at a time is the caller's to arrange (the gateway's `SessionRouter`):
/// an agent refuses a second concurrent turn with `.busy`.
public final class Sessions: Sendable {
    /// The agents of recently active sessions.
    public let agents: AgentCache
    /// Where turns are stored; nil records nothing.
    public let store: (any SessionStore)?
    /// The reviews of memory and skills that turns asked for, running after their replies.
    public let reviews: BackgroundReviews
    private let makeAgent: AgentFactory
    private let metrics: HermesMetrics?
    private let logger: Logger

    /// Makes the layer. `metrics` hears of every turn (`hermes_turn_duration_seconds`,
    /// `hermes_inflight_turns`, `hermes_tool_duration_seconds`).
    public init(
        store: (any SessionStore)?, agents: AgentCache, metrics: HermesMetrics? = nil,
        logger: Logger = Logger(label: "hermes.sessions"), makeAgent: @escaping AgentFactory
    ) {
        self.store = store
        self.agents = agents
        self.reviews = BackgroundReviews(logger: logger)
        self.metrics = metrics
        self.logger = logger
        self.makeAgent = makeAgent
    }

    /// Runs one turn of `request.session` and stores it before returning; `onEvent` sees the
    /// reply's text deltas and tool progress as they happen.
    ///
    /// A turn that fails leaves the session as it was: nothing of it is stored, and an agent
    /// that remembers a turn the store lacks is dropped so the next turn rebuilds it.
    public func run(_ request: TurnRequest, onEvent: AgentEventHandler? = nil) async throws(AgentError) -> TurnResult {
        let session = request.session.id
        let started = ContinuousClock.now
        metrics?.turnStarted()
        defer { metrics?.turnEnded(after: ContinuousClock.now - started) }
        do {
            let agent = try await agent(for: request)
            let result = try await agent.respond(to: request.text, instructions: request.instructions, onEvent: onEvent)
            if let store {
                do {
                    if let compaction = result.compaction { try await store.compact(session, to: compaction.history) }
                    if let prompt = result.systemPrompt { try await store.setSystemPrompt(prompt, of: session) }
                    try await store.append(
                        result.messages, to: session, usage: SessionUsage(result.usage, calls: result.modelCalls))
                } catch {
                    agents.remove(session)
                    throw error
                }
            }
            if let metrics {
                for run in result.toolRuns { metrics.recordToolCall(run.call.name, duration: run.duration) }
            }
            if let review = result.review { reviews.start(review, on: agent) }
            return result
        } catch let error as AgentError {
            throw error
        } catch let error as StoreError {
            logger.error("storing a turn failed", metadata: ["hermes.session.id": "\(session)", "error": "\(error)"])
            throw AgentError(.store, "the turn could not be stored: \(error.message)", cause: error)
        } catch is CancellationError {
            throw AgentError(.cancelled, "the turn was cancelled before it finished; nothing of it was stored")
        } catch {
            throw AgentError(.failed, "the turn failed: \(error)", cause: error)
        }
    }

    /// The cached agent, or one rebuilt from the store (the session is recorded if it is new,
    /// with the system prompt its agent was built with; a recorded session whose prompt is
    /// still unknown, as a Python gateway leaves a row it created before the first turn, gets
    /// it then). A request that brings its own history gets an agent built from that history,
    /// so that everything derived from it (the task list) follows the caller's conversation.
    private func agent(for request: TurnRequest) async throws -> Agent {
        let id = request.session.id
        let cached = agents.agent(for: id)
        if request.history == nil, let cached { return cached }
        var history = request.history ?? []
        var session = request.session
        var recorded: SessionRecord?
        if cached == nil, let store {
            recorded = try await store.session(id)
            if recorded != nil, request.history == nil { history = try await store.history(of: id) }
        }
        session.systemPrompt = recorded?.systemPrompt
        let agent = try await makeAgent(session, history)
        if cached == nil, let store {
            if let stored = recorded?.systemPrompt {
                // Rebuilt (for another model or provider): stored, as Python stores a rebuilt prompt.
                if stored != agent.configuration.systemPrompt {
                    try await store.setSystemPrompt(agent.configuration.systemPrompt, of: id)
                }
            } else {
                session.systemPrompt = agent.configuration.systemPrompt
                try await store.createSession(session)
            }
        }
        agents.insert(agent, for: id)
        return agent
    }
}
