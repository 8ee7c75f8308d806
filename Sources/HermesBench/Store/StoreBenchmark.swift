import Foundation
import HermesConfig
import HermesCore
import HermesStore
import HermesTelemetry
import Histogram

/// The session store under a write storm: N concurrent writers, each appending one message at a
/// time to its own session and waiting for the commit, as agents do. Measures messages/s, the
/// latency of each `append` (queueing plus commit), the mean group-commit batch and allocations
/// per append (SQLite's included: it allocates through the same jemalloc).
///
/// Messages alternate a 120-byte user message and a 480-byte assistant reply (300 bytes on
/// average); `Benchmarks/python/store_append.py` writes the same ones through the Python project.
public struct StoreBenchmark: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// Concurrent writers (one session each).
        public var writers = 64
        /// Measured messages, shared among the writers.
        public var messages = 200_000
        /// Messages written before measuring, to warm caches and the WAL.
        public var warmupMessages = 5_000
        /// Store settings (durability, batch bounds).
        public var configuration = StoreConfiguration()
        /// Directory for the database files; each run makes and removes its own file.
        public var directory = FileManager.default.temporaryDirectory.path

        /// The defaults.
        public init() {}
    }

    /// What one run measured.
    public struct Result: Sendable, Codable {
        /// Concurrent writers.
        public var writers: Int
        /// Measured messages.
        public var messages: Int
        /// Wall-clock time of the measured part.
        public var seconds: Double
        /// Committed messages per second.
        public var messagesPerSecond: Double
        /// Append latency percentiles, in microseconds.
        public var p50Microseconds: UInt64
        public var p99Microseconds: UInt64
        public var maxMicroseconds: UInt64
        /// Writes per transaction, on average, and transactions committed.
        public var meanBatchSize: Double
        public var commits: Int
        /// malloc calls and bytes per append; `nil` without jemalloc.
        public var allocationsPerAppend: Double?
        public var bytesPerAppend: Double?
        /// Whether the counts are exact (jemalloc thread caches off).
        public var exactAllocationCounts: Bool
        /// CPU time per message, user + system.
        public var cpuMicrosecondsPerMessage: Double?
        /// Database and WAL size at the end, in bytes.
        public var databaseBytes: Int
        public var walBytes: Int
    }

    /// The settings.
    public var options: Options

    /// Makes a benchmark.
    public init(options: Options) { self.options = options }

    static let userText = String(repeating: "How do I deploy it? ", count: 6)
    static let assistantText = String(repeating: "Build the image, push it, then roll it out. ", count: 11).prefix(480)

    /// Runs it on a fresh database file, removed afterwards.
    public func run() async throws -> Result {
        let path = options.directory + "/hermes-store-bench-\(UUID().uuidString).db"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try await SQLiteSessionStore.open(at: path, configuration: options.configuration)
        do {
            let result = try await measure(store, path: path)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    private func measure(_ store: SQLiteSessionStore, path: String) async throws -> Result {
        let writers = max(1, options.writers)
        let sessions = (0..<writers).map { SessionID("bench-\($0)") }
        for id in sessions { try await store.createSession(NewSession(id: id, source: "bench")) }
        let messages = [Message.user(Self.userText), Message.assistant(String(Self.assistantText))]
        _ = try await write(store, sessions: sessions, messages: messages, total: options.warmupMessages)

        let before = store.statistics
        let cpuBefore = ProcessStats.current()
        let allocBefore = Jemalloc.snapshot()
        let started = ContinuousClock.now
        let histogram = try await write(store, sessions: sessions, messages: messages, total: options.messages)
        let seconds = (ContinuousClock.now - started).seconds
        let allocAfter = Jemalloc.snapshot()
        let cpuAfter = ProcessStats.current()
        let after = store.statistics

        let count = Double(max(options.messages, 1))
        let commits = after.commits - before.commits
        var result = Result(
            writers: writers, messages: options.messages, seconds: seconds, messagesPerSecond: count / max(seconds, 1e-9),
            p50Microseconds: histogram.valueAtPercentile(50), p99Microseconds: histogram.valueAtPercentile(99),
            maxMicroseconds: histogram.maxRecorded,
            meanBatchSize: Double(after.writes - before.writes) / Double(max(commits, 1)), commits: commits,
            exactAllocationCounts: !Jemalloc.threadCacheEnabled,
            databaseBytes: Self.size(of: path), walBytes: Self.size(of: path + "-wal"))
        if let allocBefore, let allocAfter {
            let delta = allocAfter.delta(since: allocBefore)
            result.allocationsPerAppend = Double(delta.mallocCalls) / count
            result.bytesPerAppend = Double(delta.cumulativeBytes) / count
        }
        if let cpuBefore, let cpuAfter {
            let cpu = (cpuAfter.cpuUserSeconds + cpuAfter.cpuSystemSeconds) - (cpuBefore.cpuUserSeconds + cpuBefore.cpuSystemSeconds)
            result.cpuMicrosecondsPerMessage = cpu * 1e6 / count
        }
        return result
    }

    private func write(
        _ store: SQLiteSessionStore, sessions: [SessionID], messages: [Message], total: Int
    ) async throws -> Histogram<UInt64> {
        try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
            for (index, session) in sessions.enumerated() {
                let share = total / sessions.count + (index < total % sessions.count ? 1 : 0)
                group.addTask {
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var batch = [messages[0]]
                    for number in 0..<share {
                        batch[0] = messages[number % 2]
                        let started = ContinuousClock.now
                        try await store.append(batch, to: session)
                        _ = histogram.record(UInt64(max((ContinuousClock.now - started).nanoseconds / 1000, 1)))
                    }
                    return histogram
                }
            }
            var total = Histogram<UInt64>(highestTrackableValue: 60_000_000)
            for try await histogram in group { total.add(histogram) }
            return total
        }
    }

    private static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
