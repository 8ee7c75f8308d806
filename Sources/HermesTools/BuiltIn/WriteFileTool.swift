import Foundation
import HermesCore

/// `write_file`: replaces a file's whole content, as the Python project's `write_file_tool` does:
/// atomically, creating parent directories, keeping the old file's CRLF line breaks and
/// byte-order mark and its permission bits. Refused: what the path guard refuses, another
/// profile's skills/plugins/cron/memories unless `cross_profile` (`PathGuard.crossProfileRefusal`),
/// and content that is read_file's display text (`N|line` gutters, the unchanged-file notice)
/// rather than a file's. Syntax checks (Python's `lint`) are not run.
struct WriteFileTool: Tool {
    static let spec = ToolSpec(
        name: "write_file",
        description:
            "Write content to a file, completely replacing existing content. Use this instead of echo/cat heredoc in terminal. Creates parent directories automatically. OVERWRITES the entire file — use 'patch' for targeted edits. Auto-runs syntax checks on .py/.json/.yaml/.toml and other linted languages; only NEW errors introduced by this write are surfaced (pre-existing errors are filtered out).",
        parameters: [
            "type": "object",
            "properties": [
                "path": [
                    "type": "string",
                    "description": "Path to the file to write (will be created if it doesn't exist, overwritten if it does)",
                ],
                "content": ["type": "string", "description": "Complete content to write to the file"],
                "cross_profile": [
                    "type": "boolean",
                    "description":
                        "Opt out of the cross-profile soft guard. Defaults to false. Set true ONLY after explicit user direction to edit another Hermes profile's skills/plugins/cron/memories — by default these writes are blocked with a warning because they affect a different profile than the one this session is running under.",
                    "default": false,
                ],
            ],
            "required": ["path", "content"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        guard let path = arguments["path"]?.stringValue, !path.isEmpty else {
            throw ToolError(
                .invalidArguments, "write_file: missing required field 'path'. Re-emit the tool call with both 'path' and 'content' set.")
        }
        let content: String
        switch arguments["content"] {
        case .string(let text)?:
            content = text
        case nil:
            throw ToolError(
                .invalidArguments,
                "write_file: missing required field 'content'. The tool call included a path but no content argument — this is almost always a dropped-arg bug under context pressure. Re-emit the tool call with the full content payload, or use execute_code with hermes_tools.write_file() for very large files."
            )
        case let other?:
            throw ToolError(.invalidArguments, "write_file: 'content' must be a string, got \(Self.pythonTypeName(other)).")
        }
        let guards = WriteGuards(context: context, crossProfile: arguments["cross_profile"]?.boolValue ?? false)
        try guards.check(path)
        if Self.isReadFileDisplayText(content) {
            throw ToolError(
                .refused,
                "Refusing to write internal read_file display text as file content. Strip read_file line-number prefixes or reconstruct the intended file contents before writing."
            )
        }
        let target = guards.resolved(path)
        let warning = guards.workspaceWarnings([path])
        return try await FileIO.offload {
            let written: Int
            do {
                written = try FileIO.writeText(FileIO.conventions(of: target).applied(to: content), to: target)
            } catch {
                throw ToolError(.failed, "Failed to write file: \(error)")
            }
            var result: [String: JSONValue] = [
                "bytes_written": .int(written), "dirs_created": true, "resolved_path": .string(target),
                "files_modified": [.string(target)],
            ]
            if let warning { result["_warning"] = .string(warning) }
            return JSONValue.object(result).jsonText
        }
    }

    /// read_file's notice for an unchanged file (`_READ_DEDUP_STATUS_MESSAGE`).
    static let unchangedNotice =
        "File unchanged since last read. The content from the earlier read_file result in this conversation is still current — refer to that instead of re-reading."

    /// `_is_internal_file_tool_content`: the unchanged-file notice (alone, or most of a short
    /// text), or lines most of which are read_file's consecutive `N|` gutters.
    static func isReadFileDisplayText(_ content: String) -> Bool {
        let stripped = PyText.strip(PyText.scalars(content))
        let notice = PyText.scalars(unchangedNotice)
        if !stripped.isEmpty && (stripped == notice || (PyText.contains(stripped, notice) && stripped.count <= 2 * notice.count)) {
            return true
        }
        let lines = PyText.splitLines(PyText.scalars(content), keepEnds: false).filter { !PyText.strip($0).isEmpty }
        guard lines.count >= 2 else { return false }
        let numbered = lines.compactMap { line -> Int? in
            let text = PyText.lstrip(line)
            guard let bar = text.firstIndex(of: "|") else { return nil }
            return decimalValue(text[..<bar])
        }
        guard numbered.count >= 2, Double(numbered.count) / Double(lines.count) >= 0.6 else { return false }
        let consecutive = zip(numbered, numbered.dropFirst()).filter { $1 == $0 &+ 1 }.count
        return consecutive >= numbered.count - 1
    }

    /// `int(text)` when `text.isdigit()` (decimal digits of any script); nil otherwise, and for
    /// numbers too long to be a line number.
    private static func decimalValue(_ text: ArraySlice<Unicode.Scalar>) -> Int? {
        guard !text.isEmpty, text.count <= 18 else { return nil }
        var value = 0
        for scalar in text {
            guard scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// The Python type name of a JSON value, for Python's messages.
    static func pythonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }
}
