/// What `git status --porcelain=2 --branch` says of a repository, as Python's coding posture
/// reads it (`_parse_status`): the branch, its upstream and how far apart they are, and how
/// many entries are staged, changed, untracked or in conflict.
struct GitStatus: Equatable {
    /// `# branch.head`: the branch, or `(detached)`.
    var head: String?
    /// `# branch.upstream`, when the branch tracks one.
    var upstream: String?
    /// `# branch.ab`: commits ahead of and behind the upstream, as git writes them.
    var ahead: String?
    var behind: String?
    /// Entries changed in the index (the first of their two status letters is not `.`).
    var staged = 0
    /// Entries changed in the working tree (the second letter is not `.`).
    var modified = 0
    /// `?` entries.
    var untracked = 0
    /// `u` entries: unmerged.
    var conflicts = 0

    /// Parses git's output; a line it does not know is skipped, and empty output says nothing.
    init(porcelain: String) {
        for line in porcelain.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("# branch.head") {
                head = Self.fields(line, limit: 2).last.map(String.init)
            } else if line.hasPrefix("# branch.upstream") {
                upstream = Self.fields(line, limit: 2).last.map(String.init)
            } else if line.hasPrefix("# branch.ab") {
                let parts = Self.fields(line)
                guard parts.count >= 4 else { continue }
                ahead = String(parts[2].drop { $0 == "+" })
                behind = String(parts[3].drop { $0 == "-" })
            } else if line.hasPrefix("1 ") || line.hasPrefix("2 ") {
                let parts = Self.fields(line, limit: 2)
                guard parts.count >= 2 else { continue }
                let letters = Array(parts[1])
                if letters.first != "." { staged += 1 }
                if letters.count < 2 || letters[1] != "." { modified += 1 }
            } else if line.hasPrefix("u ") {
                conflicts += 1
            } else if line.hasPrefix("? ") {
                untracked += 1
            }
        }
    }

    /// The snapshot's branch line: `- Branch: main → origin/main (ahead 1, behind 2)`, the
    /// distance only when the upstream is not level; nil when git named no branch.
    var branchLine: String? {
        guard let head, !head.isEmpty else { return nil }
        guard head != "(detached)" else { return "- Branch: (detached HEAD)" }
        var line = "- Branch: \(head)"
        if let upstream, !upstream.isEmpty {
            line += " \u{2192} \(upstream)"
            let (ahead, behind) = (ahead ?? "0", behind ?? "0")
            if ahead != "0" || behind != "0" { line += " (ahead \(ahead), behind \(behind))" }
        }
        return line
    }

    /// The snapshot's status line: `- Status: 1 staged, 2 modified`, or `- Status: clean`.
    var statusLine: String {
        let counts = [(staged, "staged"), (modified, "modified"), (untracked, "untracked"), (conflicts, "conflicts")]
        let dirty = counts.filter { $0.0 != 0 }.map { "\($0.0) \($0.1)" }
        return "- Status: \(dirty.isEmpty ? "clean" : dirty.joined(separator: ", "))"
    }

    /// Python's `line.split(maxsplit=limit)`: the whitespace-separated fields, the last holding
    /// the rest of the line once `limit` splits are made.
    private static func fields(_ line: Substring, limit: Int = .max) -> [Substring] {
        var fields: [Substring] = []
        var rest = line.drop(while: \.isWhitespace)
        while !rest.isEmpty {
            guard fields.count < limit, let end = rest.firstIndex(where: \.isWhitespace) else {
                fields.append(rest)
                break
            }
            fields.append(rest[..<end])
            rest = rest[end...].drop(while: \.isWhitespace)
        }
        return fields
    }
}
