import Foundation
import HermesCore
import HermesSimulators
import Yams

/// The `llm:` section: the LLM simulator's behaviour.
extension ScenarioParser {
    func llm(_ node: Node) throws(ScenarioError) -> LLMSimulatorConfig {
        let members = try reader.mapping(
            node, at: "llm",
            allowed: [
                "model", "first_token", "tokens_per_second", "reply_tokens", "reply_text", "tool_calls", "errors",
                "summary_requests",
            ])
        var config = LLMSimulatorConfig()
        if let model = members["model"] { config.model = try reader.string(model, at: "llm.model") }
        if let firstToken = members["first_token"] { config.firstToken = try latency(firstToken, at: "llm.first_token") }
        if let speed = members["tokens_per_second"] {
            config.tokensPerSecond = try reader.double(speed, at: "llm.tokens_per_second", in: 0...1_000_000)
        }
        if let tokens = members["reply_tokens"] {
            config.replyTokens = try reader.intRange(tokens, at: "llm.reply_tokens", atLeast: 1)
        }
        if let text = members["reply_text"] { config.replyText = try reader.string(text, at: "llm.reply_text") }
        if let calls = members["tool_calls"] {
            config.toolCalls = try reader.sequence(calls, at: "llm.tool_calls").enumerated().map { index, call throws(ScenarioError) in
                try toolCall(call, at: "llm.tool_calls[\(index)]")
            }
        }
        if let errors = members["errors"] {
            if errors.mapping != nil {
                config.errors = [try errorRule(errors, at: "llm.errors", defaultKind: .status)]
            } else {
                config.errors = try reader.sequence(errors, at: "llm.errors").enumerated().map { index, rule throws(ScenarioError) in
                    try errorRule(rule, at: "llm.errors[\(index)]", defaultKind: nil)
                }
            }
        }
        if let summaries = members["summary_requests"] { config.summaryRequests = try summaryRule(summaries) }
        return config
    }

    /// One duration (constant), or `{median, p99}` (lognormal fitted to the two).
    func latency(_ node: Node, at path: String) throws(ScenarioError) -> LLMSimulatorConfig.LatencyDistribution {
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
                throw reader.error(p99Node, "\(path): p99 (\(value.shortDescription)) is below the median (\(median.shortDescription)); it must be at least the median")
            }
            p99 = value
        }
        return .init(median: median, p99: p99)
    }

    /// `summary_requests: {match, first_token, reply_tokens, status}`.
    func summaryRule(_ node: Node) throws(ScenarioError) -> LLMSimulatorConfig.SummaryRule {
        let path = "llm.summary_requests"
        let members = try reader.mapping(node, at: path, allowed: ["match", "first_token", "reply_tokens", "status"])
        var rule = LLMSimulatorConfig.SummaryRule()
        if let match = members["match"] {
            let text = try reader.string(match, at: "\(path).match")
            guard !text.isEmpty else { throw reader.error(match, "\(path).match is empty; write text of the summary prompt") }
            rule.match = text
        }
        if let first = members["first_token"] { rule.firstToken = try latency(first, at: "\(path).first_token") }
        if let tokens = members["reply_tokens"] { rule.replyTokens = try reader.intRange(tokens, at: "\(path).reply_tokens", atLeast: 1) }
        if let status = members["status"] {
            let value = try reader.int(status, at: "\(path).status", atLeast: 400)
            guard value <= 599 else { throw reader.error(status, "\(path).status: \(value) is not an error status; write 400...599, e.g. 503") }
            rule.status = value
        }
        return rule
    }

    func toolCall(_ node: Node, at path: String) throws(ScenarioError) -> LLMSimulatorConfig.ToolCallRule {
        let members = try reader.mapping(node, at: path, allowed: ["tool", "probability", "arguments", "call"])
        guard let tool = members["tool"] else { throw reader.error(node, "\(path) needs tool, e.g. {tool: web_search, probability: 0.3}") }
        var rule = LLMSimulatorConfig.ToolCallRule(tool: try reader.string(tool, at: "\(path).tool"))
        if let probability = members["probability"] {
            rule.probability = try reader.double(probability, at: "\(path).probability", in: 0...1)
        }
        if let call = members["call"] { rule.call = try reader.int(call, at: "\(path).call", atLeast: 1) }
        if let arguments = members["arguments"] {
            guard arguments.mapping != nil else {
                throw reader.error(arguments, "\(path).arguments must be a mapping of the tool's parameters, e.g. {query: swift}")
            }
            rule.arguments = json(arguments)
        }
        return rule
    }

    func errorRule(
        _ node: Node, at path: String, defaultKind: LLMSimulatorConfig.ErrorRule.Kind?
    ) throws(ScenarioError) -> LLMSimulatorConfig.ErrorRule {
        let members = try reader.mapping(node, at: path, allowed: ["kind", "status", "rate", "first", "retry_after"])
        var kind = defaultKind
        if let kindNode = members["kind"] {
            let text = try reader.string(kindNode, at: "\(path).kind")
            guard let parsed = LLMSimulatorConfig.ErrorRule.Kind(rawValue: text) else {
                throw reader.error(kindNode, "\(path).kind \"\(text)\" is not one of status, truncate, malformed, bad_tool_arguments")
            }
            kind = parsed
        }
        guard let kind else { throw reader.error(node, "\(path) needs kind: status, truncate, malformed or bad_tool_arguments") }
        var rule = LLMSimulatorConfig.ErrorRule(kind: kind)
        if let status = members["status"] {
            rule.status = try reader.int(status, at: "\(path).status", atLeast: 400)
            guard rule.status <= 599 else { throw reader.error(status, "\(path).status \(rule.status) is not an error status; write 400...599, e.g. 429") }
        }
        if let rate = members["rate"] { rule.rate = try fraction(rate, at: "\(path).rate") }
        if let first = members["first"] { rule.first = try reader.int(first, at: "\(path).first", atLeast: 0) }
        if let wait = members["retry_after"] { rule.retryAfter = try reader.duration(wait, at: "\(path).retry_after") }
        guard rule.rate > 0 || rule.first > 0 else {
            throw reader.error(node, "\(path) never fires: give it a rate (e.g. 1% or 0.01) or first: N")
        }
        return rule
    }

    /// A share written as `1%` or `0.01`.
    func fraction(_ node: Node, at path: String) throws(ScenarioError) -> Double {
        if let text = node.scalar?.string, text.hasSuffix("%") {
            guard let percent = Percent(parsing: text), (0...1).contains(percent.fraction) else {
                throw reader.error(node, "\(path): \"\(text)\" must be a percentage between 0% and 100%")
            }
            return percent.fraction
        }
        return try reader.double(node, at: path, in: 0...1)
    }

    /// A YAML value as JSON (scalars by their resolved YAML type).
    func json(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { members[key.string ?? ""] = json(value) }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.map(json))
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let flag = node.bool { return .bool(flag) }
                if let number = node.int { return .int(number) }
                if let number = node.float { return .double(number) }
            }
            return .string(scalar.string)
        case .alias:
            return .null
        }
    }
}
