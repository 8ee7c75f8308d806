import Foundation
import HermesCore

/// The one writer connection, on a thread of its own, committing queued writes in groups.
///
/// Writes from any number of tasks queue up; the writer thread takes everything queued (up to
/// `maxBatchSize`), applies it in one transaction and resumes every caller once `COMMIT` returned.
/// While one batch commits, the next one queues, so batches grow with load without any added
/// delay; `maxBatchDelay` can trade a bounded delay for bigger batches when load is light.
///
/// Each write in a batch runs inside a savepoint, so one bad write (a message for an unknown
/// session) fails alone. If SQLite rolls the whole transaction back by itself (a full disk), every
/// write of the batch fails: none of them was acknowledged, and nothing committed earlier is lost.
///
/// SQLite calls block, so they run on this dedicated thread, never on the concurrency pool.
final class GroupCommitWriter: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let statements: WriterStatements
    private let maxBatchSize: Int
    private let maxBatchDelay: Duration
    private let statistics: StatisticsRecorder

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [PendingWrite] = []
    private var closing = false
    private var closed = false
    private var closeWaiters: [UnsafeContinuation<Void, Never>] = []

    init(connection: SQLiteConnection, configuration: StoreConfiguration, statistics: StatisticsRecorder) throws(StoreError) {
        self.connection = connection
        self.statements = try WriterStatements(connection)
        self.maxBatchSize = configuration.maxBatchSize
        self.maxBatchDelay = configuration.maxBatchDelay
        self.statistics = statistics
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
        var outcomes: [Result<WriteOutcome, StoreError>] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try statements.begin.run()
        } catch {
            for write in batch { write.continuation.resume(throwing: error) }
            return
        }
        let isolate = batch.count > 1
        var rows = 0
        for write in batch {
            do throws(StoreError) {
                if isolate { try statements.savepoint.run() }
                let outcome = try statements.apply(write.operation)
                if isolate { try statements.release.run() }
                rows += outcome.count
                outcomes.append(.success(outcome))
            } catch {
                if connection.isAutocommit {
                    // SQLite already rolled the whole transaction back: nothing of this batch stands.
                    fail(batch, with: error)
                    return
                }
                if isolate {
                    try? statements.rollbackToSavepoint.run()
                    try? statements.release.run()
                }
                outcomes.append(.failure(error))
            }
        }
        do {
            try statements.commit.run()
        } catch {
            if !connection.isAutocommit { try? statements.rollback.run() }
            fail(batch, with: error)
            return
        }
        let elapsed = ContinuousClock.now - started
        statistics.update { $0.recordCommit(writes: batch.count, messages: rows, duration: elapsed) }
        for (write, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let ids): write.continuation.resume(returning: ids)
            case .failure(let error): write.continuation.resume(throwing: error)
            }
        }
    }

    private func fail(_ batch: [PendingWrite], with error: StoreError) {
        statistics.update { $0.failedCommits += 1 }
        for write in batch { write.continuation.resume(throwing: error) }
    }
}
