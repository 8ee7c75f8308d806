import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#endif

/// `search_files`: regex search in file contents, or glob search for file names, under a
/// directory. Bounded: it scans at most `maxFiles` files, skips files over `maxFileBytes`, binary
/// files and VCS/build folders, and returns at most `limit` results with an offset to page.
/// As in Python, a path `read_file` refuses is refused here, and files it would refuse are left
/// out of the results (unread) and counted in `_omitted`; matched lines are redacted.
struct SearchFilesTool: Tool {
    static let spec = ToolSpec(
        name: "search_files",
        description:
            "Search file contents (target='content', regex) or find files by name (target='files', glob such as '*.swift'). Results are paged with limit/offset.",
        parameters: [
            "type": "object",
            "properties": [
                "pattern": ["type": "string", "description": "Regex for content search, or glob for file search"],
                "target": ["type": "string", "enum": ["content", "files"], "description": "default: content"],
                "path": ["type": "string", "description": "Directory or file to search in (default: working directory)"],
                "file_glob": ["type": "string", "description": "Only search files whose name matches this glob"],
                "limit": ["type": "integer", "minimum": 1, "maximum": 1000, "description": "default: 50"],
                "offset": ["type": "integer", "minimum": 0, "description": "Skip the first N results"],
                "output_mode": [
                    "type": "string", "enum": ["content", "files_only", "count"], "description": "default: content",
                ],
            ],
            "required": ["pattern"],
        ]
    )

    static let maxFiles = 20_000
    static let maxFileBytes = 2 << 20
    static let skippedDirectories: Set<String> = [".git", ".build", "node_modules", ".venv", "__pycache__"]

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let pattern = arguments["pattern"]?.stringValue ?? ""
        let target = arguments["target"]?.stringValue ?? "content"
        let given = arguments["path"]?.stringValue ?? "."
        let root = context.resolve(given)
        let fileGlob = arguments["file_glob"]?.stringValue
        let limit = arguments["limit"]?.intValue ?? 50
        let offset = arguments["offset"]?.intValue ?? 0
        let mode = arguments["output_mode"]?.stringValue ?? "content"
        let redactor = context.redactor
        let reads = context.pathGuard.readRules()
        return try await FileIO.offload {
            if let refusal = reads.refusal(root, given: given) { return JSONValue.object(["error": .string(refusal)]).jsonText }
            // Regex is not Sendable, so it is compiled on the thread that uses it.
            let regex: Regex<AnyRegexOutput>?
            do {
                regex = target == "content" ? try Regex(pattern) : nil
            } catch {
                throw ToolError(.invalidArguments, "search_files: '\(pattern)' is not a valid regular expression: \(error)")
            }
            var results: [JSONValue] = []
            var total = 0
            var scanned = 0
            var truncatedScan = false
            var omitted = 0
            for file in Self.files(under: root) {
                scanned += 1
                if scanned > Self.maxFiles {
                    truncatedScan = true
                    break
                }
                let name = (file as NSString).lastPathComponent
                if let fileGlob, regex != nil, !Self.glob(fileGlob, matches: name) { continue }
                if regex == nil, !Self.glob(pattern, matches: name) { continue }
                // Counted as Python counts them, per result, but never returned.
                let blocked = reads.refusal(file, given: file) != nil
                if let regex {
                    guard let text = try? FileIO.readText(file, limit: Self.maxFileBytes) else { continue }
                    var matchesInFile = 0
                    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                    where line.contains(regex) {
                        matchesInFile += 1
                        if blocked {
                            if mode == "content" { omitted += 1 }
                        } else if mode == "content" {
                            total += 1
                            if total > offset, results.count < limit {
                                results.append([
                                    "path": .string(file), "line": .int(number + 1),
                                    "text": .string(redactor.redact(String(line.prefix(500)), as: .file)),
                                ])
                            }
                        }
                    }
                    if mode != "content", matchesInFile > 0, blocked {
                        omitted += 1
                    } else if mode != "content", matchesInFile > 0 {
                        total += 1
                        if total > offset, results.count < limit {
                            results.append(
                                mode == "count" ? ["path": .string(file), "count": .int(matchesInFile)] : .string(file))
                        }
                    }
                } else if blocked {
                    omitted += 1
                } else {
                    total += 1
                    if total > offset, results.count < limit { results.append(.string(file)) }
                }
            }
            var output: [String: JSONValue] = ["results": .array(results), "total": .int(total)]
            if offset + results.count < total { output["next_offset"] = .int(offset + results.count) }
            if omitted > 0 {
                output["_omitted"] = .string(
                    "\(omitted) result(s) omitted because they target credential, token, cache, or secret-bearing environment files.")
            }
            if truncatedScan { output["note"] = .string("stopped after scanning \(Self.maxFiles) files; narrow 'path'") }
            return JSONValue.object(output).jsonText
        }
    }

    /// Regular files under `root` (or `root` itself when it is a file), skipping VCS and build folders.
    static func files(under root: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [root] }
        var found: [String] = []
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if type == .typeDirectory {
                if skippedDirectories.contains(name) { enumerator.skipDescendants() }
                continue
            }
            if type == .typeRegular { found.append(base + "/" + relative) }
            if found.count > maxFiles { break }
        }
        return found.sorted()
    }

    static func glob(_ pattern: String, matches name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
