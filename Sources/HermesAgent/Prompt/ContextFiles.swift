import Foundation
import HermesTools

/// The project's instructions in the system prompt, found as the Python project finds them
/// (`build_context_files_prompt`): the first of `.hermes.md`/`HERMES.md` (in the working
/// directory or a parent up to the git root), `AGENTS.md`, `CLAUDE.md`, `.cursorrules` (with
/// `.cursor/rules/*.mdc`) that has content, scanned for prompt injection (a file that trips the
/// scan is replaced by a notice) and capped by the model's window.
enum ContextFiles {
    /// The context tier's text, or "" when no file has content.
    static func prompt(in directory: String, cap: Int) -> String {
        let directory = (directory as NSString).resolvingSymlinksInPath
        guard
            let project = hermesFile(in: directory, cap: cap) ?? plain(["AGENTS.md", "agents.md"], label: "AGENTS.md", in: directory, cap: cap)
                ?? plain(["CLAUDE.md", "claude.md"], label: "CLAUDE.md", in: directory, cap: cap) ?? cursorRules(in: directory, cap: cap)
        else { return "" }
        return "# Project Context\n\nThe following project context files have been loaded and should be followed:\n\n" + project
    }

    /// Python's cap on one file, in characters: `context_file_max_chars`, else 6% of the window's
    /// tokens at 4 characters each, between 20,000 and 500,000 (256,000 tokens when the window
    /// is unknown, Python's fallback for an unknown model).
    static func maxCharacters(contextLength: Int?) -> Int {
        max(20_000, min(Int(Double((contextLength ?? 256_000) * 4) * 0.06), 500_000))
    }

    /// The file's text with CRLF read as LF, trimmed; nil when it cannot be read as UTF-8.
    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        return SystemPrompt.pythonStrip(text.replacing("\r\n", with: "\n").replacing("\r", with: "\n"))
    }

    /// `content`, or Python's notice in its place when the injection scan finds anything.
    static func scanned(_ content: String, name: String) -> String {
        let text = content.hasPrefix("\u{FEFF}") ? String(content.dropFirst()) : content
        let findings = ThreatScan.findings(in: text, scope: .context)
        guard !findings.isEmpty else { return content }
        return "[BLOCKED: \(name) contained potential prompt injection (\(findings.joined(separator: ", "))). Content not loaded.]"
    }

    /// `content` whole when it fits `cap` characters (code points, as Python counts), else its
    /// head (70%) and tail (20%) around Python's marker naming the file to read instead.
    static func truncated(_ content: String, label: String, cap: Int, path: String) -> String {
        let scalars = Array(content.unicodeScalars)
        guard scalars.count > cap else { return content }
        let head = Int(Double(cap) * 0.7)
        let tail = Int(Double(cap) * 0.2)
        var text = String(String.UnicodeScalarView(scalars[..<head]))
        text +=
            "\n\n[...truncated \(label): kept \(head)+\(tail) of \(scalars.count) chars. The middle is omitted — if you need the full instructions, read the complete file with the read_file tool: \(path)]\n\n"
        return text + String(String.UnicodeScalarView(scalars[(scalars.count - tail)...]))
    }

    private static func isFile(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
    }

    /// `.hermes.md` or `HERMES.md`, nearest first, up to the git root (only `directory` itself
    /// when there is none, so a file planted in `/tmp` is not picked up).
    private static func hermesFile(in directory: String, cap: Int) -> String? {
        var ancestors: [String] = []
        var current = directory
        while true {
            ancestors.append(current)
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { break }
            current = parent
        }
        let root = ancestors.first { FileManager.default.fileExists(atPath: $0 + "/.git") }
        for candidate in root == nil ? [directory] : ancestors {
            for name in [".hermes.md", "HERMES.md"] {
                let path = (candidate == "/" ? "" : candidate) + "/" + name
                guard isFile(path) else { continue }
                guard var content = read(path), !content.isEmpty else { return nil }
                content = withoutFrontMatter(content)
                let section = "## \(name)\n\n\(scanned(content, name: name))"
                return truncated(section, label: ".hermes.md", cap: cap, path: path)
            }
            if candidate == root { break }
        }
        return nil
    }

    /// The first of `names` in `directory` with content, under the heading of its own name.
    private static func plain(_ names: [String], label: String, in directory: String, cap: Int) -> String? {
        for name in names {
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path), let content = read(path), !content.isEmpty else { continue }
            return truncated("## \(name)\n\n\(scanned(content, name: name))", label: label, cap: cap, path: path)
        }
        return nil
    }

    /// `.cursorrules` and `.cursor/rules/*.mdc` (sorted), capped together.
    private static func cursorRules(in directory: String, cap: Int) -> String? {
        var text = ""
        let rules = directory + "/.cursorrules"
        if FileManager.default.fileExists(atPath: rules), let content = read(rules), !content.isEmpty {
            text += "## .cursorrules\n\n\(scanned(content, name: ".cursorrules"))\n\n"
        }
        let folder = directory + "/.cursor/rules"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".mdc") }.sorted()
        for name in names {
            guard let content = read(folder + "/" + name), !content.isEmpty else { continue }
            text += "## .cursor/rules/\(name)\n\n\(scanned(content, name: ".cursor/rules/\(name)"))\n\n"
        }
        guard !text.isEmpty else { return nil }
        return truncated(text, label: ".cursorrules", cap: cap, path: rules)
    }

    /// The body after a leading `---` front matter, as Python strips it (the whole text when
    /// nothing follows it).
    private static func withoutFrontMatter(_ content: String) -> String {
        let text = String(content.drop { $0 == "\u{FEFF}" })
        guard text.hasPrefix("---"), let end = text.dropFirst(3).range(of: "\n---") else { return text }
        let body = text[end.upperBound...].drop { $0 == "\n" }
        return body.isEmpty ? text : String(body)
    }
}
