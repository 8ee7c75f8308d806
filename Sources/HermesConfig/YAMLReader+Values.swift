import HermesCore
import Yams

extension YAMLReader {
    /// Whether `node` is YAML's null (`null`, `~` or nothing), which settings read as "not set".
    public func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return node.null != nil
    }

    /// Text, or nil for a null value.
    public func optionalString(_ node: Node, at path: String) throws(ConfigError) -> String? {
        isNull(node) ? nil : try string(node, at: path)
    }

    /// A list of text items (a single item may be written without the list).
    public func strings(_ node: Node, at path: String) throws(ConfigError) -> [String] {
        if node.scalar != nil, !isNull(node) { return [try string(node, at: path)] }
        if isNull(node) { return [] }
        return try sequence(node, at: path).enumerated().map { index, item throws(ConfigError) in
            try string(item, at: "\(path)[\(index)]")
        }
    }

    /// A share written as `1%` or as a fraction such as `0.01`, within 0…1.
    public func fraction(_ node: Node, at path: String) throws(ConfigError) -> Double {
        if let text = node.scalar?.string, text.hasSuffix("%") {
            guard let percent = Percent(parsing: text), (0...1).contains(percent.fraction) else {
                throw error(node, "\(path): \"\(text)\" must be a percentage between 0% and 100%")
            }
            return percent.fraction
        }
        return try double(node, at: path, in: 0...1)
    }

    /// A YAML value as JSON (plain scalars by their resolved YAML type).
    public func json(_ node: Node) -> JSONValue {
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
