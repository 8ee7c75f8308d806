import HermesAgent
import HermesCore
import HermesTelemetry
import Synchronization

/// Counts what the turn runner does and records it in `HermesMetrics` when given.
public final class TurnObserver: Sendable {
    private let metrics: HermesMetrics?
    private let inflight = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)

    /// Makes an observer with every count at zero.
    public init(metrics: HermesMetrics? = nil) {
        self.metrics = metrics
    }

    /// Turns running now.
    public var inflightTurns: Int { inflight.load(ordering: .relaxed) }
    /// Turns that completed and were stored.
    public var finishedTurns: Int { finished.load(ordering: .relaxed) }
    /// Turns that failed (model, tools, store) or were cancelled.
    public var failedTurns: Int { failed.load(ordering: .relaxed) }
    /// Turns refused because their session's queue was full.
    public var queueRejections: Int { rejected.load(ordering: .relaxed) }

    func turnStarted() {
        inflight.add(1, ordering: .relaxed)
        metrics?.turnStarted()
    }

    func turnEnded(after duration: Duration) {
        inflight.subtract(1, ordering: .relaxed)
        metrics?.turnEnded(after: duration)
    }

    func turnFinished(_ result: TurnResult) {
        finished.add(1, ordering: .relaxed)
        guard let metrics else { return }
        for run in result.toolRuns { metrics.recordToolCall(run.call.name, duration: run.duration) }
    }

    func turnFailed() { failed.add(1, ordering: .relaxed) }

    func queueRejected() {
        rejected.add(1, ordering: .relaxed)
        metrics?.recordQueueRejection()
    }
}
