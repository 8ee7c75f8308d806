import HermesAgent
import HermesConfig
import Yams

extension CompressionSettings {
    /// The keys of a `compression:` section.
    public static let keys = [
        "context_length", "threshold", "protect_first", "protect_last", "target_ratio", "summary_model",
        "summary_timeout", "failure_cooldown",
    ]

    /// Reads a `compression:` section at `path`: the one reader of compression settings, for the
    /// runtime's configuration file and for scenario files alike.
    public init(_ node: Node, reader: YAMLReader, at path: String) throws(ConfigError) {
        let members = try reader.mapping(node, at: path, allowed: Self.keys)
        let key = { (name: String) in reader.join(path, name) }
        guard let length = members["context_length"] else {
            throw reader.error(
                node, "\(key("context_length")) is missing: give the model's context window in tokens, e.g. 128000")
        }
        self.init(contextLength: try reader.int(length, at: key("context_length"), atLeast: 256))
        if let threshold = members["threshold"] {
            thresholdPercent = try reader.double(threshold, at: key("threshold"), in: 0.05...0.95)
        }
        if let first = members["protect_first"] { protectFirst = try reader.int(first, at: key("protect_first"), atLeast: 0) }
        if let last = members["protect_last"] { protectLast = try reader.int(last, at: key("protect_last"), atLeast: 0) }
        if let ratio = members["target_ratio"] {
            summaryTargetRatio = try reader.double(ratio, at: key("target_ratio"), in: 0.1...0.8)
        }
        if let model = members["summary_model"] { summaryModel = try reader.optionalString(model, at: key("summary_model")) }
        if let timeout = members["summary_timeout"] {
            summaryTimeout = try reader.duration(timeout, at: key("summary_timeout"))
        }
        if let cooldown = members["failure_cooldown"] {
            failureCooldown = try reader.duration(cooldown, at: key("failure_cooldown"), positive: false)
        }
    }
}
