import Foundation
import HermesConfig
import Yams

/// A `config.yaml` being read: typed, line-aware access to its sections (through `YAMLReader`),
/// `${NAME}` in text values replaced from the environment as Python's `_expand_env_vars` does
/// (an unset name stays as written), and a record of every key read, so that `hermes config
/// check` can list the keys of the file that nothing read.
///
/// A class, used by one `resolve` on one thread: the record is filled as the sections are read.
final class ConfigFileReading {
    let reader: YAMLReader
    let environment: [String: String]
    /// Dotted paths read as a whole value (not looked into).
    private(set) var values: Set<String> = []
    /// Dotted paths read as sections: the keys under them that were not read are unread.
    private(set) var sections: Set<String> = []

    init(file: String, environment: [String: String]) {
        reader = YAMLReader(file: file)
        self.environment = environment
    }

    /// The mapping at `path`; nil when absent or null (Python ignores a null section). Any other
    /// kind of value is refused at its line.
    func section(_ node: Node?, at path: String) throws(ConfigError) -> ConfigSection? {
        guard let node, !reader.isNull(node) else { return nil }
        guard let mapping = node.mapping else {
            throw reader.error(node, "\(path) must be a mapping of settings, not \(reader.describe(node))")
        }
        sections.insert(path)
        var members: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw reader.error(key, "\(path) has a key that is not text") }
            members[name] = value
        }
        return ConfigSection(path: path, node: node, members: members, file: self)
    }

    func markRead(_ path: String) { values.insert(path) }

    /// `text` with `${NAME}` replaced by the variable's value; an unset one is left as written.
    func expanded(_ text: String) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            result += rest[..<start.lowerBound]
            let name = String(rest[start.upperBound..<end])
            result += environment[name] ?? "${\(name)}"
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// The keys of the document under `root` that nothing read, in file order, each with its
    /// line and whether the Python project knows it (`PythonConfigKeys`).
    func unread(_ root: Node) -> [ConfigKeyNote] {
        var notes: [ConfigKeyNote] = []
        func walk(_ node: Node, at path: String) {
            guard let mapping = node.mapping else { return }
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let child = path.isEmpty ? name : "\(path).\(name)"
                if values.contains(child) { continue }
                if sections.contains(child) {
                    walk(value, at: child)
                    continue
                }
                notes.append(ConfigKeyNote(key: child, line: key.mark?.line ?? 0, knownToPython: Self.pythonKnows(child)))
            }
        }
        walk(root, at: "")
        return notes
    }

    /// Whether Python's `config.yaml` has `path`: named by its defaults, or under a section whose
    /// members are free-form, or a member of the `model` mapping (a text default in Python).
    static func pythonKnows(_ path: String) -> Bool {
        if PythonConfigKeys.paths.contains(path) || modelKeys.contains(path) { return true }
        var prefix = Substring(path)
        while let dot = prefix.lastIndex(of: ".") {
            prefix = prefix[..<dot]
            if PythonConfigKeys.openSections.contains(String(prefix)) { return true }
            if PythonConfigKeys.paths.contains(String(prefix)), !PythonConfigKeys.openSections.contains(String(prefix)) {
                return false
            }
        }
        return false
    }

    /// Keys Python reads that its defaults do not name: the members of `model:` (a text default)
    /// and `agent.system_prompt` (read by its gateway).
    static let modelKeys: Set<String> = [
        "agent.system_prompt",
        "model.default", "model.model", "model.name", "model.provider", "model.base_url", "model.api_base", "model.api_key",
        "model.api", "model.api_mode", "model.context_length", "model.max_tokens", "model.key_env", "model.api_key_env",
    ]
}

/// A key of `config.yaml` that this implementation does not read.
public struct ConfigKeyNote: Sendable, Hashable {
    /// The dotted path, e.g. `display.skin`.
    public var key: String
    /// Its line in the file.
    public var line: Int
    /// Whether the Python project reads it: if not, it is probably misspelt.
    public var knownToPython: Bool
}

/// One mapping of a `config.yaml`: members read by key, each read recorded.
struct ConfigSection {
    let path: String
    let node: Node
    let members: [String: Node]
    let file: ConfigFileReading

    var reader: YAMLReader { file.reader }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The member `name`, recorded as read; nil when absent or null.
    func take(_ name: String) -> Node? {
        guard let node = members[name] else { return nil }
        file.markRead(key(name))
        return reader.isNull(node) ? nil : node
    }

    /// The first of `names` present (an option and its aliases), every one recorded as read.
    func take(anyOf names: [String]) -> (name: String, node: Node)? {
        var found: (String, Node)?
        for name in names {
            if let node = take(name), found == nil { found = (name, node) }
        }
        return found
    }

    func section(_ name: String) throws(ConfigError) -> ConfigSection? {
        try file.section(members[name], at: key(name))
    }

    func string(_ name: String) throws(ConfigError) -> String? {
        try take(name).map { node throws(ConfigError) in try string(node, at: key(name)) }
    }

    func string(_ node: Node, at path: String) throws(ConfigError) -> String {
        file.expanded(try reader.string(node, at: path))
    }

    func int(_ name: String, atLeast minimum: Int) throws(ConfigError) -> Int? {
        try take(name).map { node throws(ConfigError) in try reader.int(node, at: key(name), atLeast: minimum) }
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        try take(name).map { node throws(ConfigError) in try reader.double(node, at: key(name), in: range) }
    }

    func bool(_ name: String) throws(ConfigError) -> Bool? {
        try take(name).map { node throws(ConfigError) in try reader.bool(node, at: key(name)) }
    }

    func strings(_ name: String) throws(ConfigError) -> [String]? {
        try take(name).map { node throws(ConfigError) in try reader.strings(node, at: key(name)).map(file.expanded) }
    }

    func source(_ name: String) -> ConfigError.Source { reader.source(members[name]) }
}
