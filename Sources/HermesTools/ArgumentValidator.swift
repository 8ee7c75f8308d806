import Foundation
import HermesCore

/// Checks call arguments against the subset of JSON Schema that tool schemas use: `type`,
/// `required`, `properties`, `enum`, `items`, `minimum`, `maximum`, `maxItems`; and refuses
/// arguments the schema does not declare.
///
/// Written by hand because no listed package validates JSON Schema, and a tool call needs only
/// this subset, with messages the model can act on.
///
/// Python validates nothing (its handlers read `args.get(...)` and ignore the rest); it only
/// coerces (`model_tools.coerce_tool_args`), which `validated(_:against:tool:)` does too. Two
/// deliberate differences: an undeclared argument is an error, so a misspelt `offest` is not
/// silently dropped; and a value that breaks the schema is refused with what to send instead,
/// except for the bounds Python's handlers clamp (`clampedBounds`), which the tool clamps.
public enum ArgumentValidator {
    /// The parameters, by tool, whose `minimum`/`maximum`/`maxItems` Python's handlers clamp
    /// rather than refuse (`normalize_read_pagination`, `web_search_tool`'s `min(max(limit, 1),
    /// 100)`, `web_extract_tool`'s char budget and `urls[:5]`). A value past them is not an error
    /// here either: the tool brings it into range, as Python's does.
    public static let clampedBounds: [String: Set<String>] = [
        "read_file": ["offset", "limit"],
        "web_search": ["limit"],
        "web_extract": ["char_limit", "urls"],
    ]

    /// The required arguments, by tool, that Python's handlers default when the call leaves them
    /// out (`memory_tool`'s `target="memory"`, `_handle_patch`'s `args.get("mode", "replace")`):
    /// a call without one runs as Python's would rather than being refused as incomplete.
    public static let pythonDefaults: [String: [String: JSONValue]] = [
        "memory": ["target": "memory"],
        "patch": ["mode": "replace"],
    ]

    /// Throws `ToolError.invalidArguments` naming the first problem found in `value` as written
    /// (no coercion: a `"2"` for an integer is refused).
    public static func validate(_ value: JSONValue, against schema: JSONValue, tool: String) throws(ToolError) {
        if let problem = problem(value, schema, tool: tool) {
            throw ToolError(.invalidArguments, "\(tool): \(problem). Call \(tool) again with corrected arguments.")
        }
    }

    /// The arguments the tool should run with: `value` with Python's defaults for what it
    /// leaves out (`pythonDefaults`), coerced as Python coerces it (`coerced(_:to:)`), then
    /// checked as `validate` checks it.
    public static func validated(
        _ value: JSONValue, against schema: JSONValue, tool: String
    ) throws(ToolError)
        -> JSONValue
    {
        var value = value
        if case .object(var members) = value, let defaults = pythonDefaults[tool] {
            for (name, fallback) in defaults where members[name] == nil || members[name] == .null { members[name] = fallback }
            value = .object(members)
        }
        let coerced = coerced(value, to: schema)
        try validate(coerced, against: schema, tool: tool)
        return coerced
    }

    private static func problem(_ value: JSONValue, _ schema: JSONValue, tool: String) -> String? {
        if case .object(let members) = value, let properties = schema["properties"]?.objectValue,
            schema["additionalProperties"] != true, members.keys.contains(where: { properties[$0] == nil })
        {
            let unknown = members.keys.filter { properties[$0] == nil }.sorted()
            if !unknown.isEmpty {
                let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
                let declared = properties.keys.sorted().joined(separator: ", ")
                return "unknown argument\(unknown.count == 1 ? "" : "s") \(names); "
                    + (declared.isEmpty ? "\(tool) takes no arguments" : "\(tool) takes: \(declared)")
            }
        }
        return check(value, schema, path: "", lenient: clampedBounds[tool] ?? [])
    }

    /// `lenient` names the top-level members whose bounds are not checked.
    private static func check(_ value: JSONValue, _ schema: JSONValue, path: String, lenient: Set<String> = []) -> String? {
        let here = path.isEmpty ? "the arguments" : "'\(path)'"
        let bounded = !lenient.contains(path)
        if let type = schema["type"]?.stringValue, !matches(value, type: type) {
            return "\(here) must be of type \(type), got \(value.typeName)"
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map { $0.stringValue.map { "'\($0)'" } ?? $0.jsonText }.joined(separator: ", ")
            return "\(here) must be one of \(list)"
        }
        if let number = value.doubleValue, bounded {
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
                let memberPath = path.isEmpty ? name : path + "." + name
                if let problem = check(member, propertySchema, path: memberPath, lenient: path.isEmpty ? lenient : []) {
                    return problem
                }
            }
        case .array(let elements):
            if let maxItems = schema["maxItems"]?.intValue, elements.count > maxItems, bounded {
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

// MARK: - Coercion, as Python's `model_tools.coerce_tool_args`

extension ArgumentValidator {
    /// `arguments` with each top-level member brought to its declared type where the model wrote
    /// it as text, as Python's `coerce_tool_args` does before dispatch: `"2"` → 2 (`"2.5"` stays
    /// text for an integer), `"true"`/`"false"` → Booleans, `"null"` → null where the schema allows
    /// null, JSON text → the array or object the schema expects (also inside arrays and objects),
    /// and a bare value for an array parameter → a one-element array. What cannot be coerced is
    /// left as written, for the check to report.
    ///
    /// Python skips this for the tools its agent loop runs itself (`todo`, `memory`); `todo`
    /// parses a list sent as JSON text on its own there, so coercing it here gives the same list.
    public static func coerced(_ arguments: JSONValue, to schema: JSONValue) -> JSONValue {
        guard case .object(var members) = arguments, !members.isEmpty,
            let properties = schema["properties"]?.objectValue, !properties.isEmpty
        else { return arguments }
        for (key, value) in members {
            guard let property = properties[key], property.objectValue != nil else { continue }
            let expected = property["type"]
            if expected == "array", value != .null, value.arrayValue == nil {
                if case .string(let text) = value, let parsed = coerce(text, to: expected, schema: property) {
                    members[key] = parsed
                } else {
                    members[key] = [value]
                }
                continue
            }
            guard case .string(let text) = value else {
                if (expected == "array" && value.arrayValue != nil) || (expected == "object" && value.objectValue != nil),
                    let normalized = normalizingJSONText(value, schema: property)
                {
                    members[key] = normalized
                }
                continue
            }
            if expected == nil, !allowsNull(property) { continue }
            if let parsed = coerce(text, to: expected, schema: property) {
                members[key] = normalizingJSONText(parsed, schema: property) ?? parsed
            }
        }
        return .object(members)
    }

    /// `_coerce_value`: the value `text` stands for under `type`, or nil to leave it as written.
    private static func coerce(_ text: String, to type: JSONValue?, schema: JSONValue) -> JSONValue? {
        let lowered = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if allowsNull(schema), lowered == "null" { return .null }
        switch type {
        case .array(let types)?:
            for type in types {
                if let value = coerce(text, to: type, schema: schema) { return value }
            }
            return nil
        case "integer"?: return number(text, integerOnly: true)
        case "number"?: return number(text, integerOnly: false)
        case "boolean"?: return lowered == "true" ? true : lowered == "false" ? false : nil
        case "array"?:
            guard let parsed = try? JSONValue(parsing: text), parsed.arrayValue != nil else { return nil }
            return parsed
        case "object"?:
            guard let parsed = try? JSONValue(parsing: text), parsed.objectValue != nil else { return nil }
            return parsed
        case "null"?: return lowered == "null" ? .null : nil
        default: return nil
        }
    }

    /// `_coerce_number`: Python's `float(text)` (surrounding whitespace and `_` between digits
    /// allowed, no hex, no inf/nan), made an integer when it has no fractional part.
    private static func number(_ text: String, integerOnly: Bool) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let scalars = Array(trimmed.unicodeScalars)
        var digits = ""
        for (index, scalar) in scalars.enumerated() {
            if scalar == "_" {
                let between = index > 0 && index < scalars.count - 1
                guard between, scalars[index - 1].properties.numericType != nil,
                    scalars[index + 1].properties.numericType != nil
                else { return nil }
                continue
            }
            // Only what Python's float() reads; Swift's Double() would also take "0x1p3" and "nan".
            guard "0123456789+-.eE".unicodeScalars.contains(scalar) else { return nil }
            digits.unicodeScalars.append(scalar)
        }
        guard let value = Double(digits), value.isFinite else { return nil }
        if value.rounded() == value {
            if abs(value) < 9.2e18 { return .int(Int(value)) }
            return integerOnly ? nil : .double(value)
        }
        return integerOnly ? nil : .double(value)
    }

    /// `_normalize_json_strings_for_schema`: JSON text where the schema expects an array or
    /// object, parsed, recursively through `items` and `properties`; nil when nothing changed
    /// (so an unchanged call is not copied).
    private static func normalizingJSONText(_ value: JSONValue, schema: JSONValue) -> JSONValue? {
        guard schema.objectValue != nil else { return nil }
        var parsedText: JSONValue?
        if case .string(let text) = value {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let wantsArray = accepts(schema, "array")
            let wantsObject = accepts(schema, "object")
            guard (wantsArray && trimmed.hasPrefix("[")) || (wantsObject && trimmed.hasPrefix("{")),
                let parsed = try? JSONValue(parsing: trimmed),
                (parsed.arrayValue != nil && wantsArray) || (parsed.objectValue != nil && wantsObject)
            else { return nil }
            parsedText = parsed
        }
        switch parsedText ?? value {
        case .array(var elements):
            guard let items = schema["items"], items.objectValue != nil else { return parsedText }
            var changed = false
            for index in elements.indices {
                if let element = normalizingJSONText(elements[index], schema: items) {
                    elements[index] = element
                    changed = true
                }
            }
            return changed ? .array(elements) : parsedText
        case .object(var members):
            guard let properties = schema["properties"]?.objectValue else { return parsedText }
            var changed = false
            for (key, property) in properties where property.objectValue != nil {
                if let member = members[key], let normalized = normalizingJSONText(member, schema: property) {
                    members[key] = normalized
                    changed = true
                }
            }
            return changed ? .object(members) : parsedText
        default:
            return parsedText
        }
    }

    /// `_schema_accepts_kind`: whether `schema` allows a value of JSON type `kind`.
    private static func accepts(_ schema: JSONValue, _ kind: String) -> Bool {
        let type = schema["type"]
        if type?.stringValue == kind || type?.arrayValue?.contains(.string(kind)) == true { return true }
        return ["anyOf", "oneOf", "allOf"].contains { key in
            schema[key]?.arrayValue?.contains { accepts($0, kind) } == true
        }
    }

    /// `_schema_allows_null`: whether `schema` explicitly allows null.
    private static func allowsNull(_ schema: JSONValue) -> Bool {
        let type = schema["type"]
        if type == "null" || type?.arrayValue?.contains("null") == true || schema["nullable"] == true { return true }
        return ["anyOf", "oneOf"].contains { key in
            schema[key]?.arrayValue?.contains { $0["type"] == "null" } == true
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
