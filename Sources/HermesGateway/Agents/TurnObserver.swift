import HermesAgent
import Synchronization

/// Counts what the turn runner does; the metrics endpoint and the health check read it.
public final class TurnObserver: Sendable {
    private let inflight = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)

    /// Makes an observer with every count at zero.
    public init() {}

    /// Turns running now.
    public var inflightTurns: Int { inflight.load(ordering: .relaxed) }
    /// Turns that completed and were stored.
    public var finishedTurns: Int { finished.load(ordering: .relaxed) }
    /// Turns that failed (model, tools, store).
    public var failedTurns: Int { failed.load(ordering: .relaxed) }
    /// Turns refused because their session's queue was full.
    public var queueRejections: Int { rejected.load(ordering: .relaxed) }

    func turnStarted() { inflight.add(1, ordering: .relaxed) }
    func turnEnded() { inflight.subtract(1, ordering: .relaxed) }
    func turnFinished(_ result: TurnResult) { finished.add(1, ordering: .relaxed) }
    func turnFailed() { failed.add(1, ordering: .relaxed) }
    func queueRejected() { rejected.add(1, ordering: .relaxed) }
}
