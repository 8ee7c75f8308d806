import Foundation
import HermesCore
import HermesSimulators
import Yams

/// Reads scenario files. Every mistake is refused before anything runs, with the file, the line
/// and a sentence saying what to write instead.
public enum ScenarioLoader {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(file: path, line: 0, "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, file: path)
    }

    /// Reads and checks scenario `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ScenarioError(file: file, line: 0, "the file is empty — a scenario needs at least name, about, target and workload")
            }
            root = composed
        } catch let error as ScenarioError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw ScenarioError(file: file, line: 0, "not valid YAML: \(error)")
        }
        return try ScenarioParser(reader: YAMLReader(file: file)).scenario(root)
    }

    private static func yamlError(_ error: YamlError, file: String) -> ScenarioError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ScenarioError(file: file, line: mark.line, "not valid YAML: \(problem) (column \(mark.column)) — check the indentation and quotes")
        default:
            return ScenarioError(file: file, line: 0, "not valid YAML: \(error)")
        }
    }
}

/// Turns the YAML tree into a `Scenario`, one section at a time.
private struct ScenarioParser {
    let reader: YAMLReader

    /// More arrivals than this per second cannot be scheduled one by one by a generator.
    static let maxRate = 1_000_000.0

    func scenario(_ root: Node) throws(ScenarioError) -> Scenario {
        let top = try reader.mapping(
            root, at: "", allowed: ["name", "about", "target", "seed", "llm", "platform", "gateway", "workload", "thresholds", "gate"])
        func required(_ key: String, _ example: String) throws(ScenarioError) -> Node {
            guard let node = top[key] else {
                throw reader.error(root, "\"\(key)\" is missing — add it at the top level, e.g. \(key): \(example)")
            }
            return node
        }
        let name = try reader.string(try required("name", "steady-load"), at: "name")
        guard name.range(of: #"^[a-z0-9][a-z0-9-]*$"#, options: .regularExpression) != nil else {
            throw reader.error(top["name"], "name \"\(name)\" must be lower-case letters, digits and dashes, e.g. webhook-flood")
        }
        let about = try reader.string(try required("about", "\"what this workload does\""), at: "about")
        guard !about.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw reader.error(top["about"], "about is empty — say in one line what the workload does")
        }
        let target = try self.target(try required("target", "gateway"))
        var seed: UInt64 = 42
        if let node = top["seed"] {
            guard let value = node.scalar.flatMap({ UInt64($0.string) }) else {
                throw reader.error(node, "seed must be a whole number of 0 or more, e.g. 42; found \(reader.describe(node))")
            }
            seed = value
        }
        var llm = try top["llm"].map(self.llm) ?? LLMSimulatorConfig()
        llm.seed = seed
        var platformDelay = Duration.zero
        var editInterval = Duration.seconds(1)
        if let node = top["platform"] {
            let members = try reader.mapping(node, at: "platform", allowed: ["delay", "edit_interval"])
            if let delay = members["delay"] { platformDelay = try reader.duration(delay, at: "platform.delay", positive: false) }
            if let interval = members["edit_interval"] {
                editInterval = try reader.duration(interval, at: "platform.edit_interval", positive: false)
            }
        }
        var limits = GatewayLimits()
        if let node = top["gateway"] {
            guard target == .gateway else {
                throw reader.error(node, "gateway: sets the in-process gateway's limits and needs target: gateway; remove it")
            }
            let members = try reader.mapping(
                node, at: "gateway", allowed: ["max_concurrent_turns", "max_queued_per_session", "max_pending_turns"])
            if let value = members["max_concurrent_turns"] {
                limits.maxConcurrentTurns = try reader.int(value, at: "gateway.max_concurrent_turns", atLeast: 1)
            }
            if let value = members["max_queued_per_session"] {
                limits.maxQueuedPerSession = try reader.int(value, at: "gateway.max_queued_per_session", atLeast: 0)
            }
            if let value = members["max_pending_turns"] {
                limits.maxPendingTurns = try reader.int(value, at: "gateway.max_pending_turns", atLeast: 1)
            }
        }
        let workload = try self.workload(try required("workload", "{model: open, phases: [{duration: 10s, rate: 100/s}]}"))
        if workload.channel == .telegram, target != .gateway {
            throw reader.error(top["workload"], "workload.via: telegram needs target: gateway (only the in-process gateway has a platform simulator)")
        }
        return Scenario(
            file: reader.file, name: name, about: about, target: target, seed: seed, llm: llm,
            platformDelay: platformDelay, platformEditInterval: editInterval, gatewayLimits: limits, workload: workload,
            thresholds: try top["thresholds"].map(thresholds) ?? [], gate: try top["gate"].map(gate) ?? [])
    }

    private func target(_ node: Node) throws(ScenarioError) -> Scenario.Target {
        if node.mapping != nil {
            let members = try reader.mapping(node, at: "target", allowed: ["url"])
            guard let url = members["url"] else { throw reader.error(node, "target needs url, e.g. {url: http://127.0.0.1:8642}") }
            return try self.url(try reader.string(url, at: "target.url"), node: url)
        }
        let text = try reader.string(node, at: "target")
        switch text {
        case "agent": return .agent
        case "gateway": return .gateway
        case "store": return .store
        default:
            if text.hasPrefix("url:") { return try url(text.dropFirst(4).trimmingCharacters(in: .whitespaces), node: node) }
            if text.hasPrefix("http://") || text.hasPrefix("https://") { return try url(text, node: node) }
            throw reader.error(node, "target \"\(text)\" is not one of agent, gateway, store, or {url: http://HOST:PORT}")
        }
    }

    private func url(_ text: String, node: Node) throws(ScenarioError) -> Scenario.Target {
        guard let url = URL(string: text), url.scheme == "http", url.host != nil else {
            throw reader.error(
                node, "target url \"\(text)\" must be http:// with a host, e.g. http://127.0.0.1:8642 (the load generator speaks plain HTTP/1.1)")
        }
        return .url(text.hasSuffix("/") ? String(text.dropLast()) : text)
    }

    // MARK: llm

    private func llm(_ node: Node) throws(ScenarioError) -> LLMSimulatorConfig {
        let members = try reader.mapping(
            node, at: "llm",
            allowed: ["model", "first_token", "tokens_per_second", "reply_tokens", "reply_text", "tool_calls", "errors"])
        var config = LLMSimulatorConfig()
        if let model = members["model"] { config.model = try reader.string(model, at: "llm.model") }
        if let firstToken = members["first_token"], firstToken.mapping == nil {
            // One duration: every first token after exactly that long.
            let fixed = try reader.duration(firstToken, at: "llm.first_token", positive: false)
            config.firstToken = .init(median: fixed, p99: nil)
        } else if let firstToken = members["first_token"] {
            let latency = try reader.mapping(firstToken, at: "llm.first_token", allowed: ["median", "p99"])
            guard let medianNode = latency["median"] else {
                throw reader.error(firstToken, "llm.first_token needs a median, e.g. {median: 40ms, p99: 200ms}")
            }
            let median = try reader.duration(medianNode, at: "llm.first_token.median", positive: false)
            var p99: Duration?
            if let p99Node = latency["p99"] {
                let value = try reader.duration(p99Node, at: "llm.first_token.p99", positive: false)
                guard value >= median else {
                    throw reader.error(p99Node, "llm.first_token: p99 (\(value.shortDescription)) is below the median (\(median.shortDescription)); it must be at least the median")
                }
                p99 = value
            }
            config.firstToken = .init(median: median, p99: p99)
        }
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
        return config
    }

    private func toolCall(_ node: Node, at path: String) throws(ScenarioError) -> LLMSimulatorConfig.ToolCallRule {
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

    private func errorRule(
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
    private func fraction(_ node: Node, at path: String) throws(ScenarioError) -> Double {
        if let text = node.scalar?.string, text.hasSuffix("%") {
            guard let percent = Percent(parsing: text), (0...1).contains(percent.fraction) else {
                throw reader.error(node, "\(path): \"\(text)\" must be a percentage between 0% and 100%")
            }
            return percent.fraction
        }
        return try reader.double(node, at: path, in: 0...1)
    }

    /// A YAML value as JSON (scalars by their resolved YAML type).
    private func json(_ node: Node) -> JSONValue {
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

    // MARK: workload

    private func workload(_ node: Node) throws(ScenarioError) -> Workload {
        let members = try reader.mapping(
            node, at: "workload",
            allowed: [
                "model", "phases", "arrivals", "users", "duration", "think_time", "sessions", "turns_per_session",
                "message_tokens", "stream", "via",
            ])
        guard let modelNode = members["model"] else {
            throw reader.error(node, "workload.model is missing — write open (an arrival rate) or closed (virtual users)")
        }
        let model: Workload.Model
        switch try reader.string(modelNode, at: "workload.model") {
        case "open":
            for key in ["users", "think_time", "duration"] where members[key] != nil {
                throw reader.error(members[key], "workload.\(key) belongs to the closed model; an open workload is set by phases")
            }
            guard let phasesNode = members["phases"] else {
                throw reader.error(node, "an open workload needs phases, e.g. phases: [{duration: 10s, rate: 200/s}]")
            }
            let phases = try reader.sequence(phasesNode, at: "workload.phases").enumerated().map { index, phase throws(ScenarioError) in
                try self.phase(phase, at: "workload.phases[\(index)]")
            }
            guard !phases.isEmpty else { throw reader.error(phasesNode, "workload.phases is empty; give at least one phase") }
            var arrivals = Workload.Arrivals.constant
            if let node = members["arrivals"] {
                let text = try reader.string(node, at: "workload.arrivals")
                guard let parsed = Workload.Arrivals(rawValue: text) else {
                    throw reader.error(node, "workload.arrivals \"\(text)\" is not constant or poisson")
                }
                arrivals = parsed
            }
            model = .open(phases: phases, arrivals: arrivals)
        case "closed":
            for key in ["phases", "arrivals"] where members[key] != nil {
                throw reader.error(members[key], "workload.\(key) belongs to the open model; a closed workload is set by users, duration and think_time")
            }
            guard let usersNode = members["users"], let durationNode = members["duration"] else {
                throw reader.error(node, "a closed workload needs users and duration, e.g. users: 50, duration: 30s")
            }
            let users = try reader.int(usersNode, at: "workload.users", atLeast: 1)
            let duration = try reader.duration(durationNode, at: "workload.duration")
            var think = Duration.zero...Duration.zero
            if let node = members["think_time"] {
                if node.mapping != nil {
                    let bounds = try reader.mapping(node, at: "workload.think_time", allowed: ["min", "max"])
                    guard let low = bounds["min"], let high = bounds["max"] else {
                        throw reader.error(node, "workload.think_time needs min and max, e.g. {min: 1s, max: 3s}, or one duration")
                    }
                    let lower = try reader.duration(low, at: "workload.think_time.min", positive: false)
                    let upper = try reader.duration(high, at: "workload.think_time.max", positive: false)
                    guard lower <= upper else { throw reader.error(low, "workload.think_time: min is above max; swap them") }
                    think = lower...upper
                } else {
                    let value = try reader.duration(node, at: "workload.think_time", positive: false)
                    think = value...value
                }
            }
            model = .closed(users: users, duration: duration, thinkTime: think)
        case let other:
            throw reader.error(modelNode, "workload.model \"\(other)\" is not open or closed")
        }
        var channel = Workload.Channel.api
        if let node = members["via"] {
            let text = try reader.string(node, at: "workload.via")
            guard let parsed = Workload.Channel(rawValue: text) else {
                throw reader.error(node, "workload.via \"\(text)\" is not api or telegram")
            }
            channel = parsed
        }
        return Workload(
            model: model,
            sessions: try members["sessions"].map { node throws(ScenarioError) in try reader.int(node, at: "workload.sessions", atLeast: 1) } ?? 100,
            turnsPerSession: try members["turns_per_session"].map { node throws(ScenarioError) in
                try reader.int(node, at: "workload.turns_per_session", atLeast: 1)
            },
            messageTokens: try members["message_tokens"].map { node throws(ScenarioError) in
                try reader.intRange(node, at: "workload.message_tokens", atLeast: 1)
            } ?? 5...80,
            stream: try members["stream"].map { node throws(ScenarioError) in try reader.bool(node, at: "workload.stream") } ?? false,
            channel: channel)
    }

    private func phase(_ node: Node, at path: String) throws(ScenarioError) -> Workload.Phase {
        let members = try reader.mapping(node, at: path, allowed: ["duration", "rate", "ramp_to"])
        guard let durationNode = members["duration"], let rateNode = members["rate"] else {
            throw reader.error(node, "\(path) needs duration and rate, e.g. {duration: 10s, rate: 200/s}")
        }
        let rate = try reader.rate(rateNode, at: "\(path).rate")
        let rampTo = try members["ramp_to"].map { node throws(ScenarioError) in try reader.rate(node, at: "\(path).ramp_to") }
        for (value, node) in [(rate, rateNode), (rampTo ?? rate, members["ramp_to"] ?? rateNode)] where value.perSecond > Self.maxRate {
            throw reader.error(node, "\(path): \(value) is more than one generator can schedule (1000000/s); split the load over machines")
        }
        return Workload.Phase(duration: try reader.duration(durationNode, at: "\(path).duration"), rate: rate, rampTo: rampTo)
    }

    // MARK: thresholds and gate

    private func thresholds(_ node: Node) throws(ScenarioError) -> [Threshold] {
        guard let mapping = node.mapping else {
            throw reader.error(node, "thresholds must be a mapping such as turn.p99: \"< 250ms\"")
        }
        var result: [Threshold] = []
        for (key, value) in mapping {
            let figure = try self.figure(key, in: "thresholds")
            let text = try reader.string(value, at: "thresholds.\(key.string ?? "")")
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let comparison = Threshold.Comparison.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
                .first(where: { trimmed.hasPrefix($0.rawValue) })
            else {
                throw reader.error(value, "thresholds.\(figure): \"\(text)\" needs a comparison first: <, <=, > or >=, e.g. \"< \(example(for: figure))\"")
            }
            let bound = try self.value(String(trimmed.dropFirst(comparison.rawValue.count)), of: figure, node: value, in: "thresholds")
            result.append(Threshold(figure: figure, comparison: comparison, bound: bound, line: value.mark?.line ?? 0))
        }
        return result
    }

    private func gate(_ node: Node) throws(ScenarioError) -> [GateRule] {
        guard let mapping = node.mapping else {
            throw reader.error(node, "gate must be a mapping such as overhead.p99: +10%")
        }
        var result: [GateRule] = []
        for (key, value) in mapping {
            let figure = try self.figure(key, in: "gate")
            let text = try reader.string(value, at: "gate.\(figure)")
            guard let change = Percent(parsing: text) else {
                throw reader.error(value, "gate.\(figure): \"\(text)\" is not a relative change — write the regression allowed, e.g. +10% or +2%")
            }
            result.append(GateRule(figure: figure, tolerance: abs(change.fraction), line: value.mark?.line ?? 0))
        }
        return result
    }

    private func figure(_ key: Node, in section: String) throws(ScenarioError) -> Figure {
        let name = try reader.string(key, at: section)
        switch name {
        case "error_rate": return .errorRate
        case "allocs_per_turn": return .allocationsPerTurn
        case "bytes_per_turn": return .bytesPerTurn
        case "throughput": return .throughput
        case "goodput": return .goodput
        case "late_start_rate": return .lateStartRate
        default: break
        }
        if let dot = name.lastIndex(of: ".") {
            let operation = String(name[..<dot])
            let statisticName = String(name[name.index(after: dot)...])
            let knownOperation = Figure.operations.contains(operation) || (operation.hasPrefix("tool.") && operation.count > 5)
            if knownOperation, let statistic = Figure.Statistic(rawValue: statisticName) {
                return .latency(operation: operation, statistic: statistic)
            }
            if knownOperation {
                throw reader.error(key, "\(section).\(name): \"\(statisticName)\" is not a statistic — use one of \(Figure.Statistic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        throw reader.error(
            key,
            "\(section): \"\(name)\" is not a figure — use OPERATION.STATISTIC (operations: \(Figure.operations.joined(separator: ", ")), tool.NAME; e.g. turn.p99) or error_rate, allocs_per_turn, bytes_per_turn, throughput, goodput, late_start_rate")
    }

    /// A bound in the figure's base unit.
    private func value(_ text: String, of figure: Figure, node: Node, in section: String) throws(ScenarioError) -> Double {
        let text = text.trimmingCharacters(in: .whitespaces)
        let parsed: Double?
        switch figure {
        case .latency: parsed = Duration(parsing: text)?.seconds
        case .errorRate, .goodput, .lateStartRate: parsed = Percent(parsing: text).map(\.fraction)
        case .allocationsPerTurn: parsed = Double(text).flatMap { $0 >= 0 ? $0 : nil }
        case .bytesPerTurn: parsed = ByteSize(parsing: text)?.bytes ?? Double(text)
        case .throughput: parsed = Rate(parsing: text)?.perSecond
        }
        guard let parsed else {
            throw reader.error(node, "\(section).\(figure): \"\(text)\" is not a bound for this figure — write e.g. \"< \(example(for: figure))\"")
        }
        return parsed
    }

    private func example(for figure: Figure) -> String {
        switch figure {
        case .latency: "250ms"
        case .errorRate: "0.5%"
        case .goodput: "99%"
        case .lateStartRate: "1%"
        case .allocationsPerTurn: "4000"
        case .bytesPerTurn: "256KiB"
        case .throughput: "500/s"
        }
    }
}
