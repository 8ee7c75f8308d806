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

/// One committed transaction, as a `CommitObserver` sees it.
public struct CommitReport: Sendable, Hashable {
    /// Write operations in it.
    public var writes: Int
    /// Message rows it added.
    public var messages: Int
    /// From `BEGIN` to the end of `COMMIT`.
    public var duration: Duration
}

/// Called on the writer thread after each commit (for metrics); must be quick.
public typealias CommitObserver = @Sendable (CommitReport) -> Void

/// The statistics, shared between the writer thread and readers of `SQLiteSessionStore.statistics`.
final class StatisticsRecorder: Sendable {
    private let state = Mutex(StoreStatistics())
    private let observer: CommitObserver?

    init(observer: CommitObserver? = nil) { self.observer = observer }

    func update(_ body: (inout StoreStatistics) -> Void) { state.withLock { body(&$0) } }

    func recordCommit(writes: Int, messages: Int, duration: Duration) {
        state.withLock { $0.recordCommit(writes: writes, messages: messages, duration: duration) }
        observer?(CommitReport(writes: writes, messages: messages, duration: duration))
    }

    var snapshot: StoreStatistics { state.withLock { $0 } }
}
