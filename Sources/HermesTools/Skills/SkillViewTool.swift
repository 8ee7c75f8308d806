import Foundation
import HermesCore

/// `skill_view`: a skill's `SKILL.md` with its metadata, linked files and setup needs, or one of
/// its linked files (`file_path`). Python's `skill_view` as its registry calls it: the lookups in
/// its order (a path, a folder name, a front-matter name, a legacy `<name>.md`), an ambiguous
/// name refused, names and file paths that would leave the skills directory refused, and its
/// answers to the character.
///
/// Deliberately not Python's: plugin skills (`plugin:skill`) are not served, since this
/// implementation loads no plugins (the name falls through to the local `plugin/skill` folder, as
/// in Python when no plugin provides it); `skills.inline_shell` is not run; a missing secret is
/// never prompted for (Python's CLI asks for it, here the answer lists it as missing).
struct SkillViewTool: Tool {
    static let spec = ToolSpec(
        name: "skill_view",
        description:
            "Skills allow for loading information about specific tasks and workflows, as well as scripts and templates. Load a skill's full content or access its linked files (references, templates, scripts). First call returns SKILL.md content plus a 'linked_files' dict showing available references/templates/scripts. To access those, call again with file_path parameter.",
        parameters: [
            "type": "object",
            "properties": [
                "name": [
                    "type": "string",
                    "description":
                        "The skill name (use skills_list to see available skills). For plugin-provided skills, use the qualified form 'plugin:skill' (e.g. 'superpowers:writing-plans').",
                ],
                "file_path": [
                    "type": "string",
                    "description":
                        "OPTIONAL: Path to a linked file within the skill (e.g., 'references/api.md', 'templates/config.yaml', 'scripts/validate.py'). Omit to get the main SKILL.md content.",
                ],
            ],
            "required": ["name"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        guard let library = context.skills else { return SkillsLibrary.unavailable.text }
        let name = arguments["name"]?.stringValue ?? ""
        let filePath = arguments["file_path"]?.stringValue
        return try await FileIO.offload {
            let answer = library.view(name: name, filePath: filePath)
            if answer["success"] == .bool(true) {
                // Python's `_skill_view_with_bump`: a successful load counts as a view and a use.
                let resolved = answer["name"].map { $0.pythonString }.flatMap { $0.isEmpty ? nil : $0 } ?? name
                if !resolved.isEmpty { SkillUsage(skillsDirectory: library.skillsDirectory).recordView(of: resolved) }
            }
            return answer.text
        }
    }
}

extension SkillsLibrary {
    static let lookupHint = "Use a skill name or relative path within the skills directory."

    /// `_skill_lookup_path_error`: a name that is absolute (POSIX or Windows) or holds a `..` part.
    static func lookupPathError(_ name: String) -> String? {
        let candidate = PythonText.strip(name)
        let scalars = Array(candidate.unicodeScalars)
        let windowsDrive = scalars.count >= 2 && scalars[1] == ":" && scalars[0].properties.isAlphabetic && scalars[0].isASCII
        let separators: Set<Unicode.Scalar> = ["/", "\\"]
        let unc = scalars.count >= 3 && separators.contains(scalars[0]) && separators.contains(scalars[1]) && !separators.contains(scalars[2])
        if candidate.hasPrefix("/") || windowsDrive || unc {
            return "Skill name must be a relative path within the skills directory."
        }
        if hasTraversal(candidate) { return "Skill name cannot contain '..' path traversal components." }
        return nil
    }

    /// `has_traversal_component`: a `..` among the path's parts.
    static func hasTraversal(_ path: String) -> Bool { path.split(separator: "/").contains("..") }

    /// `validate_within_dir`: nil when `path` resolves inside `root`; else Python 3.11's words.
    static func escapeError(_ path: String, root: String) -> String? {
        let resolved = SkillFiles.resolved(path)
        let base = SkillFiles.resolved(root)
        if SkillFiles.relative(resolved, to: base) != nil { return nil }
        return "Path escapes allowed directory: '\(resolved)' is not in the subpath of '\(base)' OR one path is relative and the other is absolute."
    }

    /// Python's `skill_view(name, file_path)`.
    func view(name: String, filePath: String?) -> PythonJSON {
        if let error = Self.lookupPathError(name) {
            return .object(["success": false, "error": .string(error), "hint": .string(Self.lookupHint)])
        }
        var categorized: String?
        if let colon = name.firstIndex(of: ":") {
            let namespace = String(name[..<colon])
            let bare = String(name[name.index(after: colon)...])
            let valid =
                !namespace.isEmpty
                && namespace.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
                }
            guard valid else {
                let error = "Invalid namespace '\(namespace)' in '\(name)'. Namespaces must match [a-zA-Z0-9_-]+."
                return .object(["success": false, "error": .string(error)])
            }
            if !bare.isEmpty {
                categorized = namespace + "/" + bare
                if let error = Self.lookupPathError(namespace + "/" + bare) {
                    return .object(["success": false, "error": .string(error), "hint": .string(Self.lookupHint)])
                }
            }
        }

        let settings = settings()
        let roots = roots(settings)
        guard !roots.isEmpty else {
            return .object(["success": false, "error": "Skills directory does not exist yet. It will be created on first install."])
        }
        let candidates = candidates(for: name, categorized: categorized, in: roots)
        if candidates.count > 1 {
            let error = """
                Ambiguous skill name '\(name)': \(candidates.count) skills match across your local skills dir and external_dirs. \
                Refusing to guess — load one explicitly by its categorized path.
                """
            let hint = """
                Pass the full relative path instead of the bare name (e.g., 'category/skill-name'), or rename one of the \
                colliding skills so each name is unique.
                """
            return .object(["success": false, "error": .string(error), "matches": .strings(candidates.map(\.file)), "hint": .string(hint)])
        }
        guard let found = candidates.first, SkillFiles.exists(found.file) else {
            let available = Self.sorted(allSkills()).prefix(20).map(\.name)
            return .object([
                "success": false, "error": .string("Skill '\(name)' not found."), "available_skills": .strings(Array(available)),
                "hint": "Use skills_list to see all available skills",
            ])
        }
        guard let content = SkillFiles.readText(found.file) else {
            return .object(["success": false, "error": .string("Failed to read skill '\(name)': \(Self.readError(found.file))")])
        }
        let document = SkillDocument(parsing: content)
        guard Self.matchesPlatform(document) else {
            return .object([
                "success": false, "error": .string("Skill '\(name)' is not supported on this platform."), "readiness_status": "unsupported",
            ])
        }
        let resolvedName = document["name"] ?? .string(SkillFiles.name(SkillFiles.parent(found.file)))
        if let text = resolvedName.string, disabledNames(settings).contains(text) {
            let error = "Skill '\(text)' is disabled. Enable it with `hermes skills` or inspect the files directly on disk."
            return .object(["success": false, "error": .string(error)])
        }
        if let filePath, !filePath.isEmpty, let directory = found.directory {
            return linkedFile(filePath, of: name, in: directory)
        }
        return main(document, content: content, found: found, settings: settings)
    }

    /// Where a name was found: the skill's folder (nil for a legacy `<name>.md`) and its file.
    struct Candidate {
        var directory: String?
        var file: String
    }

    /// Every skill `name` may mean, in Python's lookup order, each file once (by real path).
    private func candidates(for name: String, categorized: String?, in roots: [String]) -> [Candidate] {
        var candidates: [Candidate] = []
        var seen = Set<String>()
        func record(_ directory: String?, _ file: String) {
            guard seen.insert(SkillFiles.resolved(file)).inserted else { return }
            candidates.append(Candidate(directory: directory, file: file))
        }
        func direct(_ root: String, _ relative: String) {
            let path = SkillFiles.join(root, relative)
            let markdown = SkillFiles.withMarkdownSuffix(path)
            if !SkillFiles.isSupportPath(path) && SkillFiles.isDirectory(path) && SkillFiles.exists(path + "/SKILL.md") {
                record(path, path + "/SKILL.md")
            } else if SkillFiles.exists(markdown) && !SkillFiles.isSupportPath(markdown) {
                record(nil, markdown)
            }
        }
        for root in roots {
            direct(root, name)
            if let categorized { direct(root, categorized) }
            for file in SkillFiles.indexFiles(in: root, named: "SKILL.md") {
                let directory = SkillFiles.parent(file)
                if SkillFiles.name(directory) == name {
                    record(directory, file)
                } else if let text = SkillFiles.readText(file), SkillDocument(parsing: text)["name"] == .string(name) {
                    record(directory, file)
                }
            }
            for file in SkillFiles.recursiveGlob(root, name + ".md").sorted(by: SkillFiles.codePointOrder)
            where SkillFiles.name(file) != "SKILL.md" && !SkillFiles.isSupportPath(file) {
                record(nil, file)
            }
        }
        return candidates
    }

    /// Python's `OSError` text for a file that could not be read.
    private static func readError(_ path: String) -> String {
        if SkillFiles.isDirectory(path) { return "[Errno 21] Is a directory: '\(path)'" }
        if SkillFiles.readBytes(path) == nil { return "[Errno 13] Permission denied: '\(path)'" }
        return "'utf-8' codec can't decode the file: it is not UTF-8 text"
    }

    /// `skill_view(name, file_path)`: one linked file, refused outside the skill's folder.
    private func linkedFile(_ filePath: String, of name: String, in directory: String) -> PythonJSON {
        let hint = "Use a relative path within the skill directory"
        if Self.hasTraversal(filePath) {
            return .object(["success": false, "error": "Path traversal ('..') is not allowed.", "hint": .string(hint)])
        }
        let target = SkillFiles.join(directory, filePath)
        if let error = Self.escapeError(target, root: directory) {
            return .object(["success": false, "error": .string(error), "hint": .string(hint)])
        }
        guard SkillFiles.exists(target) else {
            var groups: [(String, [String])] = ["references", "templates", "assets", "scripts", "other"].map { ($0, []) }
            let otherSuffixes: Set<String> = [".md", ".py", ".yaml", ".yml", ".json", ".tex", ".sh"]
            for file in SkillFiles.allFiles(under: directory) where SkillFiles.name(file) != "SKILL.md" {
                guard let relative = SkillFiles.relative(file, to: directory) else { continue }
                if let index = groups.indices.dropLast().first(where: { relative.hasPrefix(groups[$0].0 + "/") }) {
                    groups[index].1.append(relative)
                } else if otherSuffixes.contains(SkillFiles.suffix(file)) {
                    groups[4].1.append(relative)
                }
            }
            let available = groups.filter { !$0.1.isEmpty }.map { PythonJSON.Member(key: $0.0, value: .strings($0.1)) }
            return .object([
                "success": false, "error": .string("File '\(filePath)' not found in skill '\(name)'."),
                "available_files": .object(available), "hint": "Use one of the available file paths listed above",
            ])
        }
        guard let content = SkillFiles.readText(target) else {
            guard SkillFiles.isFile(target), SkillFiles.readBytes(target) != nil else { return .toolError(Self.readError(target)) }
            return .object([
                "success": true, "name": .string(name), "file": .string(filePath),
                "content": .string("[Binary file: \(SkillFiles.name(target)), size: \(SkillFiles.size(target)) bytes]"), "is_binary": true,
            ])
        }
        return .object([
            "success": true, "name": .string(name), "file": .string(filePath), "content": .string(content),
            "file_type": .string(SkillFiles.suffix(target)),
        ])
    }

    /// The linked files of a skill folder by kind, as Python lists them for `linked_files`.
    private static func linkedFiles(in directory: String) -> [PythonJSON.Member] {
        func relative(_ files: [String]) -> [String] {
            files.compactMap { SkillFiles.relative($0, to: directory) }.sorted(by: SkillFiles.codePointOrder)
        }
        var members: [PythonJSON.Member] = []
        let references = directory + "/references"
        if SkillFiles.exists(references) {
            let files = relative(SkillFiles.glob(references, "*.md"))
            if !files.isEmpty { members.append(.init(key: "references", value: .strings(files))) }
        }
        let templates = directory + "/templates"
        if SkillFiles.exists(templates) {
            let files = ["*.md", "*.py", "*.yaml", "*.yml", "*.json", "*.tex", "*.sh"].flatMap { pattern in
                relative(SkillFiles.recursiveGlob(templates, pattern))
            }
            if !files.isEmpty { members.append(.init(key: "templates", value: .strings(files))) }
        }
        let assets = directory + "/assets"
        if SkillFiles.exists(assets) {
            let files = relative(SkillFiles.allFiles(under: assets))
            if !files.isEmpty { members.append(.init(key: "assets", value: .strings(files))) }
        }
        let scripts = directory + "/scripts"
        if SkillFiles.exists(scripts) {
            let files = ["*.py", "*.sh", "*.bash", "*.js", "*.ts", "*.rb"].flatMap { pattern in relative(SkillFiles.glob(scripts, pattern)) }
            if !files.isEmpty { members.append(.init(key: "scripts", value: .strings(files))) }
        }
        return members
    }

    /// `_parse_tags`: a list's items as text, or a `[a, b]` / `a, b` string split at commas.
    static func tags(_ value: PythonJSON?) -> [String] {
        guard let value, value.isTruthy else { return [] }
        if case .array(let items) = value {
            return items.filter(\.isTruthy).map { PythonText.strip($0.pythonString) }
        }
        var text = PythonText.strip(value.pythonString)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.unicodeScalars.dropFirst().dropLast().map(Character.init)) }
        return text.split(separator: ",", omittingEmptySubsequences: false)
            .map { PythonText.strip(String($0)) }.filter { !$0.isEmpty }
            .map { PythonText.strip($0, characters: ["\"", "'"]) }
    }

    /// `skill_view(name)`: the skill's `SKILL.md` and what Python reports about it.
    private func main(_ document: SkillDocument, content: String, found: Candidate, settings: [PythonJSON.Member]) -> PythonJSON {
        let linked = found.directory.map(Self.linkedFiles(in:)) ?? []
        let metadata = document["metadata"]
        var hermes: PythonJSON = .object([])
        if case .object = metadata, let value = metadata?["hermes"], value.isTruthy { hermes = value }
        let tags = Self.tags(hermes["tags"].flatMap { $0.isTruthy ? $0 : nil } ?? document["tags"])
        let related = Self.tags(hermes["related_skills"].flatMap { $0.isTruthy ? $0 : nil } ?? document["related_skills"])

        let path =
            SkillFiles.relative(found.file, to: skillsDirectory)
            ?? SkillFiles.relative(found.file, to: SkillFiles.parent(SkillFiles.parent(found.file))) ?? SkillFiles.name(found.file)
        let skillName =
            document["name"] ?? .string(found.directory.map(SkillFiles.name) ?? SkillFiles.stem(found.file))
        let setup = SkillSetup(document: document, library: self)

        var rendered = content
        if PythonJSON.object(settings)["template_vars"].map(\.isTruthy) ?? true {
            rendered = Self.substitutingTemplateVariables(content, directory: found.directory, sessionID: sessionID)
        }

        var result: [PythonJSON.Member] = [
            .init(key: "success", value: true),
            .init(key: "name", value: skillName),
            .init(key: "description", value: document["description"] ?? ""),
            .init(key: "tags", value: .strings(tags)),
            .init(key: "related_skills", value: .strings(related)),
            .init(key: "content", value: .string(rendered)),
            .init(key: "path", value: .string(path)),
            .init(key: "skill_dir", value: found.directory.map(PythonJSON.string) ?? .null),
            .init(key: "linked_files", value: linked.isEmpty ? .null : .object(linked)),
            .init(
                key: "usage_hint",
                value: linked.isEmpty
                    ? .null
                    : "To view linked files, call skill_view(name, file_path) where file_path is e.g. 'references/api.md' or 'assets/config.yaml'"
            ),
        ]
        result += setup.members
        if let compatibility = document["compatibility"], compatibility.isTruthy {
            result.append(.init(key: "compatibility", value: compatibility))
        }
        if case .object? = metadata, let metadata { result.append(.init(key: "metadata", value: metadata)) }
        return .object(result)
    }

    /// `substitute_template_vars`: `${HERMES_SKILL_DIR}` and `${HERMES_SESSION_ID}`, where known.
    static func substitutingTemplateVariables(_ content: String, directory: String?, sessionID: String?) -> String {
        var out = content
        if let directory { out = out.replacingOccurrences(of: "${HERMES_SKILL_DIR}", with: directory) }
        if let sessionID, !sessionID.isEmpty { out = out.replacingOccurrences(of: "${HERMES_SESSION_ID}", with: sessionID) }
        return out
    }
}
