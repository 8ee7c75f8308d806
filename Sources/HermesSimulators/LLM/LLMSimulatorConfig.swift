import Foundation
import HermesCore

/// How the LLM simulator behaves: latency, speed, reply length, scripted tool calls, injected
/// errors. Written in code, or read from YAML or JSON with the same snake_case keys (see
/// `LLMSimulatorConfig+YAML.swift`):
///
/// ```yaml
/// seed: 42
/// model: hermes-sim
/// first_token: {median: 40ms, p99: 200ms}   # lognormal fitted to the two; p99 optional;
///                                          # one duration (first_token: 100ms) is constant
/// tokens_per_second: 80                      # 0 = as fast as possible
/// reply_tokens: {min: 20, max: 200}
/// reply_text: "Hello!"                       # optional: a fixed reply instead of generated words
/// tool_calls:
///   - {tool: web_search, probability: 0.3}           # on the first model call of a user turn
///   - {tool: read_file, arguments: {path: a.txt}, call: 2}
/// errors:
///   - {kind: status, status: 429, rate: 0.01, retry_after: 1s}
///   - {kind: truncate, first: 1}                     # the first request's stream is cut mid-event
/// summary_requests:          # context-compression summary calls, told by their first message
///   {match: "handoff summar", first_token: 500ms, reply_tokens: {min: 60, max: 60}, status: 503}
/// ```
public struct LLMSimulatorConfig: Sendable, Hashable {
    /// Every random choice derives from it.
    public var seed: UInt64 = 42
    /// The model name reported in responses.
    public var model = "hermes-sim"
    /// Time to the first token.
    public var firstToken = LatencyDistribution(median: .milliseconds(20), p99: nil)
    /// Generation speed; 0 means no delay between tokens.
    public var tokensPerSecond: Double = 0
    /// Reply length in tokens (one word is one token here), drawn uniformly.
    public var replyTokens: ClosedRange<Int> = 8...32
    /// A fixed reply text; when set, replaces generated words.
    public var replyText: String?
    /// Scripted tool calls.
    public var toolCalls: [ToolCallRule] = []
    /// Injected failures.
    public var errors: [ErrorRule] = []
    /// How summary requests of a context compression are answered; `nil` treats them as any other.
    public var summaryRequests: SummaryRule?
    /// The context window `GET /v1/models` lists for the model (as `context_length`, OpenRouter's
    /// and many servers' key); `nil` lists none, as OpenAI does.
    public var contextLength: Int?
    /// The status `GET /v1/models` answers with; other than 200, an error body and no listing.
    public var modelListStatus = 200
    /// Text left out of the requests' stream keys (`SimulatedRequest.streamKey(ignoring:)`): a
    /// benchmark run's scratch directory, which tool results quote and which differs on every run,
    /// so that a workload gets the same answers wherever it runs. Not read from YAML.
    public var streamKeyIgnoring: String?

    /// The defaults: 20 ms to first token, unlimited speed, 8–32 tokens, no tools, no errors.
    public init() {}

    /// A lognormal latency given by its median and, optionally, its 99th percentile.
    public struct LatencyDistribution: Sendable, Hashable {
        /// Half of the draws are below it.
        public var median: Duration
        /// 99% of the draws are below it; `nil` makes the latency constant.
        public var p99: Duration?

        /// Makes a distribution.
        public init(median: Duration, p99: Duration? = nil) {
            self.median = median
            self.p99 = p99
        }

        /// One draw.
        public func sample(using generator: inout SeededGenerator) -> Duration {
            let median = max(self.median.seconds, 1e-9)
            guard let p99 = self.p99?.seconds, p99 > median else { return self.median }
            let sigma = (log(p99) - log(median)) / 2.326_348
            return .nanoseconds(Int64(exp(log(median) + sigma * generator.normal()) * 1e9))
        }
    }

    /// A tool call the simulated model makes.
    public struct ToolCallRule: Sendable, Hashable {
        /// The tool to call. The call is made only if the request declares a tool of this name.
        public var tool: String
        /// The arguments; when absent, the required string parameters of the tool's schema get words.
        public var arguments: JSONValue?
        /// The chance the call is made on a matching request (1 = always).
        public var probability: Double = 1
        /// Which model call of a user turn makes it: 1 = the reply to the user's message, 2 = the
        /// reply to the first tool results, ...
        public var call: Int = 1

        /// Makes a rule.
        public init(tool: String, arguments: JSONValue? = nil, probability: Double = 1, call: Int = 1) {
            self.tool = tool
            self.arguments = arguments
            self.probability = probability
            self.call = call
        }
    }

    /// A failure the simulator injects.
    public struct ErrorRule: Sendable, Hashable {
        /// How the request fails.
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// An HTTP error status with an OpenAI-style error body.
            case status
            /// The response stops in the middle of an event (streamed) or of the JSON body.
            case truncate
            /// A 200 response whose body is not JSON.
            case malformed
            /// A tool call whose arguments are not valid JSON.
            case badToolArguments = "bad_tool_arguments"
        }

        /// How the request fails.
        public var kind: Kind
        /// The status for `status` failures.
        public var status: Int = 500
        /// The share of requests that fail this way, drawn per request.
        public var rate: Double = 0
        /// The first N requests fail this way, whatever the rate.
        public var first: Int = 0
        /// Sent as `Retry-After` (seconds) and `retry-after-ms` with `status` failures.
        public var retryAfter: Duration?

        /// Makes a rule.
        public init(kind: Kind, status: Int = 500, rate: Double = 0, first: Int = 0, retryAfter: Duration? = nil) {
            self.kind = kind
            self.status = status
            self.rate = rate
            self.first = first
            self.retryAfter = retryAfter
        }
    }
}

extension LLMSimulatorConfig {
    /// Summary requests (a context compression's), recognised by their first message and answered
    /// with their own latency and length, or failed: a summary of a long span takes longer than
    /// a chat reply, and a benchmark of compression needs to say how much longer.
    public struct SummaryRule: Sendable, Hashable {
        /// Text the request's first message contains; `nil` recognises the summary prompts of both
        /// Hermes for Swift (a system prompt) and the Python hermes-agent (its only message), so
        /// that one simulator serves both sides of a peer comparison.
        public var match: String?
        /// Time to the first token.
        public var firstToken: LatencyDistribution
        /// Summary length in tokens.
        public var replyTokens: ClosedRange<Int>
        /// When set, every summary request fails with this HTTP status.
        public var status: Int?

        /// Makes a rule.
        public init(
            match: String? = nil, firstToken: LatencyDistribution = .init(median: .milliseconds(500)),
            replyTokens: ClosedRange<Int> = 60...60, status: Int? = nil
        ) {
            self.match = match
            self.firstToken = firstToken
            self.replyTokens = replyTokens
            self.status = status
        }

        /// Text that opens each runtime's summary prompt, and no chat request.
        static let knownPrompts = ["You write handoff summaries", "You are a summarization agent creating a context checkpoint"]

        /// Whether `request` is a summary request.
        func matches(_ request: SimulatedRequest) -> Bool {
            guard let first = request.messages.first?.content else { return false }
            if let match { return first.contains(match) }
            return Self.knownPrompts.contains { first.contains($0) }
        }
    }
}
