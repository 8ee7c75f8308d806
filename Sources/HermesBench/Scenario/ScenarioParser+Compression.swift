import HermesAgent
import HermesCore
import Yams

/// The `compression:` section: the agents' context compression, as the gateway's own settings.
extension ScenarioParser {
    func compression(_ node: Node) throws(ScenarioError) -> CompressionSettings {
        let members = try reader.mapping(
            node, at: "compression",
            allowed: [
                "context_length", "threshold", "protect_first", "protect_last", "target_ratio", "summary_timeout",
                "failure_cooldown",
            ])
        guard let length = members["context_length"] else {
            throw reader.error(node, "compression needs context_length, the model's window in tokens, e.g. {context_length: 8000}")
        }
        var settings = CompressionSettings(contextLength: try reader.int(length, at: "compression.context_length", atLeast: 256))
        if let threshold = members["threshold"] {
            settings.thresholdPercent = try reader.double(threshold, at: "compression.threshold", in: 0.05...0.95)
        }
        if let first = members["protect_first"] {
            settings.protectFirst = try reader.int(first, at: "compression.protect_first", atLeast: 0)
        }
        if let last = members["protect_last"] {
            settings.protectLast = try reader.int(last, at: "compression.protect_last", atLeast: 0)
        }
        if let ratio = members["target_ratio"] {
            settings.summaryTargetRatio = try reader.double(ratio, at: "compression.target_ratio", in: 0.1...0.8)
        }
        if let timeout = members["summary_timeout"] {
            settings.summaryTimeout = try reader.duration(timeout, at: "compression.summary_timeout")
        }
        if let cooldown = members["failure_cooldown"] {
            settings.failureCooldown = try reader.duration(cooldown, at: "compression.failure_cooldown", positive: false)
        }
        return settings
    }
}
