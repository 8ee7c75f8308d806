import Foundation
import HermesCore

/// `read_file`: a text file with line numbers (`LINE_NUM|CONTENT`), paged by `offset`/`limit`.
struct ReadFileTool: Tool {
    static let spec = ToolSpec(
        name: "read_file",
        description:
            "Read a text file with line numbers and pagination. Use this instead of cat/head/tail in terminal. Output format: 'LINE_NUM|CONTENT'. Suggests similar filenames if not found. Use offset and limit for large files. Reads exceeding ~100K characters are truncated on a line boundary and return a next_offset; continue with offset to read the rest. Jupyter notebooks (.ipynb), Word documents (.docx), and Excel workbooks (.xlsx) are auto-extracted to readable text. NOTE: Cannot read images or other binary files — use vision_analyze for images.",
        parameters: [
            "type": "object",
            "properties": [
                "path": ["type": "string", "description": "Path to the file to read (absolute, relative, or ~/path)"],
                "offset": [
                    "type": "integer", "description": "Line number to start reading from (1-indexed, default: 1)",
                    "default": 1, "minimum": 1,
                ],
                "limit": [
                    "type": "integer", "description": "Maximum number of lines to read (default: 500, max: 2000)",
                    "default": 500, "maximum": 2000,
                ],
            ],
            "required": ["path"],
        ]
    )

    /// The most lines one call returns; a larger `limit` is cut to it, as Python's
    /// `normalize_read_pagination` cuts it (`tool_output.max_lines`).
    static let maxLines = 2000
    /// A longer line is cut here and marked, as Python's `_add_line_numbers` does
    /// (`tool_output.max_line_length`).
    static let maxLineCharacters = 2000
    /// Files larger than this are refused rather than read into memory.
    static let maxFileBytes = 8 << 20
    /// A result stops on a line boundary before this many characters.
    static let maxResultCharacters = 100_000

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let path = try context.readablePath(arguments["path"]?.stringValue ?? "")
        // Clamped, not refused, as Python clamps them (ArgumentValidator.clampedBounds).
        let offset = max(1, arguments["offset"]?.intValue ?? 1)
        let limit = max(1, min(arguments["limit"]?.intValue ?? 500, Self.maxLines))
        let redactor = context.redactor
        return try await FileIO.offload {
            let text: String
            do {
                text = try FileIO.readText(path, limit: Self.maxFileBytes)
            } catch  where !FileManager.default.fileExists(atPath: path) {
                let similar = Self.similarFiles(to: path)
                guard !similar.isEmpty else { throw error }
                throw ToolError(.failed, "file not found: \(path). Similar files: \(similar.joined(separator: ", "))")
            }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if text.hasSuffix("\n") { lines.removeLast() }
            guard offset <= max(lines.count, 1) else {
                throw ToolError(.failed, "offset \(offset) is past the end of \(path) (\(lines.count) lines)")
            }
            var output = ""
            var line = offset
            while line <= lines.count, line < offset + limit {
                let raw = lines[line - 1]
                // utf8.count first: it bounds the character count, and is cheap for the short lines most files have.
                let entry =
                    raw.utf8.count > Self.maxLineCharacters && raw.count > Self.maxLineCharacters
                    ? "\(line)|\(raw.prefix(Self.maxLineCharacters))... [truncated]\n" : "\(line)|\(raw)\n"
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

    /// Up to five files beside `path` whose names look like its, best first, as Python's
    /// `_suggest_similar_files` scores the first fifty entries of the directory.
    static func similarFiles(to path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent.lowercased()
        let stem = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "/" : directory) else {
            return []
        }
        var scored: [(score: Int, path: String)] = []
        for entry in entries.filter({ !$0.hasPrefix(".") }).sorted().prefix(50) {
            let candidate = entry.lowercased()
            let candidateExt = (candidate as NSString).pathExtension
            var score = 0
            if candidate == name {
                score = 100
            } else if (candidate as NSString).deletingPathExtension == stem {
                score = 90
            } else if candidate.hasPrefix(name) || name.hasPrefix(candidate) {
                score = 70
            } else if candidate.contains(name) {
                score = 60
            } else if name.contains(candidate), candidate.count > 2 {
                score = 40
            } else if !ext.isEmpty, candidateExt == ext {
                let common = Set(name).intersection(Set(candidate)).count
                if Double(common) >= Double(max(name.count, candidate.count)) * 0.4 { score = 30 }
            }
            if score > 0 { scored.append((score, (directory as NSString).appendingPathComponent(entry))) }
        }
        // A stable sort, so equal scores keep the directory's order, as Python's sort does.
        return scored.enumerated().sorted { ($0.element.score, $1.offset) > ($1.element.score, $0.offset) }.prefix(5).map(\.element.path)
    }
}
