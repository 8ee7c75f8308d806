import HermesAgent
import HermesConfig
import HermesCore
import HermesSimulators

/// A workload to replay, as read from a scenario file (see `Scenarios/` and the README).
public struct Scenario: Sendable {
    /// Where the load goes.
    public enum Target: Sendable, Hashable {
        /// The turn loop in-process, no HTTP.
        case agent
        /// An in-process gateway on loopback, driven over real HTTP.
        case gateway
        /// The session store alone.
        case store
        /// The `hermes gateway` executable, started afresh for each request and stopped after
        /// it: process start to first answer (cold start).
        case process
        /// Any server that speaks the OpenAI-compatible API.
        case url(String)
    }

    /// The file it was read from.
    public var file: String
    /// A short identifier (`webhook-flood`); names the run's directory and its baseline.
    public var name: String
    /// One line saying what the scenario does.
    public var about: String
    /// Where the load goes.
    public var target: Target
    /// Every random choice derives from it.
    public var seed: UInt64
    /// The LLM simulator's behaviour (its seed is the scenario's).
    public var llm: LLMSimulatorConfig
    /// The platform simulator's answer delay.
    public var platformDelay: Duration
    /// The gateway's shortest time between two edits of a streamed chat reply (Telegram: 1 s).
    public var platformEditInterval: Duration = .seconds(1)
    /// The in-process gateway's admission limits.
    public var gatewayLimits = GatewayLimits()
    /// Context compression of the agents (`agent` and `gateway` targets); off when nil.
    public var compression: CompressionSettings?
    /// What is sent, how often.
    public var workload: Workload
    /// Absolute pass/fail bounds of a run.
    public var thresholds: [Threshold]
    /// Allowed regressions against the baseline.
    public var gate: [GateRule]
}

extension Scenario.Target {
    /// Whether the runtime measured runs in hermes-bench's own process, so that its allocations
    /// and process figures are the run's.
    public var isInProcess: Bool {
        switch self {
        case .agent, .gateway, .store: true
        case .process, .url: false
        }
    }
}

/// The admission limits of the in-process gateway (`gateway:` in the file), as in the gateway's
/// own settings.
public struct GatewayLimits: Sendable, Hashable {
    /// Turns running at once (the gateway's default is 64).
    public var maxConcurrentTurns = 64
    /// Turns waiting per session; a flood on one chat is refused beyond it.
    public var maxQueuedPerSession = 1024
    /// Turns admitted over all sessions, running or waiting.
    public var maxPendingTurns = 4096
}

/// The load: arrivals, sessions and messages.
public struct Workload: Sendable, Hashable {
    /// How requests are started.
    public enum Model: Sendable, Hashable {
        /// Requests start on schedule whatever the backlog (latency measured from the intended start).
        case open(phases: [Phase], arrivals: Arrivals)
        /// `users` virtual users, each sending, waiting for the reply, then thinking.
        case closed(users: Int, duration: Duration, thinkTime: ClosedRange<Duration>)
    }

    /// How arrivals are spaced within a phase.
    public enum Arrivals: String, Sendable, Hashable {
        /// Evenly, at the phase's rate.
        case constant
        /// As a Poisson process of the phase's rate (exponential gaps).
        case poisson
    }

    /// One stretch of an open workload.
    public struct Phase: Sendable, Hashable {
        /// How long it lasts.
        public var duration: Duration
        /// The arrival rate at its start.
        public var rate: Rate
        /// The arrival rate at its end (linear ramp); `nil` keeps `rate`.
        public var rampTo: Rate?

        /// Makes a phase.
        public init(duration: Duration, rate: Rate, rampTo: Rate? = nil) {
            self.duration = duration
            self.rate = rate
            self.rampTo = rampTo
        }
    }

    /// How requests reach the gateway.
    public enum Channel: String, Sendable, Hashable {
        /// `POST /v1/chat/completions`.
        case api
        /// `POST /webhook/telegram`, replies through the platform simulator.
        case telegram
    }

    /// Arrivals.
    public var model: Model
    /// Distinct sessions the messages are spread over.
    public var sessions: Int
    /// The most turns one session gets; `nil`: no limit.
    public var turnsPerSession: Int?
    /// Words per user message.
    public var messageTokens: ClosedRange<Int>
    /// Whether API calls ask for a streamed reply.
    public var stream: Bool
    /// How requests reach a gateway target.
    public var channel: Channel
    /// Sessions that start with a long history (`prefill:`), so that they cross the compression
    /// threshold: the first `sessions` sessions, each with about `tokens` tokens of earlier turns.
    public var prefill: Prefill?
    /// Closed model: the run ends after this many requests in all (request k is always the same
    /// message to the same session), or at the duration, whichever comes first. Not scaled.
    public var requestLimit: Int?

    /// Sessions that start with a history.
    public struct Prefill: Sendable, Hashable {
        public var sessions: Int
        public var tokens: Int
    }
}

/// A figure a threshold or a gate rule is about: a latency statistic (`turn.p99`) or a run-wide
/// figure (`error_rate`).
public enum Figure: Sendable, Hashable, CustomStringConvertible {
    /// A statistic of one operation's latency histogram.
    case latency(operation: String, statistic: Statistic)
    /// Failed requests over all requests.
    case errorRate
    /// malloc calls per turn.
    case allocationsPerTurn
    /// Bytes allocated per turn.
    case bytesPerTurn
    /// Completed turns per second.
    case throughput
    /// The share of turns that met every latency threshold.
    case goodput
    /// Requests the generator started more than 1 ms late, over all requests (the open model's
    /// schedule outran the generator).
    case lateStartRate
    /// How much the live heap grew from early in the run to its end (a fraction).
    case heapGrowth

    /// The statistics of a latency histogram.
    public enum Statistic: String, Sendable, Hashable, CaseIterable {
        case min, mean, p50, p90, p95, p99, p999, max
    }

    /// Whether a larger value is the better one (throughput, goodput).
    public var higherIsBetter: Bool {
        switch self {
        case .throughput, .goodput: true
        default: false
        }
    }

    /// Operations with a latency histogram; `tool.<name>` is one per tool.
    public static let operations = [
        "turn", "turn.uncorrected", "turn.prefilled", "turn.fresh", "ttft", "overhead", "llm", "delivery", "store.commit",
        "compression", "startup", "shutdown",
    ]

    /// The figure a name stands for (`turn.p99`, `allocs_per_turn`), or nil.
    public init?(name: String) {
        let scalars: [String: Figure] = [
            "error_rate": .errorRate, "allocs_per_turn": .allocationsPerTurn, "bytes_per_turn": .bytesPerTurn,
            "throughput": .throughput, "goodput": .goodput, "late_start_rate": .lateStartRate, "heap_growth": .heapGrowth,
        ]
        if let figure = scalars[name] {
            self = figure
            return
        }
        guard let dot = name.lastIndex(of: "."), let statistic = Statistic(rawValue: String(name[name.index(after: dot)...])),
            Self.isOperation(String(name[..<dot]))
        else { return nil }
        self = .latency(operation: String(name[..<dot]), statistic: statistic)
    }

    /// Whether `name` is an operation with a latency histogram.
    static func isOperation(_ name: String) -> Bool {
        operations.contains(name) || (name.hasPrefix("tool.") && name.count > 5)
    }

    public var description: String {
        switch self {
        case .latency(let operation, let statistic): "\(operation).\(statistic.rawValue)"
        case .errorRate: "error_rate"
        case .allocationsPerTurn: "allocs_per_turn"
        case .bytesPerTurn: "bytes_per_turn"
        case .throughput: "throughput"
        case .goodput: "goodput"
        case .lateStartRate: "late_start_rate"
        case .heapGrowth: "heap_growth"
        }
    }
}

/// A bound a run must keep, k6 style: `turn.p99: "< 250ms"`.
public struct Threshold: Sendable, Hashable {
    /// How the figure compares with the bound.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case lessThan = "<"
        case atMost = "<="
        case greaterThan = ">"
        case atLeast = ">="

        /// Whether `value` is within `bound`.
        public func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .lessThan: value < bound
            case .atMost: value <= bound
            case .greaterThan: value > bound
            case .atLeast: value >= bound
            }
        }
    }

    /// The figure.
    public var figure: Figure
    /// The comparison.
    public var comparison: Comparison
    /// The bound, in the figure's base unit (seconds, a fraction, a count, bytes, per second).
    public var bound: Double
    /// The line of the file it came from.
    public var line: Int
}

/// How much worse than its baseline a figure may get: `overhead.p99: +10%` (worse is higher
/// for latencies, rates of errors and allocations, lower for throughput and goodput).
public struct GateRule: Sendable, Hashable {
    /// The figure.
    public var figure: Figure
    /// The largest relative change in the bad direction (0.1 for `+10%`).
    public var tolerance: Double
    /// The line of the file it came from.
    public var line: Int
}

extension Scenario {
    /// One line: target, load and bounds, for `validate` and `list`.
    public var summary: String {
        let target: String =
            switch self.target {
            case .agent: "agent"
            case .gateway: "gateway (\(workload.channel.rawValue))"
            case .store: "store"
            case .process: "process (hermes gateway, started per request)"
            case .url(let url): url
            }
        let load: String =
            switch workload.model {
            case .open(let phases, let arrivals):
                "open, \(phases.count) phase\(phases.count == 1 ? "" : "s") over \(phases.reduce(Duration.zero) { $0 + $1.duration }.shortDescription) (\(arrivals.rawValue))"
            case .closed(let users, let duration, _):
                "closed, \(users) users for \(duration.shortDescription)"
            }
        return "\(target); \(load); \(workload.sessions) sessions; \(thresholds.count) thresholds, \(gate.count) gate rules"
    }
}
