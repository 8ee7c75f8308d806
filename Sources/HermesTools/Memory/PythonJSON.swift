import HermesCore

/// A JSON value written as Python's `json.dumps(value, ensure_ascii=False)` writes it: object keys
/// in insertion order, `", "` and `": "` between items, non-ASCII characters as they are. The
/// memory tool's results are compared as strings with Python's, key order included, which
/// `JSONValue` (keys sorted, compact) cannot give.
enum PythonJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// Written as Python's `float.__repr__` (`1.0`, `1e-05`), `Infinity` and `NaN` as its JSON does.
    case double(Double)
    case string(String)
    case array([PythonJSON])
    /// Members in the order they are written.
    case object([Member])

    /// One member of an object.
    struct Member: Sendable, Equatable {
        var key: String
        var value: PythonJSON
    }

    /// An object of `members`, in their order.
    static func object(_ members: KeyValuePairs<String, PythonJSON>) -> PythonJSON {
        .object(members.map { Member(key: $0.key, value: $0.value) })
    }

    /// A list of strings.
    static func strings(_ values: [String]) -> PythonJSON { .array(values.map(PythonJSON.string)) }

    /// Python's `tool_error(message, success=False)`: `{"error": ..., "success": false}`.
    static func toolError(_ message: String) -> PythonJSON {
        .object(["error": .string(message), "success": .bool(false)])
    }

    /// The JSON text.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += Self.pythonFloat(value)
        case .string(let value): Self.quote(value, into: &out)
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += ", " }
                element.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += ", " }
                Self.quote(member.key, into: &out)
                out += ": "
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Python's `float.__repr__`, as `json.dumps` writes a float (Swift's shortest round-trip
    /// digits are Python's; only the spelling of the non-finite values and of exponents differs).
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let text = "\(value)"
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        var exponent = text[text.index(after: e)...]
        var sign = "+"
        if exponent.first == "-" || exponent.first == "+" {
            sign = exponent.first == "-" ? "-" : "+"
            exponent = exponent.dropFirst()
        }
        return mantissa + "e" + sign + (exponent.count < 2 ? "0" : "") + exponent
    }

    /// Python's `encode_basestring`: the two-character escapes it knows, `\u00XX` (lower-case hex)
    /// for the other control characters, everything else as it is.
    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension PythonJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .int(value) }
}

extension JSONValue {
    /// Python's truth value of the decoded value: empty, zero, false and None are false.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .double(let number): number != 0
        case .string(let text): !text.isEmpty
        case .array(let items): !items.isEmpty
        case .object(let members): !members.isEmpty
        }
    }
}
