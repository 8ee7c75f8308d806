import Foundation
import HermesCore
import Yams

/// Typed, line-aware access to a composed YAML document, so that every mistake in a
/// configuration file is reported at its own line with what to write instead (decoding through
/// `Decodable` would lose the line of nested values). Settings, scenario files and the LLM
/// simulator's behaviour are all read through it.
public struct YAMLReader: Sendable {
    /// The file the document came from, as errors name it.
    public let file: String

    /// A reader of a document from `file`.
    public init(file: String) { self.file = file }

    /// The document of `text`; nil when it holds nothing. A syntax error names its line and column.
    public static func compose(_ text: String, file: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw ConfigError(
                    file: file, line: mark.line,
                    "not valid YAML: \(problem) (column \(mark.column)) — check the indentation and quotes")
            default:
                throw ConfigError(file: file, line: 0, "not valid YAML: \(error)")
            }
        } catch {
            throw ConfigError(file: file, line: 0, "not valid YAML: \(error)")
        }
    }

    /// The document in the file at `path`; nil when the file holds nothing.
    public static func load(path: String) throws(ConfigError) -> Node? {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: 0, "cannot read the file (\(error.localizedDescription))")
        }
        return try compose(text, file: path)
    }

    /// The file and line of `node` (the file as a whole when there is none).
    public func source(_ node: Node?) -> ConfigError.Source {
        .file(file, line: node?.mark?.line ?? 0)
    }

    /// An error at the line of `node`.
    public func error(_ node: Node?, _ message: String) -> ConfigError {
        ConfigError(source(node), message)
    }

    /// The members of a mapping, refusing keys outside `allowed` (at the key's own line).
    public func mapping(_ node: Node, at path: String, allowed: [String]) throws(ConfigError) -> [String: Node] {
        guard let mapping = node.mapping else {
            throw error(node, "\(path) must be a mapping (key: value lines); found \(describe(node))")
        }
        var members: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "\(path) has a key that is not text") }
            guard allowed.contains(name) else {
                let hint = Self.closest(to: name, in: allowed).map { "did you mean \"\($0)\"? " } ?? ""
                throw error(
                    key, "unknown key \"\(join(path, name))\" — \(hint)allowed here: \(allowed.joined(separator: ", "))")
            }
            members[name] = value
        }
        return members
    }

    /// The items of a list.
    public func sequence(_ node: Node, at path: String) throws(ConfigError) -> [Node] {
        guard let sequence = node.sequence else {
            throw error(node, "\(path) must be a list (lines starting with \"- \"); found \(describe(node))")
        }
        return Array(sequence)
    }

    /// A scalar as text.
    public func string(_ node: Node, at path: String) throws(ConfigError) -> String {
        guard let scalar = node.scalar else { throw error(node, "\(path) must be text; found \(describe(node))") }
        return scalar.string
    }

    /// A whole number of at least `minimum`.
    public func int(_ node: Node, at path: String, atLeast minimum: Int) throws(ConfigError) -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error(node, "\(path) must be a whole number, e.g. \(max(minimum, 1) * 10); found \(describe(node))")
        }
        guard value >= minimum else { throw error(node, "\(path) is \(value); it must be at least \(minimum)") }
        return value
    }

    /// A number within `range`.
    public func double(_ node: Node, at path: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            throw error(node, "\(path) must be a number; found \(describe(node))")
        }
        guard range.contains(value) else {
            throw error(node, "\(path) is \(scalar.string); it must be between \(format(range.lowerBound)) and \(format(range.upperBound))")
        }
        return value
    }

    /// `true` or `false`.
    public func bool(_ node: Node, at path: String) throws(ConfigError) -> Bool {
        guard let scalar = node.scalar, let value = Bool(scalar.string.lowercased()) else {
            throw error(node, "\(path) must be true or false; found \(describe(node))")
        }
        return value
    }

    /// A duration with its unit (`40ms`, `2s`); longer than zero when `positive`.
    public func duration(_ node: Node, at path: String, positive: Bool = true) throws(ConfigError) -> Duration {
        guard let scalar = node.scalar else { throw error(node, "\(path) must be a duration such as 40ms; found \(describe(node))") }
        guard let value = Duration(parsing: scalar.string) else {
            throw error(
                node,
                "\(path): \"\(scalar.string)\" is not a duration — write a number with a unit: 500us, 40ms, 2s, 1m")
        }
        if positive, value <= .zero { throw error(node, "\(path) must be longer than zero") }
        return value
    }

    /// An arrival rate (`200/s`), above zero.
    public func rate(_ node: Node, at path: String) throws(ConfigError) -> Rate {
        guard let scalar = node.scalar, let value = Rate(parsing: scalar.string) else {
            throw error(node, "\(path): \(quoted(node)) is not a rate — write events per unit of time: 200/s, 12000/m")
        }
        guard value.perSecond > 0 else { throw error(node, "\(path) must be above 0/s") }
        return value
    }

    /// A `{min, max}` mapping of whole numbers with `min <= max`.
    public func intRange(_ node: Node, at path: String, atLeast minimum: Int) throws(ConfigError) -> ClosedRange<Int> {
        let members = try mapping(node, at: path, allowed: ["min", "max"])
        guard let low = members["min"], let high = members["max"] else {
            throw error(node, "\(path) needs both min and max, e.g. {min: 5, max: 80}")
        }
        let lower = try int(low, at: join(path, "min"), atLeast: minimum)
        let upper = try int(high, at: join(path, "max"), atLeast: minimum)
        guard lower <= upper else { throw error(low, "\(path): min (\(lower)) is above max (\(upper)); swap them") }
        return lower...upper
    }

    /// The dotted path of `key` under `path`, as errors name it.
    public func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// What `node` is, for an error message: "a mapping", "a list", or the scalar quoted.
    public func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "\"\(scalar.string)\""
        case .alias: "an alias"
        }
    }

    private func quoted(_ node: Node) -> String { node.scalar.map { "\"\($0.string)\"" } ?? describe(node) }

    private func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The allowed key nearest to a misspelt one (edit distance at most 2).
    public static func closest(to name: String, in allowed: some Sequence<String>) -> String? {
        allowed.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
