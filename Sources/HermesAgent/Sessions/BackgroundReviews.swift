import HermesCore
import Logging
import Synchronization

/// The background reviews under way (Python's review threads), which run after a turn's reply
/// and never hold up a turn: at most one per session and `limit` in all. A review is
/// best-effort, as in Python: one that would pass either bound is skipped, and one that fails
/// is logged. `shutdown()` cancels them, as Python's daemon threads die with the process.
public final class BackgroundReviews: Sendable {
    private struct State {
        var running: [SessionID: (token: Int, task: Task<Void, Never>)] = [:]
        var nextToken = 0
        var closed = false
    }

    private let limit: Int
    private let logger: Logger
    private let state = Mutex(State())

    /// At most `limit` reviews at once.
    public init(limit: Int = 4, logger: Logger = Logger(label: "hermes.reviews")) {
        self.limit = max(1, limit)
        self.logger = logger
    }

    /// How many reviews are running.
    public var runningCount: Int { state.withLock { $0.running.count } }

    /// Starts `request` on `agent`, unless one of its session's is running, `limit` are, or
    /// the reviews were shut down.
    func start(_ request: ReviewRequest, on agent: Agent) {
        let session = agent.sessionID
        let logger = logger
        state.withLock { state in
            guard !state.closed else { return }
            guard state.running[session] == nil, state.running.count < limit else {
                logger.info(
                    "a background review was skipped: one is already running for the session, or the most at once are",
                    metadata: ["hermes.session.id": "\(session)", "hermes.reviews.running": "\(state.running.count)"])
                return
            }
            let token = state.nextToken
            state.nextToken += 1
            let task = Task {
                await Self.run(request, on: agent, logger: logger)
                self.finished(session, token: token)
            }
            state.running[session] = (token, task)
        }
    }

    /// Waits until every review started so far has ended.
    public func idle() async {
        while let task = state.withLock({ $0.running.values.first?.task }) { await task.value }
    }

    /// Cancels the running reviews, waits for them, and starts no more.
    public func shutdown() async {
        let tasks = state.withLock { state in
            state.closed = true
            return state.running.values.map(\.task)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func finished(_ session: SessionID, token: Int) {
        state.withLock { state in
            if state.running[session]?.token == token { state.running[session] = nil }
        }
    }

    private static func run(_ request: ReviewRequest, on agent: Agent, logger: Logger) async {
        do {
            let result = try await agent.review(request)
            let actions = result.toolRuns.filter { !$0.isError && ["memory", "skill_manage"].contains($0.call.name) }
            logger.info(
                "background review finished",
                metadata: [
                    "hermes.session.id": "\(agent.sessionID)", "hermes.review.memory": "\(request.memory)",
                    "hermes.review.skills": "\(request.skills)", "hermes.review.changes": "\(actions.count)",
                    "hermes.review.model_calls": "\(result.modelCalls)",
                ])
        } catch {
            logger.warning(
                "background memory/skill review failed", metadata: ["hermes.session.id": "\(agent.sessionID)", "error": "\(error)"])
        }
    }
}
