import HermesConfig
import HermesCore
import Yams

/// The one reader of the LLM simulator's behaviour, whether it comes from its own file
/// (`hermes-bench sim llm --config FILE`) or from a scenario's `llm:` section, so both accept the
/// same keys and refuse the same mistakes, each at its own line.
extension LLMSimulatorConfig {
    /// The keys of a behaviour mapping.
    public static let keys = [
        "seed", "model", "first_token", "tokens_per_second", "reply_tokens", "reply_text", "tool_calls", "errors",
        "summary_requests",
    ]

    /// Loads a YAML or JSON file; errors name the file, the line and what to write instead.
    public static func load(path: String) throws(ConfigError) -> LLMSimulatorConfig {
        guard let root = try YAMLReader.load(path: path) else { return LLMSimulatorConfig() }
        return try LLMSimulatorConfig(root, reader: YAMLReader(file: path), at: "")
    }

    /// Parses YAML or JSON text; `source` names it in errors.
    public static func parse(_ text: String, source: String = "<config>") throws(ConfigError) -> LLMSimulatorConfig {
        guard let root = try YAMLReader.compose(text, file: source) else { return LLMSimulatorConfig() }
        return try LLMSimulatorConfig(root, reader: YAMLReader(file: source), at: "")
    }

    /// Reads the behaviour mapping `node`, whose keys sit under `path` (`llm` in a scenario, empty
    /// in the simulator's own file).
    public init(_ node: Node, reader: YAMLReader, at path: String) throws(ConfigError) {
        self.init()
        let members = try reader.mapping(node, at: path, allowed: Self.keys)
        let key = { (name: String) in reader.join(path, name) }
        if let seed = members["seed"] {
            guard let value = seed.scalar.flatMap({ UInt64($0.string) }) else {
                throw reader.error(seed, "\(key("seed")) must be a whole number of 0 or more, e.g. 42; found \(reader.describe(seed))")
            }
            self.seed = value
        }
        if let model = members["model"] { self.model = try reader.string(model, at: key("model")) }
        if let first = members["first_token"] { firstToken = try Self.latency(first, reader: reader, at: key("first_token")) }
        if let speed = members["tokens_per_second"] {
            tokensPerSecond = try reader.double(speed, at: key("tokens_per_second"), in: 0...1_000_000)
        }
        if let tokens = members["reply_tokens"] {
            replyTokens = try reader.intRange(tokens, at: key("reply_tokens"), atLeast: 1)
        }
        if let text = members["reply_text"] { replyText = try reader.string(text, at: key("reply_text")) }
        if let calls = members["tool_calls"] {
            toolCalls = try reader.sequence(calls, at: key("tool_calls")).enumerated().map { index, call throws(ConfigError) in
                try Self.toolCall(call, reader: reader, at: "\(key("tool_calls"))[\(index)]")
            }
        }
        if let rules = members["errors"] {
            // One mapping is one `status` rule (`errors: {rate: 1%, status: 429}`); a list takes every kind.
            if rules.mapping != nil {
                errors = [try Self.errorRule(rules, reader: reader, at: key("errors"), defaultKind: .status)]
            } else {
                errors = try reader.sequence(rules, at: key("errors")).enumerated().map { index, rule throws(ConfigError) in
                    try Self.errorRule(rule, reader: reader, at: "\(key("errors"))[\(index)]", defaultKind: nil)
                }
            }
        }
        if let summaries = members["summary_requests"] {
            summaryRequests = try Self.summaryRule(summaries, reader: reader, at: key("summary_requests"))
        }
    }

    /// One duration (constant), or `{median, p99}` (lognormal fitted to the two).
    static func latency(_ node: Node, reader: YAMLReader, at path: String) throws(ConfigError) -> LatencyDistribution {
        guard node.mapping != nil else {
            return .init(median: try reader.duration(node, at: path, positive: false), p99: nil)
        }
        let latency = try reader.mapping(node, at: path, allowed: ["median", "p99"])
        guard let medianNode = latency["median"] else {
            throw reader.error(node, "\(path) needs a median, e.g. {median: 40ms, p99: 200ms}")
        }
        let median = try reader.duration(medianNode, at: "\(path).median", positive: false)
        var p99: Duration?
        if let p99Node = latency["p99"] {
            let value = try reader.duration(p99Node, at: "\(path).p99", positive: false)
            guard value >= median else {
                throw reader.error(
                    p99Node,
                    "\(path): p99 (\(value.shortDescription)) is below the median (\(median.shortDescription)); it must be at least the median")
            }
            p99 = value
        }
        return .init(median: median, p99: p99)
    }

    /// `summary_requests: {match, first_token, reply_tokens, status}`.
    static func summaryRule(_ node: Node, reader: YAMLReader, at path: String) throws(ConfigError) -> SummaryRule {
        let members = try reader.mapping(node, at: path, allowed: ["match", "first_token", "reply_tokens", "status"])
        var rule = SummaryRule()
        if let match = members["match"] {
            let text = try reader.string(match, at: "\(path).match")
            guard !text.isEmpty else { throw reader.error(match, "\(path).match is empty; write text of the summary prompt") }
            rule.match = text
        }
        if let first = members["first_token"] { rule.firstToken = try latency(first, reader: reader, at: "\(path).first_token") }
        if let tokens = members["reply_tokens"] {
            rule.replyTokens = try reader.intRange(tokens, at: "\(path).reply_tokens", atLeast: 1)
        }
        if let status = members["status"] {
            let value = try reader.int(status, at: "\(path).status", atLeast: 400)
            guard value <= 599 else {
                throw reader.error(status, "\(path).status: \(value) is not an error status; write 400...599, e.g. 503")
            }
            rule.status = value
        }
        return rule
    }

    static func toolCall(_ node: Node, reader: YAMLReader, at path: String) throws(ConfigError) -> ToolCallRule {
        let members = try reader.mapping(node, at: path, allowed: ["tool", "probability", "arguments", "call"])
        guard let tool = members["tool"] else {
            throw reader.error(node, "\(path) needs tool, e.g. {tool: web_search, probability: 0.3}")
        }
        var rule = ToolCallRule(tool: try reader.string(tool, at: "\(path).tool"))
        if let probability = members["probability"] {
            rule.probability = try reader.double(probability, at: "\(path).probability", in: 0...1)
        }
        if let call = members["call"] { rule.call = try reader.int(call, at: "\(path).call", atLeast: 1) }
        if let arguments = members["arguments"] {
            guard arguments.mapping != nil else {
                throw reader.error(arguments, "\(path).arguments must be a mapping of the tool's parameters, e.g. {query: swift}")
            }
            rule.arguments = reader.json(arguments)
        }
        return rule
    }

    static func errorRule(
        _ node: Node, reader: YAMLReader, at path: String, defaultKind: ErrorRule.Kind?
    ) throws(ConfigError) -> ErrorRule {
        let members = try reader.mapping(node, at: path, allowed: ["kind", "status", "rate", "first", "retry_after"])
        var kind = defaultKind
        if let kindNode = members["kind"] {
            let text = try reader.string(kindNode, at: "\(path).kind")
            guard let parsed = ErrorRule.Kind(rawValue: text) else {
                let kinds = ErrorRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error(kindNode, "\(path).kind: unknown kind \"\(text)\"; write one of \(kinds)")
            }
            kind = parsed
        }
        guard let kind else {
            throw reader.error(node, "\(path) needs kind: status, truncate, malformed or bad_tool_arguments")
        }
        var rule = ErrorRule(kind: kind)
        if let status = members["status"] {
            rule.status = try reader.int(status, at: "\(path).status", atLeast: 400)
            guard rule.status <= 599 else {
                throw reader.error(status, "\(path).status \(rule.status) is not an error status; write 400...599, e.g. 429")
            }
        }
        if let rate = members["rate"] { rule.rate = try reader.fraction(rate, at: "\(path).rate") }
        if let first = members["first"] { rule.first = try reader.int(first, at: "\(path).first", atLeast: 0) }
        if let wait = members["retry_after"] { rule.retryAfter = try reader.duration(wait, at: "\(path).retry_after") }
        guard rule.rate > 0 || rule.first > 0 else {
            throw reader.error(node, "\(path) never fires: give it a rate (e.g. 1% or 0.01) or first: N")
        }
        return rule
    }
}
