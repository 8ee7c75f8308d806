import Synchronization

/// What the writer did since the store opened; for benchmarks and metrics.
public struct StoreStatistics: Sendable, Hashable {
    /// Transactions committed.
    public var commits = 0
    /// Transactions that failed and were rolled back (every write in them was reported failed).
    public var failedCommits = 0
    /// Write operations committed (appends, session creations, ends).
    public var writes = 0
    /// Message rows committed.
    public var messages = 0
    /// The most writes one transaction held.
    public var largestBatch = 0
    /// Time spent from `BEGIN` to the end of `COMMIT`, summed over commits.
    public var commitTime = Duration.zero

    /// Writes per transaction, on average.
    public var meanBatchSize: Double { commits == 0 ? 0 : Double(writes) / Double(commits) }

    mutating func recordCommit(writes: Int, messages: Int, duration: Duration) {
        commits += 1
        self.writes += writes
        self.messages += messages
        largestBatch = max(largestBatch, writes)
        commitTime += duration
    }
}

/// The statistics, shared between the writer thread and readers of `SQLiteSessionStore.statistics`.
final class StatisticsRecorder: Sendable {
    private let state = Mutex(StoreStatistics())

    func update(_ body: (inout StoreStatistics) -> Void) { state.withLock { body(&$0) } }

    var snapshot: StoreStatistics { state.withLock { $0 } }
}
