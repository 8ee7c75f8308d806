import Foundation
import HermesConfig
import HermesCore
import HermesSimulators
import Yams

/// The `workload:` section: arrivals, sessions and messages.
extension ScenarioParser {
    func workload(_ node: Node) throws(ScenarioError) -> Workload {
        let members = try reader.mapping(
            node, at: "workload",
            allowed: [
                "model", "phases", "arrivals", "users", "duration", "think_time", "requests", "sessions", "turns_per_session",
                "message_tokens", "stream", "via", "prefill",
            ])
        guard let modelNode = members["model"] else {
            throw reader.error(node, "workload.model is missing — write open (an arrival rate) or closed (virtual users)")
        }
        let model: Workload.Model
        switch try reader.string(modelNode, at: "workload.model") {
        case "open":
            for key in ["users", "think_time", "duration", "requests"] where members[key] != nil {
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
                throw reader.error(
                    members[key], "workload.\(key) belongs to the open model; a closed workload is set by users, duration and think_time")
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
        let sessions =
            try members["sessions"].map { node throws(ScenarioError) in
                try reader.int(node, at: "workload.sessions", atLeast: 1)
            } ?? 100
        var prefill: Workload.Prefill?
        if let node = members["prefill"] {
            let fields = try reader.mapping(node, at: "workload.prefill", allowed: ["sessions", "tokens"])
            guard let count = fields["sessions"], let tokens = fields["tokens"] else {
                throw reader.error(node, "workload.prefill needs sessions and tokens, e.g. {sessions: 20, tokens: 6000}")
            }
            prefill = Workload.Prefill(
                sessions: try reader.int(count, at: "workload.prefill.sessions", atLeast: 1),
                tokens: try reader.int(tokens, at: "workload.prefill.tokens", atLeast: 1))
            if let prefill, prefill.sessions > sessions {
                throw reader.error(
                    count, "workload.prefill.sessions (\(prefill.sessions)) is more than workload.sessions (\(sessions)); prefill at most \(sessions)"
                )
            }
        }
        return Workload(
            model: model,
            sessions: sessions,
            turnsPerSession: try members["turns_per_session"].map { node throws(ScenarioError) in
                try reader.int(node, at: "workload.turns_per_session", atLeast: 1)
            },
            messageTokens: try members["message_tokens"].map { node throws(ScenarioError) in
                try reader.intRange(node, at: "workload.message_tokens", atLeast: 1)
            } ?? 5...80,
            stream: try members["stream"].map { node throws(ScenarioError) in try reader.bool(node, at: "workload.stream") } ?? false,
            channel: channel, prefill: prefill,
            requestLimit: try members["requests"].map { node throws(ScenarioError) in
                try reader.int(node, at: "workload.requests", atLeast: 1)
            })
    }

    func phase(_ node: Node, at path: String) throws(ScenarioError) -> Workload.Phase {
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
}
