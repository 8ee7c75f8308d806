/// A patch in the V4A format (codex, cline and other coding agents use it), parsed as the Python
/// project's `tools/patch_parser.py` parses it:
///
/// ```
/// *** Begin Patch
/// *** Update File: path/to/file.py
/// @@ optional context hint @@
///  context line
/// -removed line
/// +added line
/// *** Add File: path/to/new.py
/// +new file content
/// *** Delete File: path/to/old.py
/// *** Move File: old/path.py -> new/path.py
/// *** End Patch
/// ```
///
/// The markers are optional, the space after `***` too; empty lines are ignored, `\ No newline`
/// lines skipped, and any other line inside an operation is context. A value type: parsing reads
/// nothing but the text.
struct V4APatch: Equatable, Sendable {
    /// What an operation does.
    enum Kind: String, Sendable {
        case add, update, delete, move
    }

    /// One line of a hunk: `prefix` is `" "` (context), `"-"` (removed) or `"+"` (added).
    struct Line: Equatable, Sendable {
        var prefix: Character
        var content: String
    }

    /// A group of lines, with the text after `@@` when there was one.
    struct Hunk: Equatable, Sendable {
        var contextHint: String?
        var lines: [Line] = []

        /// The context and removed lines: the text to find.
        var search: [String] { lines.filter { $0.prefix != "+" }.map(\.content) }
        /// The context and added lines: what replaces it.
        var replacement: [String] { lines.filter { $0.prefix != "-" }.map(\.content) }
        var removes: Bool { lines.contains { $0.prefix == "-" } }
        var adds: Bool { lines.contains { $0.prefix == "+" } }
    }

    /// One file operation.
    struct Operation: Equatable, Sendable {
        var kind: Kind
        /// The path as the header gives it (stripped).
        var path: String
        /// A move's destination.
        var newPath: String?
        var hunks: [Hunk] = []
    }

    var operations: [Operation]

    /// `parse_v4a_patch`: the operations, or Python's "Parse error: …" naming every problem. An
    /// empty patch parses to no operations.
    static func parse(_ text: String) -> Result<V4APatch, V4AParseError> {
        let lines = PyText.split(PyText.scalars(text))
        var start = -1
        var end = lines.count
        for (index, line) in lines.enumerated() {
            if contains(line, "*** Begin Patch") || contains(line, "***Begin Patch") {
                start = index
            } else if contains(line, "*** End Patch") || contains(line, "***End Patch") {
                end = index
                break
            }
        }
        var operations: [Operation] = []
        var current: Operation?
        var hunk: Hunk?
        func finish() {
            guard var operation = current else { return }
            if let hunk, !hunk.lines.isEmpty { operation.hunks.append(hunk) }
            operations.append(operation)
            current = nil
        }
        var index = start + 1
        while index < end {
            let line = lines[index]
            index += 1
            if let path = header(line, "Update") {
                finish()
                current = Operation(kind: .update, path: path)
                hunk = nil
            } else if let path = header(line, "Add") {
                finish()
                current = Operation(kind: .add, path: path)
                hunk = Hunk()
            } else if let path = header(line, "Delete") {
                finish()
                operations.append(Operation(kind: .delete, path: path))
                hunk = nil
            } else if let (source, destination) = moveHeader(line) {
                finish()
                operations.append(Operation(kind: .move, path: source, newPath: destination))
                hunk = nil
            } else if line.starts(with: ["@", "@"]) {
                guard var operation = current else { continue }
                if let hunk, !hunk.lines.isEmpty { operation.hunks.append(hunk) }
                current = operation
                hunk = Hunk(contextHint: contextHint(line))
            } else if current != nil, let first = line.first {
                var group = hunk ?? Hunk()
                switch first {
                case "+", "-", " ": group.lines.append(Line(prefix: Character(first), content: PyText.string(line.dropFirst())))
                case "\\": break
                default: group.lines.append(Line(prefix: " ", content: PyText.string(line)))
                }
                hunk = group
            }
        }
        finish()
        var problems: [String] = []
        for operation in operations {
            if operation.path.isEmpty { problems.append("Operation with empty file path") }
            if operation.kind == .update && operation.hunks.isEmpty {
                problems.append("UPDATE \(PyText.repr(operation.path)): no hunks found")
            }
            if operation.kind == .move && (operation.newPath ?? "").isEmpty {
                problems.append("MOVE \(PyText.repr(operation.path)): missing destination path (expected 'src -> dst')")
            }
        }
        if !problems.isEmpty { return .failure(V4AParseError(message: "Parse error: " + problems.joined(separator: "; "))) }
        return .success(V4APatch(operations: operations))
    }

    /// The header paths `patch_tool` checks before parsing, in its order: every Update, Add and
    /// Delete header, then both ends of every Move. Found as its multi-line regexes find them
    /// (`^\*\*\*\s*(?:Update|Add|Delete)\s+File:\s*(.+)$`, then
    /// `^\*\*\*\s*Move\s+File:\s*(.+?)\s*->\s*(.+)$`), whose `\s` may run across lines.
    static func headerPaths(in text: String) -> [String] {
        let scalars = PyText.scalars(text)
        var paths: [String] = []
        for keywords in [["Update", "Add", "Delete"], ["Move"]] {
            var position = 0
            while position <= scalars.count {
                let atLineStart = position == 0 || scalars[position - 1] == "\n"
                if atLineStart, let match = headerMatch(scalars, at: position, keywords: keywords) {
                    paths += match.groups.map { PyText.string(PyText.strip($0)) }
                    position = max(match.end, position + 1)
                } else {
                    position += 1
                }
            }
        }
        return paths
    }

    // MARK: - Lines

    private static func contains(_ line: Scalars, _ marker: String) -> Bool {
        PyText.contains(line, PyText.scalars(marker))
    }

    /// `re.match(r'\*\*\*\s*KEYWORD\s+File:\s*(.+)', line)`, its group stripped.
    private static func header(_ line: Scalars, _ keyword: String) -> String? {
        guard let rest = afterFileLabel(line, from: 0, keyword: keyword), !rest.isEmpty else { return nil }
        return PyText.string(PyText.strip(rest))
    }

    /// `re.match(r'\*\*\*\s*Move\s+File:\s*(.+?)\s*->\s*(.+)', line)`, its groups stripped.
    private static func moveHeader(_ line: Scalars) -> (String, String)? {
        guard let rest = afterFileLabel(line, from: 0, keyword: "Move") else { return nil }
        let leading = rest.prefix(while: PyText.isSpace).count
        // Backtracking of the first `\s*`: the lazy group starts after the blanks, else inside them.
        for start in stride(from: leading, through: 0, by: -1) {
            var arrow = start + 1
            while arrow + 2 < rest.count {
                if rest[arrow] == "-" && rest[arrow + 1] == ">" {
                    return (PyText.string(PyText.strip(rest[start..<arrow])), PyText.string(PyText.strip(rest[(arrow + 2)...])))
                }
                arrow += 1
            }
        }
        return nil
    }

    /// `re.match(r'@@\s*(.+?)\s*@@', line)`'s group, unstripped: from the first `@@` after the
    /// opening one, less the blanks before it.
    private static func contextHint(_ line: Scalars) -> String? {
        let rest = Array(line.dropFirst(2))
        let leading = rest.prefix(while: PyText.isSpace).count
        for start in stride(from: leading, through: 0, by: -1) {
            var close = start + 1
            while close + 1 < rest.count {
                if rest[close] == "@" && rest[close + 1] == "@" {
                    var end = close
                    while end > start + 1 && PyText.isSpace(rest[end - 1]) { end -= 1 }
                    return PyText.string(rest[start..<end])
                }
                close += 1
            }
        }
        return nil
    }

    /// What follows `***`, blanks, KEYWORD, at least one blank and `File:` in `text` at `start`.
    private static func afterFileLabel(_ text: Scalars, from start: Int, keyword: String) -> Scalars? {
        guard let end = fileLabelEnd(text, from: start, keyword: keyword) else { return nil }
        return Array(text[end...])
    }

    /// Where `\*\*\*\s*KEYWORD\s+File:` matching at `start` ends.
    private static func fileLabelEnd(_ text: Scalars, from start: Int, keyword: String) -> Int? {
        var index = start
        func take(_ literal: String) -> Bool {
            let scalars = PyText.scalars(literal)
            guard index + scalars.count <= text.count, text[index..<(index + scalars.count)].elementsEqual(scalars) else { return false }
            index += scalars.count
            return true
        }
        guard take("***") else { return nil }
        while index < text.count && PyText.isSpace(text[index]) { index += 1 }
        guard take(keyword) else { return nil }
        let blanks = index
        while index < text.count && PyText.isSpace(text[index]) { index += 1 }
        guard index > blanks, take("File:") else { return nil }
        return index
    }

    // MARK: - The pre-check's regexes over the whole text

    /// One match of the pre-check's header regex for `keywords` at `start` (a line start): the
    /// groups unstripped, and where the match ends.
    private static func headerMatch(_ text: Scalars, at start: Int, keywords: [String]) -> (groups: [Scalars], end: Int)? {
        guard let label = keywords.lazy.compactMap({ fileLabelEnd(text, from: start, keyword: $0) }).first else { return nil }
        let blanksEnd = label + text[label...].prefix(while: PyText.isSpace).count
        func lineEnd(_ from: Int) -> Int { text[from...].firstIndex(of: "\n") ?? text.count }
        // `\s*` is greedy and gives back one blank at a time; `.` matches anything but "\n".
        for groupStart in stride(from: blanksEnd, through: label, by: -1) where groupStart < text.count && text[groupStart] != "\n" {
            if keywords != ["Move"] { return ([Array(text[groupStart..<lineEnd(groupStart)])], lineEnd(groupStart)) }
            // (.+?)\s*->\s*(.+)$: the shortest source followed (across blanks, even line
            // breaks) by "->" and a non-empty rest of a line.
            let sourceLimit = lineEnd(groupStart)
            var sourceEnd = groupStart + 1
            while sourceEnd <= sourceLimit {
                if let destination = arrowAndDestination(text, from: sourceEnd) {
                    return ([Array(text[groupStart..<sourceEnd]), Array(text[destination..<lineEnd(destination)])], lineEnd(destination))
                }
                sourceEnd += 1
            }
        }
        return nil
    }

    /// `\s*->\s*(.+)$` at `start`: where the destination group starts.
    private static func arrowAndDestination(_ text: Scalars, from start: Int) -> Int? {
        let blanks = text[start...].prefix(while: PyText.isSpace).count
        for arrow in stride(from: start + blanks, through: start, by: -1) {
            guard arrow + 1 < text.count, text[arrow] == "-", text[arrow + 1] == ">" else { continue }
            let after = arrow + 2
            let more = after + text[after...].prefix(while: PyText.isSpace).count
            for groupStart in stride(from: more, through: after, by: -1) where groupStart < text.count && text[groupStart] != "\n" {
                return groupStart
            }
        }
        return nil
    }
}

/// A V4A patch that does not parse: Python's message.
struct V4AParseError: Error, Equatable, Sendable {
    var message: String
}
