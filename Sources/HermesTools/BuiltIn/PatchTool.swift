import Foundation
import HermesCore

/// `patch`: exact-string find and replace in one file. The text must occur exactly once unless
/// `replace_all` is set; absent or ambiguous text fails with a message that says which.
struct PatchTool: Tool {
    static let spec = ToolSpec(
        name: "patch",
        description:
            "Targeted find-and-replace edits in files. Finds old_string exactly (it must be unique unless replace_all=true) and replaces it with new_string.",
        parameters: [
            "type": "object",
            "properties": [
                "mode": [
                    "type": "string", "enum": ["replace"], "description": "Edit mode; only 'replace' is supported.",
                ],
                "path": ["type": "string", "description": "File path to edit."],
                "old_string": ["type": "string", "description": "Exact text to find. Include context to make it unique."],
                "new_string": ["type": "string", "description": "Replacement text ('' deletes the match)."],
                "replace_all": ["type": "boolean", "description": "Replace every occurrence (default: false)"],
            ],
            "required": ["path", "old_string", "new_string"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let path = try context.writablePath(arguments["path"]?.stringValue ?? "")
        let old = arguments["old_string"]?.stringValue ?? ""
        let new = arguments["new_string"]?.stringValue ?? ""
        let replaceAll = arguments["replace_all"]?.boolValue ?? false
        guard !old.isEmpty else {
            throw ToolError(.invalidArguments, "patch: old_string is empty; give the exact text to replace")
        }
        return try await FileIO.offload {
            let text = try FileIO.readText(path, limit: ReadFileTool.maxFileBytes)
            let count = text.components(separatedBy: old).count - 1
            if count == 0 {
                throw ToolError(
                    .failed, "patch: old_string was not found in \(path); read the file and copy the text exactly")
            }
            if count > 1 && !replaceAll {
                throw ToolError(
                    .failed,
                    "patch: old_string occurs \(count) times in \(path); add surrounding lines to make it unique, or set replace_all=true"
                )
            }
            let updated: String
            if replaceAll {
                updated = text.replacingOccurrences(of: old, with: new)
            } else {
                let range = text.range(of: old)!
                updated = text.replacingCharacters(in: range, with: new)
            }
            do {
                try FileIO.writeAtomically(Data(updated.utf8), to: path)
            } catch {
                throw ToolError(.failed, "cannot write \(path): \(error.localizedDescription)")
            }
            return JSONValue.object(["success": true, "path": .string(path), "replacements": .int(count)]).jsonText
        }
    }
}
