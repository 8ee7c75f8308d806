import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesLLM
import HermesRuntime
import HermesSimulators
import HermesStore
import HermesTelemetry
import HermesTools
import Histogram

/// The in-process turn benchmark: many agent turns against the simulated model, through the
/// runtime's session layer as `HermesRuntime` assembles it (nothing stored), measuring turns per
/// second, turn latency and allocations per turn (jemalloc).
public struct TurnBenchmark: Sendable {
    /// How the model is reached.
    public enum Transport: String, Sendable, CaseIterable {
        /// `SimulatedChatModel`: no HTTP.
        case inProcess = "inprocess"
        /// `OpenAIClient` over loopback HTTP to the LLM simulator (in this process).
        case http
    }

    /// What to run.
    public struct Options: Sendable {
        /// Measured turns.
        public var turns = 20_000
        /// Turns run before measuring (caches, pools, lazy construction).
        public var warmupTurns = 500
        /// Concurrent sessions; turns are spread evenly over them.
        public var sessions = 8
        /// Whether each turn makes one tool call (`todo`) before its answer.
        public var withTools = true
        /// Whether model calls stream.
        public var stream = true
        /// How the model is reached.
        public var transport = Transport.inProcess

        /// The defaults.
        public init() {}
    }

    /// What a run measured.
    public struct Result: Sendable, Codable {
        /// Measured turns.
        public var turns: Int
        /// Concurrent sessions.
        public var sessions: Int
        /// Transport used.
        public var transport: String
        /// Whether turns called a tool.
        public var withTools: Bool
        /// Wall time of the measured turns, seconds.
        public var seconds: Double
        /// Turns per second.
        public var turnsPerSecond: Double
        /// Turn latency percentiles, microseconds.
        public var p50Microseconds: UInt64
        /// Turn latency percentiles, microseconds.
        public var p99Microseconds: UInt64
        /// Turn latency maximum, microseconds.
        public var maxMicroseconds: UInt64
        /// Model calls per turn.
        public var modelCallsPerTurn: Double
        /// malloc calls per turn, when jemalloc is the allocator.
        public var allocationsPerTurn: Double?
        /// Whether the allocation figures are exact (jemalloc's thread caches off); with them on,
        /// the figures are low.
        public var exactAllocationCounts: Bool
        /// Bytes allocated per turn, when jemalloc is the allocator.
        public var bytesPerTurn: Double?
        /// CPU seconds (user + system) per turn.
        public var cpuMicrosecondsPerTurn: Double?
        /// Peak resident memory at the end, bytes.
        public var peakResidentBytes: Int?
    }

    /// The options in force.
    public let options: Options

    /// Makes a benchmark.
    public init(options: Options) { self.options = options }

    /// Runs warm-up and measurement.
    public func run() async throws -> Result {
        var config = LLMSimulatorConfig()
        config.seed = 7
        config.firstToken = .init(median: .zero)
        config.replyTokens = 16...48
        if options.withTools { config.toolCalls = [.init(tool: "todo", arguments: [:])] }
        let simulator = LLMSimulator(config: config)
        var flags = SettingsFlags()
        flags.noStore = true
        flags.toolsets = "todo"
        flags.noStream = !options.stream
        switch options.transport {
        case .inProcess:
            let settings = try Self.settings(flags)
            return try await withRuntime(settings, model: SimulatedChatModel(simulator: simulator)) { try await measure($0) }
        case .http:
            return try await simulator.withServer { [flags] baseURL in
                var flags = flags
                flags.baseURL = baseURL
                return try await withRuntime(try Self.settings(flags)) { try await measure($0) }
            }
        }
    }

    /// The runtime's settings from `flags` alone, with a system prompt that does not depend on
    /// where the benchmark runs: its `cli` sessions in a checkout would otherwise take the coding
    /// posture and run git for each one, and the toolchain probe reads the machine's Python.
    private static func settings(_ flags: SettingsFlags) throws -> RuntimeSettings {
        var settings = try RuntimeSettings.resolve(flags: flags, environment: [:])
        settings.codingContext = .off
        settings.environmentProbe = false
        return settings
    }

    private func measure(_ runtime: HermesRuntime) async throws -> Result {
        let sessions = max(1, options.sessions)
        _ = try await runTurns(runtime.sessions, sessions: sessions, turns: options.warmupTurns, round: "warmup")

        let cpuBefore = ProcessStats.current()
        let allocBefore = Jemalloc.snapshot()
        let started = ContinuousClock.now
        let (histogram, modelCalls) = try await runTurns(runtime.sessions, sessions: sessions, turns: options.turns, round: "measured")
        let seconds = (ContinuousClock.now - started).seconds
        let allocAfter = Jemalloc.snapshot()
        let cpuAfter = ProcessStats.current()

        let turns = Double(max(options.turns, 1))
        var result = Result(
            turns: options.turns, sessions: sessions, transport: options.transport.rawValue,
            withTools: options.withTools, seconds: seconds, turnsPerSecond: turns / max(seconds, 1e-9),
            p50Microseconds: histogram.valueAtPercentile(50), p99Microseconds: histogram.valueAtPercentile(99),
            maxMicroseconds: histogram.maxRecorded, modelCallsPerTurn: Double(modelCalls) / turns,
            exactAllocationCounts: !Jemalloc.threadCacheEnabled)
        if let allocBefore, let allocAfter {
            let delta = allocAfter.delta(since: allocBefore)
            result.allocationsPerTurn = Double(delta.mallocCalls) / turns
            result.bytesPerTurn = Double(delta.cumulativeBytes) / turns
        }
        if let cpuBefore, let cpuAfter {
            let cpu =
                (cpuAfter.cpuUserSeconds + cpuAfter.cpuSystemSeconds)
                - (cpuBefore.cpuUserSeconds + cpuBefore.cpuSystemSeconds)
            result.cpuMicrosecondsPerTurn = cpu * 1e6 / turns
            result.peakResidentBytes = cpuAfter.peakResidentBytes
        }
        return result
    }

    /// `turns` turns spread over `sessions` concurrent users, each one turn at a time.
    private func runTurns(
        _ layer: Sessions, sessions: Int, turns: Int, round: String
    ) async throws -> (Histogram<UInt64>, Int) {
        try await withThrowingTaskGroup(of: (Histogram<UInt64>, Int).self) { group in
            for index in 0..<sessions {
                let share = turns / sessions + (index < turns % sessions ? 1 : 0)
                group.addTask {
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var calls = 0
                    for turn in 0..<share {
                        // Conversations of four turns keep the prompt size steady over the run.
                        let session = NewSession(id: SessionID("bench-\(round)-\(index)-\(turn / 4)"), source: "cli")
                        let started = ContinuousClock.now
                        let result = try await layer.run(TurnRequest(session: session, text: "benchmark message \(turn): plan the next step"))
                        _ = histogram.record(UInt64(max((ContinuousClock.now - started).nanoseconds / 1000, 1)))
                        calls += result.modelCalls
                    }
                    return (histogram, calls)
                }
            }
            var total = Histogram<UInt64>(highestTrackableValue: 60_000_000)
            var calls = 0
            for try await (histogram, count) in group {
                total.add(histogram)
                calls += count
            }
            return (total, calls)
        }
    }
}
