import ArgumentParser
import Foundation
import HermesBench
import HermesCore
import HermesStore
import HermesTelemetry

/// `hermes-bench store …`: the session store alone.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Benchmark and exercise the SQLite session store.",
        subcommands: [Bench.self, Writer.self],
        defaultSubcommand: Bench.self
    )

    /// `hermes-bench store bench`: the write-storm benchmark.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Concurrent writers append messages: messages/s, append p50/p99, batch size, allocations per append."
        )

        @Option(name: .long, help: "Comma-separated writer counts, one run each.")
        var writers: String = "1,16,64"

        @Option(name: .long, help: "Measured messages per run.")
        var messages: Int = 200_000

        @Option(name: .long, help: "normal (synchronous=NORMAL) or full (synchronous=FULL).")
        var durability: String = "normal"

        @Option(name: .long, help: "How long the writer may hold a batch open for more writes (e.g. 500us, 2ms).")
        var maxBatchDelay: String = "0ms"

        @Option(name: .long, help: "The most writes in one transaction.")
        var maxBatch: Int = StoreConfiguration().maxBatchSize

        @Flag(name: .long, help: "Checkpoint the WAL inside commits, as SQLite does by default, not on a thread of its own.")
        var inlineCheckpoints = false

        @Option(name: .long, help: "Directory for the temporary database files.")
        var directory: String = FileManager.default.temporaryDirectory.path

        @Flag(name: .long, help: "Print the results as JSON.")
        var json = false

        func validate() throws {
            guard parsedWriters != nil else {
                throw ValidationError("--writers \(writers) must be positive integers separated by commas, e.g. 1,16,64")
            }
            guard messages > 0 else { throw ValidationError("--messages must be positive") }
            guard Duration(parsing: maxBatchDelay) != nil else {
                throw ValidationError("--max-batch-delay \(maxBatchDelay) is not a duration; write e.g. 500us, 2ms or 0ms")
            }
            guard maxBatch > 0 else { throw ValidationError("--max-batch must be positive") }
            guard StoreConfiguration.Durability(rawValue: durability) != nil else {
                throw ValidationError("--durability \(durability) is unknown; use normal or full")
            }
        }

        private var parsedWriters: [Int]? {
            let values = writers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
            return values.compactMap { $0 }
        }

        func run() async throws {
            var results: [StoreBenchmark.Result] = []
            for count in parsedWriters ?? [] {
                var options = StoreBenchmark.Options()
                options.writers = count
                options.messages = messages
                options.directory = directory
                options.configuration.durability = StoreConfiguration.Durability(rawValue: durability) ?? .normal
                options.configuration.maxBatchDelay = Duration(parsing: maxBatchDelay) ?? .zero
                options.configuration.maxBatchSize = maxBatch
                options.configuration.backgroundCheckpoints = !inlineCheckpoints
                let result = try await StoreBenchmark(options: options).run()
                results.append(result)
                if !json { Self.print(result) }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Swift.print(String(decoding: try encoder.encode(results), as: UTF8.self))
            }
        }

        private static func print(_ result: StoreBenchmark.Result) {
            func fixed(_ value: Double?, _ digits: Int = 1) -> String {
                value.map { String(format: "%.\(digits)f", $0) } ?? "n/a (jemalloc not active)"
            }
            let exactness = result.exactAllocationCounts ? "" : "  (low: thread caches on; MALLOC_CONF=tcache:false for exact counts)"
            Swift.print("store benchmark: \(result.writers) writers, \(result.messages) messages")
            Swift.print("  messages/s          \(fixed(result.messagesPerSecond, 0))")
            Swift.print("  append p50 / p99    \(result.p50Microseconds) us / \(result.p99Microseconds) us (max \(result.maxMicroseconds) us)")
            Swift.print("  mean batch          \(fixed(result.meanBatchSize)) writes per transaction (\(result.commits) commits)")
            Swift.print("  allocations/append  \(fixed(result.allocationsPerAppend))\(exactness)")
            Swift.print("  bytes/append        \(fixed(result.bytesPerAppend, 0))")
            Swift.print("  CPU us/message      \(fixed(result.cpuMicrosecondsPerMessage))")
            Swift.print("  database / WAL      \(result.databaseBytes / 1024) KiB / \(result.walBytes / 1024) KiB")
        }
    }

    /// `hermes-bench store writer`: appends until killed, printing each acknowledged message id.
    struct Writer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "writer",
            abstract: "Append messages until killed, printing each id once its commit returned (for crash tests).",
            discussion: "Kill it at any moment (SIGKILL included): every id it printed must be in the file afterwards."
        )

        @Option(name: .long, help: "The database file.")
        var db: String

        @Option(name: .long, help: "Concurrent writers, one session each.")
        var sessions: Int = 4

        @Option(name: .long, help: "Stop after this many messages per session (default: never).")
        var limit: Int?

        func run() async throws {
            let store = try await SQLiteSessionStore.open(at: db)
            let ids = (0..<max(1, sessions)).map { SessionID("writer-\(ProcessInfo.processInfo.processIdentifier)-\($0)") }
            for id in ids { try await store.createSession(NewSession(id: id, source: "crash-test")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ids {
                    group.addTask {
                        var number = 0
                        while limit.map({ number < $0 }) ?? true {
                            let rows = try await store.append([.user("message \(number) of \(id)")], to: id)
                            // Printed only after the commit returned: these are the acknowledged ids.
                            FileHandle.standardOutput.write(Data("\(rows[0])\n".utf8))
                            number += 1
                        }
                    }
                }
                try await group.waitForAll()
            }
            await store.close()
        }
    }
}
