import Foundation
import HermesCore

/// The one writer connection, on a thread of its own, committing queued writes in groups.
///
/// Writes from any number of tasks queue up; the writer thread takes everything queued (up to
/// `maxBatchSize`), applies it in one transaction and resumes every caller once `COMMIT` returned.
/// While one batch commits, the next one queues, so batches grow with load without any added
/// delay; `maxBatchDelay` can trade a bounded delay for bigger batches when load is light.
///
/// A batch is applied in one go (session rows, then all its messages in bulk inserts). If one
/// write fails (a message for an unknown session), the transaction is rolled back and redone with
/// each write in a savepoint of its own, so that only the bad write fails. If SQLite rolls the
/// whole transaction back by itself (a full disk), every write of the batch fails: none of them
/// was acknowledged, and nothing committed earlier is lost.
///
/// SQLite calls block, so they run on this dedicated thread, never on the concurrency pool.
final class GroupCommitWriter: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let statements: WriterStatements
    private let maxBatchSize: Int
    private let maxBatchDelay: Duration
    private let statistics: StatisticsRecorder
    private let checkpointer: WALCheckpointer?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [PendingWrite] = []
    private var closing = false
    private var closed = false
    private var closeWaiters: [UnsafeContinuation<Void, Never>] = []

    // Writer thread only: buffers reused from batch to batch.
    private var rows: [MessageRow] = []
    private var rowCounts: [Int] = []

    init(connection: SQLiteConnection, configuration: StoreConfiguration, statistics: StatisticsRecorder) throws(StoreError) {
        self.connection = connection
        self.statements = try WriterStatements(connection)
        self.maxBatchSize = configuration.maxBatchSize
        self.maxBatchDelay = configuration.maxBatchDelay
        self.statistics = statistics
        if configuration.backgroundCheckpoints {
            let checkpointer = try WALCheckpointer(path: connection.path, busyTimeout: configuration.busyTimeout)
            checkpointer.attach(to: connection)
            self.checkpointer = checkpointer
        } else {
            self.checkpointer = nil
        }
        let thread = Thread { [self] in run() }
        thread.name = "hermes-store-writer"
        thread.start()
    }

    /// Queues `operation` and returns once the transaction that applied it committed.
    /// Not cancellable once queued: a write that may have committed is never reported as failed.
    func submit(_ operation: WriteOperation) async throws -> WriteOutcome {
        try await withUnsafeThrowingContinuation { continuation in
            condition.lock()
            guard !closing else {
                condition.unlock()
                continuation.resume(throwing: StoreError(.closed, path: connection.path, message: "the store is closed"))
                return
            }
            queue.append(PendingWrite(operation: operation, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Writes queued and not yet taken into a transaction.
    var queuedWrites: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Commits what is queued, refuses new writes, checkpoints the WAL and closes the connection.
    func close() async {
        await withUnsafeContinuation { continuation in
            condition.lock()
            closing = true
            if closed {
                condition.unlock()
                continuation.resume()
                return
            }
            closeWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    /// Like `close()`, without waiting.
    func requestClose() {
        condition.lock()
        closing = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var batch: [PendingWrite] = []
        batch.reserveCapacity(maxBatchSize)
        while nextBatch(into: &batch) {
            commit(batch)
            batch.removeAll(keepingCapacity: true)
        }
        checkpointer?.stop()
        // A clean close leaves no WAL behind, as the Python project's close does.
        try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        condition.lock()
        closed = true
        let waiters = closeWaiters
        closeWaiters = []
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// Waits for writes and moves up to `maxBatchSize` of them into `batch`; `false` once closing
    /// and drained.
    private func nextBatch(into batch: inout [PendingWrite]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if closing { return false }
            condition.wait()
        }
        if maxBatchDelay > .zero, queue.count < maxBatchSize, !closing {
            let deadline = Date(timeIntervalSinceNow: Double(maxBatchDelay.nanoseconds) / 1e9)
            while queue.count < maxBatchSize, !closing, condition.wait(until: deadline) {}
        }
        if queue.count <= maxBatchSize {
            swap(&batch, &queue)
        } else {
            batch.append(contentsOf: queue.prefix(maxBatchSize))
            queue.removeFirst(maxBatchSize)
        }
        return true
    }

    private func commit(_ batch: [PendingWrite]) {
        let started = ContinuousClock.now
        var result = transaction(batch, isolated: false)
        if case .failure = result, batch.count > 1 {
            // Some write failed and took the batch down: redo it with each write isolated.
            result = transaction(batch, isolated: true)
        }
        switch result {
        case .failure(let error):
            statistics.update { $0.failedCommits += 1 }
            for write in batch { write.continuation.resume(throwing: error) }
        case .success(let outcomes):
            let elapsed = ContinuousClock.now - started
            let messages = outcomes.reduce(0) { $0 + ((try? $1.get())?.count ?? 0) }
            statistics.recordCommit(writes: batch.count, messages: messages, duration: elapsed)
            for (write, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .success(let ids): write.continuation.resume(returning: ids)
                case .failure(let error): write.continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Applies `batch` in one transaction. Returns each write's outcome once `COMMIT` succeeded,
    /// or the error that undid the whole transaction.
    private func transaction(
        _ batch: [PendingWrite], isolated: Bool
    ) -> Result<[Result<WriteOutcome, StoreError>], StoreError> {
        do throws(StoreError) {
            try statements.begin.run()
            let outcomes = isolated ? try applyEach(batch) : try applyTogether(batch).map { .success($0) }
            try statements.commit.run()
            return .success(outcomes)
        } catch {
            if !connection.isAutocommit { try? statements.rollback.run() }
            return .failure(error)
        }
    }

    /// The fast path: session rows first, then every message of the batch in bulk inserts.
    private func applyTogether(_ batch: [PendingWrite]) throws(StoreError) -> [WriteOutcome] {
        rows.removeAll(keepingCapacity: true)
        rowCounts.removeAll(keepingCapacity: true)
        var ids: [Int64] = []
        for write in batch {
            if write.operation.archives, !rows.isEmpty {
                // A compaction archives what is live: earlier writes' messages must be in first.
                ids += try statements.insert(rows)
                rows.removeAll(keepingCapacity: true)
            }
            let before = rows.count
            try statements.apply(write.operation, collecting: &rows)
            rowCounts.append(rows.count - before)
        }
        ids += try statements.insert(rows)
        var outcomes: [WriteOutcome] = []
        outcomes.reserveCapacity(batch.count)
        var start = 0
        for count in rowCounts {
            outcomes.append(Array(ids[start..<(start + count)]))
            start += count
        }
        return outcomes
    }

    /// The slow path: each write in a savepoint of its own, so a bad one fails alone. Throws when
    /// SQLite rolled the whole transaction back by itself (a full disk, for one).
    private func applyEach(_ batch: [PendingWrite]) throws(StoreError) -> [Result<WriteOutcome, StoreError>] {
        var outcomes: [Result<WriteOutcome, StoreError>] = []
        for write in batch {
            try statements.savepoint.run()
            do throws(StoreError) {
                var rows: [MessageRow] = []
                try statements.apply(write.operation, collecting: &rows)
                outcomes.append(.success(try statements.insert(rows)))
                try statements.release.run()
            } catch {
                if connection.isAutocommit { throw error }
                try statements.rollbackToSavepoint.run()
                try statements.release.run()
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }
}
