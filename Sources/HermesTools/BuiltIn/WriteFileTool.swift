import Foundation
import HermesCore

/// `write_file`: replaces a file's whole content, atomically, creating parent directories.
struct WriteFileTool: Tool {
    static let spec = ToolSpec(
        name: "write_file",
        description:
            "Write content to a file, completely replacing existing content. Creates parent directories automatically. OVERWRITES the entire file — use 'patch' for targeted edits.",
        parameters: [
            "type": "object",
            "properties": [
                "path": ["type": "string", "description": "Path to the file to write"],
                "content": ["type": "string", "description": "Complete content to write to the file"],
            ],
            "required": ["path", "content"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let path = try context.writablePath(arguments["path"]?.stringValue ?? "")
        let content = arguments["content"]?.stringValue ?? ""
        return try await FileIO.offload {
            do {
                try FileIO.writeAtomically(Data(content.utf8), to: path)
            } catch {
                throw ToolError(.failed, "cannot write \(path): \(error.localizedDescription)")
            }
            return JSONValue.object([
                "success": true, "path": .string(path), "bytes_written": .int(content.utf8.count),
            ]).jsonText
        }
    }
}
