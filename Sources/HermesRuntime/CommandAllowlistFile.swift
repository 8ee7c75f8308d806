import Foundation
import HermesConfig
import HermesCore
import Yams

/// `command_allowlist` in the Python project's `$HERMES_HOME/config.yaml`: the kinds of
/// dangerous command approved *always*, read at start and written back when one is added, so
/// an approval made with either implementation holds for both. Only that key is rewritten: the
/// rest of the file, comments included, stays as it was (Python rewrites the whole file).
enum CommandAllowlistFile {
    /// The kinds listed in the file at `path`; none when it does not exist.
    static func load(path: String) throws(ConfigError) -> Set<String> {
        guard FileManager.default.fileExists(atPath: path), let root = try YAMLReader.load(path: path) else { return [] }
        guard let node = root.mapping?["command_allowlist"] else { return [] }
        if node.scalar.map({ ["", "~", "null"].contains($0.string) }) == true { return [] }
        let reader = YAMLReader(file: path)
        guard node.sequence != nil else {
            throw reader.error(node, "command_allowlist must be a list of command kinds, e.g. [\"recursive delete\"]")
        }
        return try Set(reader.strings(node, at: "command_allowlist"))
    }

    /// Writes `kinds` as the file's `command_allowlist`, atomically, keeping the file's mode
    /// (0600 for a new one).
    static func save(_ kinds: Set<String>, to path: String) throws {
        let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let text = try updated(existing, with: kinds, file: path)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            try AtomicFile.write(Array(text.utf8), to: path, mode: AtomicFile.mode(of: path) ?? 0o600)
        } catch {
            throw ConfigError(file: path, line: 0, "cannot write the command allowlist: \(error)")
        }
    }

    /// `text` with its top-level `command_allowlist` replaced by `kinds` (sorted, one per line),
    /// or the key appended when it has none. Blank and comment lines before the next key stay.
    /// The result is read back before it is returned: unless it holds the same keys and exactly
    /// `kinds`, the file is refused rather than written wrong.
    static func updated(_ text: String, with kinds: Set<String>, file: String) throws(ConfigError) -> String {
        let result = try edited(text, with: kinds, file: file)
        let before = try YAMLReader.compose(text, file: file)?.mapping.map { Set($0.keys.compactMap(\.string)) } ?? []
        guard let after = try? YAMLReader.compose(result, file: file)?.mapping,
            Set(after.keys.compactMap(\.string)) == before.union(["command_allowlist"]),
            let list = after["command_allowlist"], (try? YAMLReader(file: file).strings(list, at: "command_allowlist")).map(Set.init) == kinds
        else {
            throw ConfigError(
                file: file, line: 1,
                "command_allowlist cannot be rewritten in this file's layout (a flow-style or unusual mapping); add it by hand as a list")
        }
        return result
    }

    private static func edited(_ text: String, with kinds: Set<String>, file: String) throws(ConfigError) -> String {
        let block = ["command_allowlist:"] + kinds.sorted().map { "- " + jsonQuoted($0) }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard let root = try YAMLReader.compose(text, file: file) else { return (lines + block).joined(separator: "\n") + "\n" }
        guard let mapping = root.mapping else {
            throw ConfigError(
                file: file, line: root.mark?.line ?? 1,
                "the file is not a block mapping of settings, so command_allowlist cannot be added; add it by hand")
        }
        let keys = Array(mapping.keys)
        guard let index = keys.firstIndex(where: { $0.string == "command_allowlist" }), let start = keys[index].mark?.line else {
            return (lines + block).joined(separator: "\n") + "\n"
        }
        var end = index + 1 < keys.count ? (keys[index + 1].mark?.line ?? lines.count + 1) - 1 : lines.count
        while end > start, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty || lines[end - 1].hasPrefix("#") {
            end -= 1
        }
        lines.replaceSubrange((start - 1)..<end, with: block)
        return lines.joined(separator: "\n") + "\n"
    }
}
