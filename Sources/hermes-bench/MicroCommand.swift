import ArgumentParser
import Foundation
import HermesBench
import HermesTelemetry

/// `hermes-bench micro`: the in-process turn benchmark.
struct MicroCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro",
        abstract: "Benchmark the agent turn loop against the simulated model: turns/s, latency, allocations per turn."
    )

    @Option(name: .long, help: "Measured turns.")
    var turns: Int = 20_000

    @Option(name: .long, help: "Warm-up turns, not measured.")
    var warmup: Int = 500

    @Option(name: .long, help: "Concurrent sessions.")
    var sessions: Int = 8

    @Option(name: .long, help: "inprocess (no HTTP) or http (loopback to the LLM simulator).")
    var transport: String = "inprocess"

    @Flag(name: .long, help: "Turns make no tool call.")
    var noTools = false

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard turns > 0, warmup >= 0, sessions > 0 else {
            throw ValidationError("--turns and --sessions must be positive and --warmup not negative")
        }
        guard TurnBenchmark.Transport(rawValue: transport) != nil else {
            throw ValidationError("--transport \(transport) is unknown; use inprocess or http")
        }
    }

    func run() async throws {
        var options = TurnBenchmark.Options()
        options.turns = turns
        options.warmupTurns = warmup
        options.sessions = sessions
        options.withTools = !noTools
        options.transport = TurnBenchmark.Transport(rawValue: transport)!
        let result = try await TurnBenchmark(options: options).run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        func fixed(_ value: Double?, _ digits: Int = 1) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "n/a (jemalloc not active)"
        }
        print("turn benchmark: \(result.turns) turns, \(result.sessions) sessions, \(result.transport), tools: \(result.withTools)")
        print("  turns/s            \(fixed(result.turnsPerSecond))")
        print("  turn p50 / p99     \(result.p50Microseconds) us / \(result.p99Microseconds) us (max \(result.maxMicroseconds) us)")
        print("  model calls/turn   \(fixed(result.modelCallsPerTurn, 2))")
        let exactness = result.exactAllocationCounts ? "" : "  (low: thread caches on; MALLOC_CONF=tcache:false for exact counts)"
        print("  allocations/turn   \(fixed(result.allocationsPerTurn))\(exactness)")
        print("  bytes/turn         \(fixed(result.bytesPerTurn, 0))")
        print("  CPU us/turn        \(fixed(result.cpuMicrosecondsPerTurn))")
        print("  peak RSS           \(result.peakResidentBytes.map { "\($0 / 1_048_576) MiB" } ?? "n/a")")
        print("  jemalloc           \(Jemalloc.version ?? "not active")")
    }
}
