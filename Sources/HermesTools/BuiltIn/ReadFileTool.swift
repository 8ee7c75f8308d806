import HermesCore

/// `read_file`: a text file with line numbers (`LINE_NUM|CONTENT`), paged by `offset`/`limit`.
struct ReadFileTool: Tool {
    static let spec = ToolSpec(
        name: "read_file",
        description:
            "Read a text file with line numbers and pagination. Output format: 'LINE_NUM|CONTENT'. Use offset and limit for large files; a result that stops early returns next_offset.",
        parameters: [
            "type": "object",
            "properties": [
                "path": ["type": "string", "description": "Path to the file to read (absolute, relative, or ~/path)"],
                "offset": [
                    "type": "integer", "description": "Line number to start reading from (1-indexed, default: 1)",
                    "minimum": 1,
                ],
                "limit": [
                    "type": "integer", "description": "Maximum number of lines to read (default: 500, max: 2000)",
                    "minimum": 1, "maximum": 2000,
                ],
            ],
            "required": ["path"],
        ]
    )

    /// Files larger than this are refused rather than read into memory.
    static let maxFileBytes = 8 << 20
    /// A result stops on a line boundary before this many characters.
    static let maxResultCharacters = 100_000

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let path = try context.readablePath(arguments["path"]?.stringValue ?? "")
        let offset = arguments["offset"]?.intValue ?? 1
        let limit = arguments["limit"]?.intValue ?? 500
        let redactor = context.redactor
        return try await FileIO.offload {
            let text = try FileIO.readText(path, limit: Self.maxFileBytes)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if text.hasSuffix("\n") { lines.removeLast() }
            guard offset <= max(lines.count, 1) else {
                throw ToolError(.failed, "offset \(offset) is past the end of \(path) (\(lines.count) lines)")
            }
            var output = ""
            var line = offset
            while line <= lines.count, line < offset + limit {
                let entry = "\(line)|\(lines[line - 1])\n"
                if output.count + entry.count > Self.maxResultCharacters, line > offset { break }
                output += entry
                line += 1
            }
            var result: [String: JSONValue] = [
                "path": .string(path), "content": .string(redactor.redact(output, as: .file)), "total_lines": .int(lines.count),
            ]
            if line <= lines.count { result["next_offset"] = .int(line) }
            return JSONValue.object(result).jsonText
        }
    }
}
