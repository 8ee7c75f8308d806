import Yams

/// A `SKILL.md` (or `DESCRIPTION.md`) as the Python project's `parse_frontmatter` reads it: a
/// leading `---` fence, YAML up to the first line holding only `---` (trailing whitespace
/// allowed), the body after it. The YAML is read as PyYAML's `safe_load` reads it (YAML 1.1:
/// `yes`/`on` are booleans), into values that keep the mapping's key order, because
/// `skill_view` returns `metadata` as it was written.
struct SkillDocument: Sendable {
    /// The front matter's members, in order; empty when there is none or it is not a mapping.
    var frontmatter: [PythonJSON.Member]
    /// The text after the closing fence (all of it when there is no front matter).
    var body: String

    /// The member `key`, if present.
    subscript(key: String) -> PythonJSON? { frontmatter.last { $0.key == key }?.value }

    /// Python's `parse_frontmatter(content)`: a malformed YAML block falls back to `key: value`
    /// lines, each value a string.
    init(parsing content: String) {
        frontmatter = []
        let content = Self.withoutBOM(content)
        body = content
        guard let (yaml, rest) = Self.split(content) else { return }
        body = rest
        do {
            if case .object(let members) = try Self.load(yaml) { frontmatter = members }
        } catch {
            var members: [PythonJSON.Member] = []
            for line in PythonText.strip(yaml).split(separator: "\n", omittingEmptySubsequences: false) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = PythonText.strip(String(line[..<colon]))
                let value = PythonText.strip(String(line[line.index(after: colon)...]))
                members.removeAll { $0.key == key }
                members.append(PythonJSON.Member(key: key, value: .string(value)))
            }
            frontmatter = members
        }
    }

    /// A leading U+FEFF removed (Windows editors write one).
    static func withoutBOM(_ content: String) -> String {
        content.unicodeScalars.first == "\u{FEFF}" ? String(content.unicodeScalars.dropFirst()) : content
    }

    /// The YAML between the fences and the body after them, as Python's
    /// `re.search(r"\n---\s*\n", content[3:])` finds the closing fence: the first `\n---`
    /// followed by whitespace that holds a newline, the match ending after the last newline of
    /// that run. Nil when `content` does not start with `---` or the fence is not closed.
    static func split(_ content: String) -> (yaml: String, body: String)? {
        let scalars = Array(content.unicodeScalars)
        guard scalars.count >= 3, scalars[0] == "-", scalars[1] == "-", scalars[2] == "-" else { return nil }
        var start = 3
        while start + 4 <= scalars.count {
            defer { start += 1 }
            guard scalars[start] == "\n", scalars[start + 1] == "-", scalars[start + 2] == "-", scalars[start + 3] == "-" else {
                continue
            }
            var end = start + 4
            var lastNewline: Int?
            while end < scalars.count, PythonText.isSpace(scalars[end]) {
                if scalars[end] == "\n" { lastNewline = end }
                end += 1
            }
            guard let lastNewline else { continue }
            let yaml = String(String.UnicodeScalarView(scalars[3..<start]))
            let body = String(String.UnicodeScalarView(scalars[(lastNewline + 1)...]))
            return (yaml, body)
        }
        return nil
    }

    /// `yaml.safe_load(text)` as a JSON value; throws on a syntax error.
    static func load(_ text: String) throws -> PythonJSON {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return value(of: node)
    }

    private static func value(of node: Node) -> PythonJSON {
        switch node {
        case .scalar(let scalar):
            // Yams reads a plain scalar as null, a boolean, an integer or a float by YAML 1.1's
            // rules, as PyYAML does; a quoted one stays text.
            if node.null != nil { return .null }
            if let flag = node.bool { return .bool(flag) }
            if let number = node.int { return .int(number) }
            if let number = node.float { return .double(number) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map(value(of:)))
        case .mapping(let mapping):
            var members: [PythonJSON.Member] = []
            for (key, item) in mapping {
                // Python's dict keeps a repeated key at its first place, with the last value.
                let name = value(of: key).pythonString
                let converted = value(of: item)
                if let index = members.firstIndex(where: { $0.key == name }) {
                    members[index].value = converted
                } else {
                    members.append(PythonJSON.Member(key: name, value: converted))
                }
            }
            return .object(members)
        case .alias(let alias):
            return .string(alias.anchor.rawValue)
        }
    }
}

extension PythonJSON {
    /// Python's `str(value)` of the value `json.loads` or `yaml.safe_load` made.
    var pythonString: String {
        switch self {
        case .string(let text): text
        default: pythonRepr
        }
    }

    /// Python's `repr(value)`.
    var pythonRepr: String {
        switch self {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .double(let number):
            if number.isNaN { return "nan" }
            if number.isInfinite { return number < 0 ? "-inf" : "inf" }
            return Self.pythonFloat(number)
        case .string(let text):
            let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
            var out = String(quote)
            for character in text {
                switch character {
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case quote: out += "\\" + String(quote)
                default: out.append(character)
                }
            }
            return out + String(quote)
        case .array(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { PythonJSON.string($0.key).pythonRepr + ": " + $0.value.pythonRepr }.joined(separator: ", ") + "}"
        }
    }

    /// Python's truth value: empty, zero, false and None are false.
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

    /// The text, when this is a string.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The member `key` of an object.
    subscript(key: String) -> PythonJSON? {
        if case .object(let members) = self { return members.last { $0.key == key }?.value }
        return nil
    }
}

extension PythonText {
    /// `text.strip(characters)`: without leading and trailing members of `characters`.
    static func strip(_ text: String, characters: Set<Unicode.Scalar>) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !characters.contains($0) })!
        return String(scalars[first...last])
    }
}

extension PythonJSON: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: PythonJSON...) { self = .array(elements) }
}
