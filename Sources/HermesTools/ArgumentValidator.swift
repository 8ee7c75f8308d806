import HermesCore

/// Checks call arguments against the subset of JSON Schema that tool schemas use: `type`,
/// `required`, `properties`, `enum`, `items`, `minimum`, `maximum`, `maxItems`.
///
/// Written by hand because no listed package validates JSON Schema, and a tool call needs only
/// this subset, with messages the model can act on.
public enum ArgumentValidator {
    /// Throws `ToolError.invalidArguments` naming the first problem found.
    public static func validate(_ value: JSONValue, against schema: JSONValue, tool: String) throws(ToolError) {
        if let problem = check(value, schema, path: "") {
            throw ToolError(.invalidArguments, "\(tool): \(problem). Call \(tool) again with corrected arguments.")
        }
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, path: String) -> String? {
        let here = path.isEmpty ? "the arguments" : "'\(path)'"
        if let type = schema["type"]?.stringValue, !matches(value, type: type) {
            return "\(here) must be of type \(type), got \(value.typeName)"
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map { $0.stringValue.map { "'\($0)'" } ?? $0.jsonText }.joined(separator: ", ")
            return "\(here) must be one of \(list)"
        }
        if let number = value.doubleValue {
            if let minimum = schema["minimum"]?.doubleValue, number < minimum {
                return "\(here) must be at least \(schema["minimum"]!.jsonText), got \(value.jsonText)"
            }
            if let maximum = schema["maximum"]?.doubleValue, number > maximum {
                return "\(here) must be at most \(schema["maximum"]!.jsonText), got \(value.jsonText)"
            }
        }
        switch value {
        case .object(let members):
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                return "missing required field '\(path.isEmpty ? name : path + "." + name)'"
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                guard let propertySchema = properties[name] else { continue }
                if case .null = member, propertySchema["type"]?.stringValue != "null" { continue }
                if let problem = check(member, propertySchema, path: path.isEmpty ? name : path + "." + name) {
                    return problem
                }
            }
        case .array(let elements):
            if let maxItems = schema["maxItems"]?.intValue, elements.count > maxItems {
                return "\(here) has \(elements.count) items; at most \(maxItems) are allowed"
            }
            if let itemSchema = schema["items"] {
                for (index, element) in elements.enumerated() {
                    if let problem = check(element, itemSchema, path: "\(path)[\(index)]") { return problem }
                }
            }
        default:
            break
        }
        return nil
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null):
            return true
        case ("integer", _): return value.intValue != nil
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }
}

extension JSONValue {
    /// The numeric payload as a double, or `nil` when this is not a number.
    var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}
