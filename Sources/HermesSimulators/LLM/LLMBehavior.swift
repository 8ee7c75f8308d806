import Foundation
import HermesCore

/// A chat-completions request as the simulator reads it.
public struct SimulatedRequest: Sendable, Decodable {
    /// The conversation.
    public var messages: [Message]
    /// The tools the client declared.
    public var tools: [ToolSpec]?
    /// Whether the client asked for SSE.
    public var stream: Bool?
    /// The client's cap on generated tokens.
    public var maxTokens: Int?

    /// Makes a request.
    public init(messages: [Message], tools: [ToolSpec]? = nil, stream: Bool? = nil, maxTokens: Int? = nil) {
        self.messages = messages
        self.tools = tools
        self.stream = stream
        self.maxTokens = maxTokens
    }

    enum CodingKeys: String, CodingKey {
        case messages, tools, stream
        case maxTokens = "max_tokens"
    }

    /// Which conversation turn this request belongs to, for its own random stream: a hash of the
    /// first user message, the latest one and where it stands. The calls of one turn come one after
    /// another, so drawing each turn's decisions from its own stream makes them the same whatever
    /// order concurrent conversations, background reviews and summary calls arrive in.
    /// `ignoring` (a scratch directory the messages quote) is left out.
    public func streamKey(ignoring: String? = nil) -> UInt64 {
        func text(_ message: Message?) -> String {
            let content = message?.content ?? ""
            guard let ignoring, !ignoring.isEmpty, content.contains(ignoring) else { return content }
            return content.replacingOccurrences(of: ignoring, with: "")
        }
        var hash = FNV1a()
        let lastUser = messages.lastIndex { $0.role == .user }
        hash.add(text(messages.first { $0.role == .user }))
        hash.add(text(lastUser.map { messages[$0] }))
        hash.add(String(lastUser ?? -1))
        return hash.value
    }

    /// Which model call of the current user turn this is: 1 answers the user's message, 2 answers
    /// the first tool results, and so on.
    public var callIndex: Int {
        var index = 1
        for message in messages.reversed() {
            if message.role == .user { break }
            if message.role == .assistant { index += 1 }
        }
        return index
    }
}

/// What the simulator does for one request, decided up front.
public struct ReplyPlan: Sendable {
    /// How the request ends.
    public enum Outcome: Sendable {
        /// A normal answer.
        case reply
        /// An injected failure.
        case fail(LLMSimulatorConfig.ErrorRule)
    }

    /// How the request ends.
    public var outcome: Outcome
    /// The reply, one element per token (a word, with its leading space).
    public var tokens: [String]
    /// Tool calls in the reply.
    public var toolCalls: [ToolCall]
    /// Delay before the first token.
    public var firstToken: Duration
    /// Delay between tokens.
    public var interToken: Duration
    /// The prompt's estimated size.
    public var promptTokens: Int
    /// Whether this answers a context-compression summary request.
    public var isSummary = false

    /// The reply text.
    public var text: String { tokens.joined() }

    /// The time generation takes once started, first token included.
    public var generationTime: Duration { firstToken + interToken * max(tokens.count - 1, 0) }
}

/// The simulator's decisions: pure, so the HTTP server, an in-process model and tests share them.
public struct LLMBehavior: Sendable {
    /// The configuration in force.
    public let config: LLMSimulatorConfig
    private let estimator = TokenEstimator()

    /// Makes the engine for `config`.
    public init(config: LLMSimulatorConfig) { self.config = config }

    /// Plans the answer to the `index`-th request (0-based, in arrival order).
    public func plan(
        _ request: SimulatedRequest, index: Int, using generator: inout SeededGenerator
    ) -> ReplyPlan {
        let interToken: Duration =
            config.tokensPerSecond > 0 ? .nanoseconds(Int64(1e9 / config.tokensPerSecond)) : .zero
        var plan = ReplyPlan(
            outcome: .reply, tokens: [], toolCalls: [],
            firstToken: config.firstToken.sample(using: &generator), interToken: interToken,
            promptTokens: estimator.tokens(in: request.messages)
        )
        if let rule = config.summaryRequests, rule.matches(request) {
            plan.isSummary = true
            plan.firstToken = rule.firstToken.sample(using: &generator)
            if let status = rule.status { plan.outcome = .fail(.init(kind: .status, status: status)) }
            plan.tokens = words(Int.random(in: rule.replyTokens, using: &generator), using: &generator)
            return plan
        }
        for rule in config.errors {
            let draw = generator.unit()
            if index < rule.first || draw < rule.rate {
                plan.outcome = .fail(rule)
                break
            }
        }
        let declared = Set((request.tools ?? []).map(\.name))
        let callIndex = request.callIndex
        for rule in config.toolCalls where rule.call == callIndex {
            let draw = generator.unit()
            guard declared.contains(rule.tool), draw < rule.probability else { continue }
            let spec = request.tools?.first { $0.name == rule.tool }
            let arguments = rule.arguments ?? defaultArguments(for: spec, using: &generator)
            plan.toolCalls.append(
                ToolCall(id: callID(using: &generator), name: rule.tool, arguments: arguments.jsonText)
            )
        }
        plan.tokens = replyTokens(limit: request.maxTokens, using: &generator)
        if case .fail(let rule) = plan.outcome, rule.kind == .badToolArguments {
            plan.outcome = .reply
            let name = request.tools?.first?.name ?? config.toolCalls.first?.tool ?? "unknown_tool"
            plan.toolCalls = [ToolCall(id: callID(using: &generator), name: name, arguments: #"{"query": "unterminated"#)]
        }
        return plan
    }

    /// A call's id, from the turn's stream: an id made from the arrival index would change what a
    /// later summary request says, and so its answer, whenever background calls arrive in another order.
    private func callID(using generator: inout SeededGenerator) -> String {
        "call_" + String(generator.next() >> 16, radix: 16)
    }

    private func replyTokens(limit: Int?, using generator: inout SeededGenerator) -> [String] {
        var tokens: [String]
        if let text = config.replyText {
            tokens = []
            var current = ""
            for character in text {
                if character == " ", !current.isEmpty, current != " " {
                    tokens.append(current)
                    current = ""
                }
                current.append(character)
            }
            if !current.isEmpty { tokens.append(current) }
        } else {
            tokens = words(Int.random(in: config.replyTokens, using: &generator), using: &generator)
        }
        if let limit, limit > 0, tokens.count > limit { tokens.removeLast(tokens.count - limit) }
        return tokens
    }

    /// `count` generated words, one token each, as a sentence.
    private func words(_ count: Int, using generator: inout SeededGenerator) -> [String] {
        var tokens = (0..<count).map { position in
            let word = Self.vocabulary[Int(generator.next() % UInt64(Self.vocabulary.count))]
            return position == 0 ? word.capitalized : " " + word
        }
        if let last = tokens.indices.last { tokens[last] += "." }
        return tokens
    }

    private func defaultArguments(for spec: ToolSpec?, using generator: inout SeededGenerator) -> JSONValue {
        guard let schema = spec?.parameters, let properties = schema["properties"]?.objectValue else {
            return [:]
        }
        var arguments: [String: JSONValue] = [:]
        for name in (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue) {
            switch properties[name]?["type"]?.stringValue {
            case "integer", "number": arguments[name] = 1
            case "boolean": arguments[name] = false
            case "array": arguments[name] = []
            case "object": arguments[name] = [:]
            default:
                let first = Self.vocabulary[Int(generator.next() % UInt64(Self.vocabulary.count))]
                let second = Self.vocabulary[Int(generator.next() % UInt64(Self.vocabulary.count))]
                arguments[name] = .string("\(first) \(second)")
            }
        }
        return .object(arguments)
    }

    static let vocabulary = [
        "agent", "answer", "buffer", "cache", "channel", "context", "data", "detail", "event", "fast", "file",
        "gateway", "history", "hermes", "latency", "load", "memory", "message", "model", "network", "note",
        "output", "plan", "query", "queue", "reply", "request", "result", "route", "search", "server", "session",
        "signal", "simple", "steady", "store", "stream", "summary", "swift", "system", "task", "test", "text",
        "thread", "time", "token", "tool", "turn", "update", "value", "window", "work", "write", "yield",
    ]
}

extension String {
    fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}

/// FNV-1a, 64 bits: a hash that is the same in every process (Swift's `Hasher` is seeded per
/// process), so a stream key names the same stream on every run.
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Adds `text`'s UTF-8 bytes and a separator, so ("ab", "c") and ("a", "bc") differ.
    mutating func add(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0xFF)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01B3
    }
}
