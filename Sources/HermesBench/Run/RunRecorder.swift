import Foundation
import HermesConfig
import HermesCore
import HermesStore
import HermesTelemetry
import Histogram
import Synchronization

/// The allocator's figures at a phase boundary of a run.
struct PhaseMark: Sendable {
    /// Since the workload started.
    var offset: Duration
    var allocation: AllocationSnapshot?
    /// Turns completed by then.
    var completed: Int
}

/// What happened to one request.
public enum TurnOutcome: Sendable {
    /// The turn completed; the parts of its time the target could attribute.
    case completed(TurnTimings)
    /// It failed; `kind` groups failures in the report (`http_429`, `timeout`, `agent_error`…).
    case failed(kind: String)
    /// The target refused it for load (429 and the like).
    case rejected
}

/// Where a completed turn's time went, when the target can tell.
public struct TurnTimings: Sendable {
    /// Time to the first streamed token, when streamed.
    public var timeToFirstToken: Duration?
    /// Time inside the model (the simulator), summed over the turn's calls.
    public var model: Duration?
    /// Time inside tool batches.
    public var tools: Duration?
    /// Each tool call by name.
    public var toolCalls: [(name: String, duration: Duration)]
    /// A chat platform's reply: from the reply complete to its last platform call.
    public var delivery: Duration?
    /// When the turn compressed its history first: how long that took (mostly the summary call).
    public var compression: Duration?
    /// And how it ended (`summarized`, `cached`, `fallback`).
    public var compressionOutcome: String?
    /// A process target: from the process's start until it listened (left out of `overhead`).
    public var startup: Duration?

    /// Makes timings.
    public init(
        timeToFirstToken: Duration? = nil, model: Duration? = nil, tools: Duration? = nil,
        toolCalls: [(name: String, duration: Duration)] = [], delivery: Duration? = nil, compression: Duration? = nil,
        compressionOutcome: String? = nil
    ) {
        self.timeToFirstToken = timeToFirstToken
        self.model = model
        self.tools = tools
        self.toolCalls = toolCalls
        self.delivery = delivery
        self.compression = compression
        self.compressionOutcome = compressionOutcome
    }
}

/// Latency histograms (microseconds, 1 µs to 60 s, 3 significant digits) and counts of a run,
/// shared by the request tasks. Each latency also goes into the current interval's histogram;
/// `closeInterval` turns those into lines of the operations' interval logs.
public final class RunRecorder: Sendable {
    private let state = Mutex(State())
    private let logs = Mutex<[String: IntervalLog]>([:])

    struct State {
        var histograms: [String: Histogram<UInt64>] = [:]
        var interval: [String: Histogram<UInt64>] = [:]
        var intervalStart = ContinuousClock.now
        var runStart = ContinuousClock.now
        var runStartDate = Date()
        /// Requests the open model's schedule holds; nil for the closed model.
        var scheduled: Int?
        var requests = 0
        var completed = 0
        var rejected = 0
        var errors: [String: Int] = [:]
        var lateStarts = 0
        /// Completed turns whose every per-turn latency met the scenario's latency bounds.
        var good = 0
        /// Allocator figures where each phase began, and at the end.
        var phaseMarks: [PhaseMark] = []
        /// Turns that compressed their history first, by outcome.
        var compressions: [String: Int] = [:]
        /// The live heap outside SQLite (jemalloc's `stats.allocated` minus SQLite's own) at the
        /// end of each interval.
        var heapSamples: [Int] = []
    }

    /// Per operation, the upper bounds (seconds; `true` when the bound itself is allowed) a turn's
    /// latency must meet for the turn to count towards goodput.
    private let goodputBounds: [String: [(seconds: Double, inclusive: Bool)]]

    /// Makes an empty recorder; the upper bounds among `thresholds` on a turn's own latencies
    /// (`turn`, `turn.uncorrected`, `ttft`, `llm`, `overhead`, `delivery`, `tool.NAME`) decide
    /// goodput: a turn is good when each of its latencies is within every bound on that operation,
    /// whatever the statistic (DESIGN.md, after vLLM's `bench serve`).
    public init(thresholds: [Threshold] = []) {
        var bounds: [String: [(seconds: Double, inclusive: Bool)]] = [:]
        for threshold in thresholds {
            guard case .latency(let operation, _) = threshold.figure,
                ["turn", "turn.uncorrected", "ttft", "llm", "overhead", "delivery"].contains(operation)
                    || operation.hasPrefix("tool.")
            else { continue }
            switch threshold.comparison {
            case .lessThan: bounds[operation, default: []].append((threshold.bound, false))
            case .atMost: bounds[operation, default: []].append((threshold.bound, true))
            case .greaterThan, .atLeast: continue
            }
        }
        goodputBounds = bounds
    }

    static func makeHistogram() -> Histogram<UInt64> { Histogram(highestTrackableValue: 60_000_000) }

    /// Records one request: `turn` from its intended start (coordinated-omission safe),
    /// `turn.uncorrected` from its actual send, and what `outcome` attributes. A request of a
    /// `group` (`prefilled`, `fresh`) also goes into `turn.GROUP`.
    func record(_ outcome: TurnOutcome, intended: Duration, actual: Duration, group: String? = nil) {
        state.withLock { state in
            state.requests += 1
            switch outcome {
            case .rejected:
                state.rejected += 1
            case .failed(let kind):
                state.errors[kind, default: 0] += 1
            case .completed(let timings):
                state.completed += 1
                var good = true
                func add(_ duration: Duration, to operation: String) {
                    Self.add(duration, to: operation, in: &state)
                    if good, let bounds = goodputBounds[operation] {
                        let seconds = duration.seconds
                        good = bounds.allSatisfy { $0.inclusive ? seconds <= $0.seconds : seconds < $0.seconds }
                    }
                }
                add(intended, to: "turn")
                add(actual, to: "turn.uncorrected")
                if let group { add(intended, to: "turn.\(group)") }
                if let ttft = timings.timeToFirstToken { add(ttft, to: "ttft") }
                if let model = timings.model {
                    add(model, to: "llm")
                    let outside =
                        model + (timings.tools ?? .zero) + (timings.delivery ?? .zero) + (timings.compression ?? .zero)
                        + (timings.startup ?? .zero)
                    add(max(actual - outside, .zero), to: "overhead")
                }
                if let delivery = timings.delivery { add(delivery, to: "delivery") }
                if let startup = timings.startup { add(startup, to: "startup") }
                if let compression = timings.compression {
                    add(compression, to: "compression")
                    state.compressions[timings.compressionOutcome ?? "unknown", default: 0] += 1
                }
                for call in timings.toolCalls { add(call.duration, to: "tool.\(call.name)") }
                if good { state.good += 1 }
            }
        }
    }

    /// Records a latency under `operation` (e.g. `store.commit`).
    func record(_ duration: Duration, as operation: String) {
        state.withLock { Self.add(duration, to: operation, in: &$0) }
    }

    func recordLateStart() { state.withLock { $0.lateStarts += 1 } }

    /// Notes the allocator's figures and the turns completed so far, at a phase's start (or the end).
    func markPhase(at instant: ContinuousClock.Instant = .now) {
        let allocation = Jemalloc.snapshot()
        state.withLock { state in
            state.phaseMarks.append(PhaseMark(offset: instant - state.runStart, allocation: allocation, completed: state.completed))
        }
    }

    var snapshot: State { state.withLock { $0 } }

    /// Starts the first interval now (interval timestamps are offsets from here), for a
    /// workload of `scheduled` requests (open model).
    func startIntervals(at start: ContinuousClock.Instant = .now, scheduled: Int? = nil) {
        state.withLock { state in
            state.scheduled = scheduled
            state.interval = [:]
            state.intervalStart = start
            state.runStart = start
            state.runStartDate = Date() - (ContinuousClock.now - start).seconds
        }
    }

    /// Ends the current interval at `end`: each operation that recorded something in it gets
    /// a line in its interval log (encoded outside the lock the request tasks take).
    func closeInterval(at end: ContinuousClock.Instant = .now) {
        // SQLite's page caches fill up to their configured bound as the database grows, and the
        // run's own interval logs grow by a line a second; neither is what a leak looks like.
        let logBytes = logs.withLock { $0.values.reduce(0) { $0 + $1.byteCount } }
        let heap = Jemalloc.allocatedBytes().map { $0 - SQLiteMemory.bytesInUse - logBytes }
        let (histograms, from, to) = state.withLock { state in
            if let heap { state.heapSamples.append(heap) }
            defer {
                state.interval = [:]
                state.intervalStart = end
            }
            return (state.interval, state.intervalStart - state.runStart, end - state.runStart)
        }
        guard !histograms.isEmpty else { return }
        logs.withLock { logs in
            for (operation, histogram) in histograms {
                logs[operation, default: IntervalLog(operation: operation)].append(histogram, from: from, to: to)
            }
        }
    }

    /// How much the live heap grew over the run: the median of its last fifth of samples over the
    /// median of its second fifth, minus 1 (the first fifth is warm-up: caches and pools filling).
    /// Medians, so that the requests in flight at one instant do not decide it. Nil under 10 samples.
    static func heapGrowth(_ samples: [Int]) -> Double? {
        guard samples.count >= 10 else { return nil }
        let fifth = samples.count / 5
        func median(_ slice: ArraySlice<Int>) -> Double { Double(slice.sorted()[slice.count / 2]) }
        let early = median(samples[fifth..<(2 * fifth)])
        let late = median(samples[(samples.count - fifth)...])
        return early > 0 ? late / early - 1 : nil
    }

    /// The interval logs so far, by operation.
    var intervalLogs: [String: IntervalLog] { logs.withLock { $0 } }

    /// Counts and the `turn` p99 so far, for the progress line (no histogram is copied).
    func progress() -> (requests: Int, completed: Int, failed: Int, p99: Duration?) {
        state.withLock { state in
            let p99 = state.histograms["turn"].map { Duration.microseconds(Int64($0.valueAtPercentile(99))) }
            return (state.requests, state.completed, state.errors.values.reduce(0, +) + state.rejected, p99)
        }
    }

    private static func add(_ duration: Duration, to operation: String, in state: inout State) {
        let microseconds = min(UInt64(clamping: max(1, duration.nanoseconds / 1000)), 60_000_000)
        _ = state.histograms[operation, default: makeHistogram()].record(microseconds)
        _ = state.interval[operation, default: makeHistogram()].record(microseconds)
    }
}
