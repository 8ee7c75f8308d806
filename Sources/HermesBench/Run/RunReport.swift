import Foundation
import HermesConfig
import HermesCore
import HermesTelemetry
import Histogram

/// Everything a run measured, as written to `report.json` (schema documented in
/// `Reports/README.md`; `schemaVersion` changes with any incompatible change).
public struct RunReport: Codable, Sendable {
    /// The version of this layout.
    public var schemaVersion = 1
    /// What ran.
    public var scenario: ScenarioInfo
    /// The git commit of the code measured, when known.
    public var gitCommit: String?
    /// Where it ran.
    public var machine: Machine
    /// What built the code measured (absent in reports from before it was recorded).
    public var build: Build?
    /// When it started (ISO 8601, UTC).
    public var startedAt: String
    /// Wall time of the workload, seconds.
    public var durationSeconds: Double
    /// Requests and their outcomes.
    public var counts: Counts
    /// Completed turns per second of wall time.
    public var throughputPerSecond: Double
    /// Failed requests over all requests (rejections included).
    public var errorRate: Double
    /// Turns that completed within every latency threshold of the scenario, over all requests.
    public var goodput: Double
    /// Latency statistics per operation (`turn`, `turn.uncorrected`, `ttft`, `llm`, `overhead`,
    /// `delivery`, `tool.NAME`, `store.commit`), in seconds.
    public var latency: [String: LatencySummary]
    /// Allocations during the workload (in-process targets, jemalloc).
    public var allocations: Allocations?
    /// The process running the target (in-process targets).
    public var process: ProcessFigures?
    /// The session store's work during the workload (`store` and `gateway` targets).
    public var store: StoreFigures?
    /// The scenario's thresholds, each with the measured value.
    public var thresholds: [ThresholdResult]
    /// The scenario's `gate:` rules, which `hermes-bench gate` applies.
    public var gate: [GateRuleInfo]?
    /// A regression put in on purpose (`run --inject-…`); absent in a normal run.
    public var injection: Injection?

    /// What built the code measured: allocation counts and timings are only comparable within one.
    public struct Build: Codable, Sendable, Equatable {
        /// The Swift compiler's major and minor version.
        public var swift: String
        /// `debug` or `release`.
        public var configuration: String

        static var current: Build {
            #if compiler(>=7.0)
                let swift = "7.0 or later"
            #elseif compiler(>=6.4)
                let swift = "6.4"
            #elseif compiler(>=6.3)
                let swift = "6.3"
            #elseif compiler(>=6.2)
                let swift = "6.2"
            #else
                let swift = "before 6.2"
            #endif
            #if DEBUG
                return Build(swift: swift, configuration: "debug")
            #else
                return Build(swift: swift, configuration: "release")
            #endif
        }
    }

    /// A `gate:` rule of the scenario.
    public struct GateRuleInfo: Codable, Sendable, Equatable {
        public var figure: String
        /// The largest relative change allowed in the bad direction (0.1 for `+10%`).
        public var tolerance: Double
    }

    /// What ran.
    public struct ScenarioInfo: Codable, Sendable {
        public var name: String
        public var file: String
        public var target: String
        public var seed: UInt64
        /// Durations were multiplied by it (`--scale`).
        public var scale: Double
    }

    /// Where it ran.
    public struct Machine: Codable, Sendable {
        public var hostname: String
        public var cores: Int
        public var memoryBytes: UInt64
        public var os: String
        public var allocator: String

        static var current: Machine {
            let info = ProcessInfo.processInfo
            return Machine(
                hostname: info.hostName, cores: info.activeProcessorCount, memoryBytes: info.physicalMemory,
                os: info.operatingSystemVersionString, allocator: Jemalloc.version.map { "jemalloc \($0)" } ?? "system")
        }
    }

    /// Requests and their outcomes.
    public struct Counts: Codable, Sendable {
        /// Requests the schedule asked for (open model) or that were sent (closed model).
        public var scheduled: Int
        public var requests: Int
        public var completed: Int
        /// Refused for load (429).
        public var rejected: Int
        /// Failures by kind.
        public var errors: [String: Int]
        /// Requests the generator started more than 1 ms after their scheduled time.
        public var lateStarts: Int
        /// Turns that compressed their history first, by outcome (`summarized`, `cached`, `fallback`).
        public var compressions: [String: Int]
    }

    /// One operation's latency, seconds.
    public struct LatencySummary: Codable, Sendable {
        public var count: UInt64
        public var min: Double
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p95: Double
        public var p99: Double
        public var p999: Double
        public var max: Double

        init(_ histogram: Histogram<UInt64>) {
            func seconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1e6 }
            count = histogram.totalCount
            min = seconds(histogram.min)
            mean = histogram.mean / 1e6
            p50 = seconds(histogram.valueAtPercentile(50))
            p90 = seconds(histogram.valueAtPercentile(90))
            p95 = seconds(histogram.valueAtPercentile(95))
            p99 = seconds(histogram.valueAtPercentile(99))
            p999 = seconds(histogram.valueAtPercentile(99.9))
            max = seconds(histogram.max)
        }

        func value(_ statistic: Figure.Statistic) -> Double {
            switch statistic {
            case .min: min
            case .mean: mean
            case .p50: p50
            case .p90: p90
            case .p95: p95
            case .p99: p99
            case .p999: p999
            case .max: max
            }
        }
    }

    /// jemalloc figures over the workload.
    public struct Allocations: Codable, Sendable {
        public var mallocCalls: UInt64
        public var bytes: UInt64
        public var perTurn: Double
        public var bytesPerTurn: Double
        /// `stats.allocated`, `stats.active` and `stats.resident` at the end.
        public var allocatedBytesAfter: Int
        public var activeBytesAfter: Int
        public var residentBytesAfter: Int
        /// Whether thread caches were on (their counts reach the totals late; see Jemalloc).
        public var threadCache: Bool
        /// How much the live heap grew from early in the run to its end (a fraction; see
        /// `RunRecorder.heapGrowth`); absent for runs under 10 seconds.
        public var heapGrowth: Double?
        /// The live heap outside SQLite and the run's interval logs (jemalloc's `stats.allocated`
        /// minus `sqlite3_memory_used` and the logs' text) at the end of each second of the workload.
        public var heapSamples: [Int]
        /// The same, phase by phase (one phase for a closed workload).
        public var phases: [PhaseAllocations]
    }

    /// jemalloc figures over one phase of the workload.
    public struct PhaseAllocations: Codable, Sendable {
        /// 1 for the first phase.
        public var phase: Int
        /// Since the workload started.
        public var startSeconds: Double
        public var durationSeconds: Double
        /// Turns completed during the phase.
        public var turns: Int
        public var mallocCalls: UInt64
        public var bytes: UInt64
        /// Absent when no turn completed in the phase.
        public var perTurn: Double?
        public var bytesPerTurn: Double?
        public var allocatedBytesAfter: Int
        public var activeBytesAfter: Int
        public var residentBytesAfter: Int
    }

    /// The target's process.
    public struct ProcessFigures: Codable, Sendable {
        public var cpuUserSeconds: Double
        public var cpuSystemSeconds: Double
        public var peakResidentBytes: Int
        public var threads: Int
        public var openDescriptors: Int
    }

    /// What the session store did during the workload.
    public struct StoreFigures: Codable, Sendable {
        /// Message rows committed.
        public var messages: Int
        /// Write operations committed (appends, session creations, ends).
        public var writes: Int
        /// Transactions committed (group commits).
        public var transactions: Int
        /// Transactions rolled back.
        public var failedTransactions: Int
        /// Writes per transaction.
        public var meanBatchSize: Double
        /// The most writes one transaction held.
        public var largestBatch: Int
        /// The database file's size at the end of the workload.
        public var databaseBytes: Int
        /// The write-ahead log's size at the end of the workload.
        public var walBytes: Int
    }

    /// A threshold and how the run did against it.
    public struct ThresholdResult: Codable, Sendable {
        public var figure: String
        public var comparison: String
        public var bound: Double
        /// The measured value in the figure's base unit; `nil` when this run did not measure it.
        public var value: Double?
        public var passed: Bool
    }

    /// The measured value of `figure`, or `nil` when the run did not measure it.
    public func value(of figure: Figure) -> Double? {
        switch figure {
        case .latency(let operation, let statistic): latency[operation].map { $0.value(statistic) }
        case .errorRate: errorRate
        case .allocationsPerTurn: allocations?.perTurn
        case .bytesPerTurn: allocations?.bytesPerTurn
        case .throughput: throughputPerSecond
        case .goodput: goodput
        case .lateStartRate: counts.requests == 0 ? 0 : Double(counts.lateStarts) / Double(counts.requests)
        case .heapGrowth: allocations?.heapGrowth
        }
    }
}
