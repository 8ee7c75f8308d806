import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#endif

/// `search_files`: regex search in file contents, or glob search for file names, under a
/// directory, answered in the shape Python's ripgrep-backed search answers
/// (`tools/file_operations.py` `_search_with_rg`, `_search_files_rg`, `SearchResult.to_dict`).
///
/// As rg does by default, hidden files and directories below the searched path are skipped, and
/// binary files; paths are shown as rg shows them, the given `path` joined with the file's path
/// below it (`./src/a.swift` for `.`). Bounded: it scans at most `maxFiles` files and skips files
/// over `maxFileBytes` and `node_modules`/`__pycache__` (which a `.gitignore` would hide from rg;
/// there is no `.gitignore` reading here). As in Python, a path `read_file` refuses is refused
/// here, and files it would refuse are left out of the results (unread) and counted in
/// `_omitted`; matched lines are redacted.
///
/// Where Python's counts stop at what `| head -n offset+limit` let through, `total_count` here is
/// the real count, and `truncated` says when there is more past the page (Python meant to report
/// it so, but its `head` cut hides it unless `context` is set).
struct SearchFilesTool: Tool {
    static let spec = ToolSpec(
        name: "search_files",
        description:
            "Search file contents or find files by name. Use this instead of grep/rg/find/ls in terminal. Ripgrep-backed, faster than shell equivalents.\n\nContent search (target='content'): Regex search inside files. Output modes: full matches with line numbers, file paths only, or match counts.\n\nFile search (target='files'): Find files by glob pattern (e.g., '*.py', '*config*'). Also use this instead of ls — results sorted by modification time.",
        parameters: [
            "type": "object",
            "properties": [
                "pattern": [
                    "type": "string",
                    "description": "Regex pattern for content search, or glob pattern (e.g., '*.py') for file search",
                ],
                "target": [
                    "type": "string", "enum": ["content", "files"],
                    "description": "'content' searches inside file contents, 'files' searches for files by name",
                    "default": "content",
                ],
                "path": [
                    "type": "string", "description": "Directory or file to search in (default: current working directory)",
                    "default": ".",
                ],
                "file_glob": [
                    "type": "string",
                    "description": "Filter files by pattern in grep mode (e.g., '*.py' to only search Python files)",
                ],
                "limit": [
                    "type": "integer", "description": "Maximum number of results to return (default: 50)", "default": 50,
                ],
                "offset": [
                    "type": "integer", "description": "Skip first N results for pagination (default: 0)", "default": 0,
                ],
                "output_mode": [
                    "type": "string", "enum": ["content", "files_only", "count"],
                    "description":
                        "Output format for grep mode: 'content' shows matching lines with line numbers, 'files_only' lists file paths, 'count' shows match counts per file",
                    "default": "content",
                ],
                "context": [
                    "type": "integer",
                    "description": "Number of context lines before and after each match (grep mode only)", "default": 0,
                ],
            ],
            "required": ["pattern"],
        ]
    )

    static let maxFiles = 20_000
    static let maxFileBytes = 2 << 20
    /// Content past this many characters of a line is cut, as Python cuts it (`content[:500]`).
    static let maxLineCharacters = 500
    /// A content page of at least this many entries is sent path-grouped (`matches_text`), as
    /// Python's `SearchResult._DENSIFY_MIN_MATCHES`.
    static let densifyMinimum = 5
    static let skippedDirectories: Set<String> = ["node_modules", "__pycache__"]

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    /// One call's arguments, with Python's defaults and clamps (`normalize_search_pagination`).
    struct Query: Sendable {
        var pattern: String
        var target: String
        /// The path as the model gave it, `~` expanded: the prefix of every path shown.
        var shown: String
        /// The path made absolute.
        var root: String
        var fileGlob: String?
        var limit: Int
        var offset: Int
        var mode: String
        var context: Int
    }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let written = arguments["path"]?.stringValue ?? "."
        let given = written.isEmpty ? "." : written
        let root = context.resolve(given)
        let query = Query(
            pattern: arguments["pattern"]?.stringValue ?? "",
            target: arguments["target"]?.stringValue ?? "content",
            shown: given.hasPrefix("~") ? root : given, root: root,
            fileGlob: arguments["file_glob"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            limit: max(1, arguments["limit"]?.intValue ?? 50), offset: max(0, arguments["offset"]?.intValue ?? 0),
            mode: arguments["output_mode"]?.stringValue ?? "content",
            context: max(0, arguments["context"]?.intValue ?? 0))
        let redactor = context.redactor
        let reads = context.pathGuard.readRules()
        return try await FileIO.offload {
            if let refusal = reads.refusal(root, given: given) { return JSONValue.object(["error": .string(refusal)]).jsonText }
            guard FileManager.default.fileExists(atPath: root) else {
                return JSONValue.object(["total_count": 0, "error": .string(Self.notFound(query))]).jsonText
            }
            var output =
                try query.target == "files" ? Self.findFiles(query, reads: reads) : Self.searchContent(query, reads: reads, redactor: redactor)
            if output.omitted > 0 {
                output.result["_omitted"] = .string(
                    "\(output.omitted) result(s) omitted because they target credential, token, cache, or secret-bearing environment files."
                )
            }
            Self.densify(&output.result)
            var text = JSONValue.object(output.result).jsonText
            if output.result["truncated"] == true {
                // Python appends this after the JSON, so the model is told the next offset outright.
                text +=
                    "\n\n[Hint: Results truncated. Use offset=\(query.offset + query.limit) to see more, or narrow with a more specific pattern or file_glob.]"
            }
            return text
        }
    }

    /// A result being built, and how many entries were left out as protected.
    struct Output {
        var result: [String: JSONValue]
        var omitted = 0
    }

    /// `target='content'`: the matching lines (with `context` lines around them, as entries of
    /// their own, as rg's `-C` prints them), the matching files, or their match counts.
    static func searchContent(_ query: Query, reads: PathGuard.ReadRules, redactor: Redactor) throws -> Output {
        // Regex is not Sendable, so it is compiled on the thread that uses it.
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(query.pattern)
        } catch {
            throw ToolError(.invalidArguments, "search_files: '\(query.pattern)' is not a valid regular expression: \(error)")
        }
        let pageEnd = query.offset + query.limit
        var total = 0
        var matchedFiles = 0
        var matches: [JSONValue] = []
        var filePage: [JSONValue] = []
        var counts: [String: JSONValue] = [:]
        var omitted = 0
        let (candidates, scanStopped) = Self.files(under: query)
        for file in candidates {
            if let glob = query.fileGlob, !globMatches(glob, file: file) { continue }
            guard let text = try? FileIO.readText(file.absolute, limit: maxFileBytes) else { continue }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if text.hasSuffix("\n") { lines.removeLast() }
            let hits = lines.indices.filter { lines[$0].contains(regex) }
            if hits.isEmpty { continue }
            // Counted as Python counts them, per result, but never read out.
            let blocked = reads.refusal(file.absolute, given: file.absolute) != nil
            switch query.mode {
            case "files_only", "count":
                if blocked {
                    omitted += 1
                    continue
                }
                if matchedFiles >= query.offset, matchedFiles < pageEnd {
                    if query.mode == "count" {
                        counts[file.shown] = .int(hits.count)
                    } else {
                        filePage.append(.string(file.shown))
                    }
                }
                matchedFiles += 1
                total += query.mode == "count" ? hits.count : 1
            default:
                let shown = entries(hits, lineCount: lines.count, context: query.context)
                if blocked {
                    omitted += shown.count
                    continue
                }
                for line in shown {
                    if total >= query.offset, total < pageEnd {
                        matches.append([
                            "path": .string(file.shown), "line": .int(line + 1),
                            "content": .string(redactor.redact(String(lines[line].prefix(maxLineCharacters)), as: .file)),
                        ])
                    }
                    total += 1
                }
            }
        }
        var result: [String: JSONValue] = ["total_count": .int(total)]
        switch query.mode {
        case "files_only":
            if !filePage.isEmpty { result["files"] = .array(filePage) }
            if matchedFiles > pageEnd { result["truncated"] = true }
        case "count":
            if !counts.isEmpty { result["counts"] = .object(counts) }
            if matchedFiles > pageEnd { result["truncated"] = true }
        default:
            if !matches.isEmpty { result["matches"] = .array(matches) }
            if total > pageEnd { result["truncated"] = true }
        }
        if total == 0, hasNewlineEscape(query.pattern) {
            result["warning"] =
                "0 results found. Note: search_files content search is line-oriented and does not run ripgrep with -U/--multiline, so `\\n` in the regex does not match line breaks. Use context=N to inspect neighboring lines, or escape as `\\\\n` when searching for a literal backslash+n."
        }
        if scanStopped { markScanStopped(&result) }
        return Output(result: result, omitted: omitted)
    }

    /// The lines to show for matches on `hits` (0-based, ascending): each hit and `context` lines
    /// either side, overlapping ranges merged, as `rg -C` prints them.
    static func entries(_ hits: [Int], lineCount: Int, context: Int) -> [Int] {
        guard context > 0 else { return hits }
        var shown: [Int] = []
        for hit in hits {
            let start = max(hit - context, (shown.last ?? -1) + 1)
            let end = min(hit + context, lineCount - 1)
            if start <= end { shown.append(contentsOf: start...end) }
        }
        return shown
    }

    /// `target='files'`: the files whose name matches the glob, newest first, as
    /// `rg --files --sortr=modified -g GLOB` lists them.
    static func findFiles(_ query: Query, reads: PathGuard.ReadRules) -> Output {
        // As Python: a path-like pattern is cut to its last component, and a bare name matches
        // at the end of a file name (`f.txt` also finds `af.txt`).
        var glob = query.pattern
        if glob.hasPrefix("**/") || glob.contains("/") { glob = String(glob.split(separator: "/").last ?? "") }
        if !glob.hasPrefix("*") { glob = "*" + glob }
        var found: [Candidate] = []
        var omitted = 0
        let (candidates, scanStopped) = Self.files(under: query)
        for file in candidates where fnmatch(glob, file.name, 0) == 0 {
            if reads.refusal(file.absolute, given: file.absolute) != nil {
                omitted += 1
            } else {
                found.append(file)
            }
        }
        found.sort { ($0.modified, $1.shown) > ($1.modified, $0.shown) }
        let page = found.dropFirst(query.offset).prefix(query.limit)
        var result: [String: JSONValue] = ["total_count": .int(found.count)]
        if !page.isEmpty { result["files"] = .array(page.map { .string($0.shown) }) }
        if found.count > query.offset + query.limit { result["truncated"] = true }
        if scanStopped { markScanStopped(&result) }
        return Output(result: result, omitted: omitted)
    }

    static func markScanStopped(_ result: inout [String: JSONValue]) {
        result["truncated"] = true
        result["limit_reason"] = "file_scan_limit"
        result["warning"] = .string("stopped after scanning \(maxFiles) files; narrow 'path' or 'file_glob'")
    }

    /// A content page of `densifyMinimum` entries or more as Python's `_densify_matches` writes
    /// it: each path once, then its rows `  <line>: <content>`.
    static func densify(_ result: inout [String: JSONValue]) {
        guard let matches = result["matches"]?.arrayValue, matches.count >= densifyMinimum else { return }
        var lines: [String] = []
        var current: String?
        for match in matches {
            let path = match["path"]?.stringValue ?? ""
            if path != current {
                lines.append(path)
                current = path
            }
            let content = match["content"]?.stringValue ?? ""
            let trimmed = content.reversed().drop(while: \.isWhitespace).reversed()
            lines.append("  \(match["line"]?.intValue ?? 0): \(String(trimmed))")
        }
        result["matches"] = nil
        result["matches_format"] =
            "path-grouped: each file path on its own line, followed by indented '<line>: <content>' rows for matches in that file"
        result["matches_text"] = .string(lines.joined(separator: "\n"))
    }

    /// Python's `_pattern_has_regex_newline`: a literal newline, or `\n` after an odd number of
    /// backslashes.
    static func hasNewlineEscape(_ pattern: String) -> Bool {
        if pattern.contains("\n") { return true }
        var backslashes = 0
        for character in pattern {
            if character == "n", backslashes % 2 == 1 { return true }
            backslashes = character == "\\" ? backslashes + 1 : 0
        }
        return false
    }

    /// Python's answer for a path that does not exist: `Path not found: P`, and up to five
    /// entries of its parent that look like what was meant.
    static func notFound(_ query: Query) -> String {
        let (parent, name) = splitPath(query.shown)
        let parentShown = parent.isEmpty ? "." : parent
        var message = "Path not found: \(query.shown)"
        let lowered = name.lowercased()
        let parentPath = splitPath(query.root).directory
        guard !name.isEmpty,
            let entries = try? FileManager.default.contentsOfDirectory(atPath: parentPath.isEmpty ? "/" : parentPath)
        else { return message }
        // `ls -1 | head -20`: the first twenty visible entries, in order.
        let similar = entries.filter { !$0.hasPrefix(".") }.sorted().prefix(20).filter { entry in
            let entry = entry.lowercased()
            return entry.contains(lowered) || lowered.contains(entry) || entry.hasPrefix(String(lowered.prefix(3)))
        }
        if !similar.isEmpty {
            let joined = similar.prefix(5).map { parentShown.hasSuffix("/") ? parentShown + $0 : parentShown + "/" + $0 }
            message += ". Similar paths: " + joined.joined(separator: ", ")
        }
        return message
    }

    /// `os.path.dirname` and `os.path.basename` of `path`.
    static func splitPath(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        var directory = String(path[...slash])
        if directory.contains(where: { $0 != "/" }) {
            while directory.hasSuffix("/") { directory.removeLast() }
        }
        return (directory, String(path[path.index(after: slash)...]))
    }

    /// A file the search may look at.
    struct Candidate {
        /// Below the searched directory (`src/a.swift`); empty when the path given is the file.
        var relative: String
        var absolute: String
        /// As the result shows it.
        var shown: String
        var name: String { (absolute as NSString).lastPathComponent }
        var modified: Double
    }

    /// Regular files under the query's root (or the root itself when it is a file), sorted by
    /// path, skipping hidden entries below it and `skippedDirectories`; and whether the scan
    /// stopped at `maxFiles`.
    static func files(under query: Query) -> ([Candidate], Bool) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: query.root, isDirectory: &isDirectory) else { return ([], false) }
        guard isDirectory.boolValue else {
            let modified = (try? FileManager.default.attributesOfItem(atPath: query.root)[.modificationDate] as? Date) ?? nil
            return ([Candidate(relative: "", absolute: query.root, shown: query.shown, modified: modified?.timeIntervalSince1970 ?? 0)], false)
        }
        var found: [Candidate] = []
        let base = query.root.count > 1 && query.root.hasSuffix("/") ? String(query.root.dropLast()) : query.root
        let shownBase = query.shown.hasSuffix("/") ? query.shown : query.shown + "/"
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return ([], false) }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if name.hasPrefix(".") || (type == .typeDirectory && skippedDirectories.contains(name)) {
                if type == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            guard type == .typeRegular else { continue }
            if found.count == maxFiles { return (found.sorted { $0.relative < $1.relative }, true) }
            let modified = enumerator.fileAttributes?[.modificationDate] as? Date
            found.append(
                Candidate(
                    relative: relative, absolute: (base == "/" ? "" : base) + "/" + relative, shown: shownBase + relative,
                    modified: modified?.timeIntervalSince1970 ?? 0))
        }
        return (found.sorted { $0.relative < $1.relative }, false)
    }

    /// `--glob`: a glob without `/` matches the file name, one with `/` the path below the
    /// searched directory; a leading `!` excludes what it matches.
    static func globMatches(_ glob: String, file: Candidate) -> Bool {
        if glob.hasPrefix("!") { return !globMatches(String(glob.dropFirst()), file: file) }
        let subject = glob.contains("/") && !file.relative.isEmpty ? file.relative : file.name
        return fnmatch(glob, subject, 0) == 0
    }
}
