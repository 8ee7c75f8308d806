import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesRuntime
import HermesSimulators
import Yams

/// Reads scenario files. Every mistake is refused before anything runs, with the file, the line
/// and a sentence saying what to write instead.
public enum ScenarioLoader {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        try scenario(YAMLReader.load(path: path), file: path)
    }

    /// Reads and checks scenario `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        try scenario(YAMLReader.compose(text, file: file), file: file)
    }

    private static func scenario(_ root: Node?, file: String) throws(ScenarioError) -> Scenario {
        guard let root else {
            throw ScenarioError(file: file, line: 0, "the file is empty — a scenario needs at least name, about, target and workload")
        }
        return try ScenarioParser(reader: YAMLReader(file: file)).scenario(root)
    }
}

/// Turns the YAML tree into a `Scenario`, one section at a time.
struct ScenarioParser {
    let reader: YAMLReader

    /// More arrivals than this per second cannot be scheduled one by one by a generator.
    static let maxRate = 1_000_000.0

    func scenario(_ root: Node) throws(ScenarioError) -> Scenario {
        let top = try reader.mapping(
            root, at: "",
            allowed: [
                "name", "about", "target", "seed", "llm", "platform", "gateway", "compression", "workload", "thresholds", "gate",
            ])
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
        var llm = LLMSimulatorConfig()
        llm.seed = seed
        if let node = top["llm"] {
            llm = try LLMSimulatorConfig(node, reader: reader, at: "llm")
            // The simulator follows the scenario's seed unless its own section names one.
            if node["seed"] == nil { llm.seed = seed }
        }
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
        var compression: CompressionSettings?
        if let node = top["compression"] { compression = try CompressionSettings(node, reader: reader, at: "compression") }
        if let node = top["compression"], target != .agent, target != .gateway {
            throw reader.error(node, "compression: configures the runtime's agents and needs target: agent or gateway; remove it")
        }
        let workload = try self.workload(try required("workload", "{model: open, phases: [{duration: 10s, rate: 100/s}]}"))
        if target == .process, case .open = workload.model {
            throw reader.error(
                top["workload"],
                "target: process starts the gateway for each request and needs the closed model, e.g. {model: closed, users: 1, requests: 10, duration: 5m}"
            )
        }
        if workload.channel == .telegram, target != .gateway {
            throw reader.error(top["workload"], "workload.via: telegram needs target: gateway (only the in-process gateway has a platform simulator)")
        }
        if workload.prefill != nil, target != .agent, target != .gateway {
            throw reader.error(top["workload"], "workload.prefill gives agents a history and needs target: agent or gateway")
        }
        return Scenario(
            file: reader.file, name: name, about: about, target: target, seed: seed, llm: llm,
            platformDelay: platformDelay, platformEditInterval: editInterval, gatewayLimits: limits,
            compression: compression, workload: workload,
            thresholds: try top["thresholds"].map(thresholds) ?? [], gate: try top["gate"].map(gate) ?? [])
    }

    func target(_ node: Node) throws(ScenarioError) -> Scenario.Target {
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
        case "process": return .process
        default:
            if text.hasPrefix("url:") { return try url(text.dropFirst(4).trimmingCharacters(in: .whitespaces), node: node) }
            if text.hasPrefix("http://") || text.hasPrefix("https://") { return try url(text, node: node) }
            throw reader.error(node, "target \"\(text)\" is not one of agent, gateway, store, process, or {url: http://HOST:PORT}")
        }
    }

    func url(_ text: String, node: Node) throws(ScenarioError) -> Scenario.Target {
        guard let url = URL(string: text), url.scheme == "http", url.host != nil else {
            throw reader.error(
                node, "target url \"\(text)\" must be http:// with a host, e.g. http://127.0.0.1:8642 (the load generator speaks plain HTTP/1.1)")
        }
        return .url(text.hasSuffix("/") ? String(text.dropLast()) : text)
    }
}
