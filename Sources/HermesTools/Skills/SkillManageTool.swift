import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `skill_manage`: creates, edits, patches and deletes skills, and writes and removes their
/// linked files. Python's `skill_manage` as its registry calls it: the same checks in the same
/// order, the same answers; files written at once (a temporary file renamed over the old one, mode
/// 0600 as Python's `mkstemp` leaves it, a symbolic link kept and its target written), so a
/// Python session reading the skill at the same moment sees the old text or the new. Python takes
/// no lock for these writes, and neither does this.
///
/// Not yet as Python's: the optional security scan of `skills.guard_agent_created` and the
/// `write_approval` staging (both off by default) are not implemented. An action outside the
/// schema's list is refused by the argument check before it gets here.
struct SkillManageTool: Tool {
    /// Python's schema, whose description names where new skills go (`display_hermes_home()`).
    static func specification(displayHome: String) -> ToolSpec {
        ToolSpec(
            name: "skill_manage",
            description: """
                Manage skills (create, update, delete). Skills are your procedural memory — reusable approaches for recurring task types. \
                New skills go to \(displayHome)/skills/; existing skills can be modified wherever they live.

                Actions: create (full SKILL.md + optional category), patch (old_string/new_string — preferred for fixes), edit (full \
                SKILL.md rewrite — major overhauls only), delete, write_file, remove_file.

                On delete, pass `absorbed_into=<umbrella>` when you're merging this skill's content into another one, or \
                `absorbed_into=""` when you're pruning it with no forwarding target. This lets the curator tell consolidation from \
                pruning without guessing, so downstream consumers (cron jobs that reference the old skill name, etc.) get updated \
                correctly. The target you name in `absorbed_into` must already exist — create/patch the umbrella first, then delete.

                Create when: complex task succeeded (5+ calls), errors overcome, user-corrected approach worked, non-trivial workflow \
                discovered, or user asks you to remember a procedure.
                Update when: instructions stale/wrong, OS-specific failures, missing steps or pitfalls found during use. If you used a \
                skill and hit issues not covered by it, patch it immediately.

                After difficult/iterative tasks, offer to save as a skill. Skip for simple one-offs. Confirm with user before \
                creating/deleting.

                Good skills: trigger conditions, numbered steps with exact commands, pitfalls section, verification steps. Use \
                skill_view() to see format examples.

                Pinned skills are protected from deletion only — skill_manage(action='delete') will refuse with a message pointing the \
                user to `hermes curator unpin <name>`. Patches and edits go through on pinned skills so you can still improve them as \
                pitfalls come up; pin only guards against irrecoverable loss.
                """,
            parameters: [
                "type": "object",
                "properties": [
                    "action": [
                        "type": "string", "enum": ["create", "patch", "edit", "delete", "write_file", "remove_file"],
                        "description": "The action to perform.",
                    ],
                    "name": [
                        "type": "string",
                        "description":
                            "Skill name (lowercase, hyphens/underscores, max 64 chars). Must match an existing skill for patch/edit/delete/write_file/remove_file.",
                    ],
                    "content": [
                        "type": "string",
                        "description":
                            "Full SKILL.md content (YAML frontmatter + markdown body). Required for 'create' and 'edit'. For 'edit', read the skill first with skill_view() and provide the complete updated text.",
                    ],
                    "old_string": [
                        "type": "string",
                        "description":
                            "Text to find in the file (required for 'patch'). Must be unique unless replace_all=true. Include enough surrounding context to ensure uniqueness.",
                    ],
                    "new_string": [
                        "type": "string",
                        "description": "Replacement text (required for 'patch'). Can be empty string to delete the matched text.",
                    ],
                    "replace_all": [
                        "type": "boolean",
                        "description": "For 'patch': replace all occurrences instead of requiring a unique match (default: false).",
                    ],
                    "category": [
                        "type": "string",
                        "description":
                            "Optional category/domain for organizing the skill (e.g., 'devops', 'data-science', 'mlops'). Creates a subdirectory grouping. Only used with 'create'.",
                    ],
                    "file_path": [
                        "type": "string",
                        "description":
                            "Path to a supporting file within the skill directory. For 'write_file'/'remove_file': required, must be under references/, templates/, scripts/, or assets/. For 'patch': optional, defaults to SKILL.md if omitted.",
                    ],
                    "file_content": ["type": "string", "description": "Content for the file. Required for 'write_file'."],
                    "absorbed_into": [
                        "type": "string",
                        "description":
                            "For 'delete' only — declares intent so the curator can tell consolidation from pruning without guessing. Pass the umbrella skill name when this skill's content was merged into another (the target must already exist). Pass an empty string when the skill is truly stale and being pruned with no forwarding target. Omitting the arg on delete is supported for backward compatibility but downstream tooling (e.g. cron-job skill reference rewriting) will have to guess at intent.",
                    ],
                ],
                "required": ["action", "name"],
            ]
        )
    }

    /// The spec for the default home, `~/.hermes`.
    static let spec = specification(displayHome: "~/.hermes")

    let spec: ToolSpec

    init(spec: ToolSpec = Self.spec) { self.spec = spec }

    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        guard let library = context.skills else { return SkillsLibrary.unavailable.text }
        let request = SkillManageRequest(arguments)
        return try await FileIO.offload { library.manage(request).text }
    }
}

/// The arguments of one `skill_manage` call (`args.get(...)`: absent and null are nil).
struct SkillManageRequest: Sendable {
    var action: String
    var name: String
    var content: String?
    var category: String?
    var filePath: String?
    var fileContent: String?
    var oldString: String?
    var newString: String?
    var replaceAll: Bool
    var absorbedInto: String?

    init(_ arguments: JSONValue) {
        action = arguments["action"]?.stringValue ?? ""
        name = arguments["name"]?.stringValue ?? ""
        content = arguments["content"]?.stringValue
        category = arguments["category"]?.stringValue
        filePath = arguments["file_path"]?.stringValue
        fileContent = arguments["file_content"]?.stringValue
        oldString = arguments["old_string"]?.stringValue
        newString = arguments["new_string"]?.stringValue
        replaceAll = arguments["replace_all"]?.boolValue ?? false
        absorbedInto = arguments["absorbed_into"]?.stringValue
    }
}

extension SkillsLibrary {
    static let maxContentCharacters = 100_000
    static let maxFileBytes = 1_048_576
    static let allowedSubdirectories = ["assets", "references", "scripts", "templates"]

    private static func refusal(_ message: String) -> PythonJSON { .object(["success": false, "error": .string(message)]) }

    /// Python's `skill_manage(...)`.
    func manage(_ request: SkillManageRequest) -> PythonJSON {
        let result: PythonJSON
        switch request.action {
        case "create":
            guard let content = request.content, !content.isEmpty else {
                return .toolError("content is required for 'create'. Provide the full SKILL.md text (frontmatter + body).")
            }
            result = create(request.name, content: content, category: request.category)
        case "edit":
            guard let content = request.content, !content.isEmpty else {
                return .toolError("content is required for 'edit'. Provide the full updated SKILL.md text.")
            }
            result = edit(request.name, content: content)
        case "patch":
            guard let old = request.oldString, !old.isEmpty else {
                return .toolError("old_string is required for 'patch'. Provide the text to find.")
            }
            guard let new = request.newString else {
                return .toolError("new_string is required for 'patch'. Use empty string to delete matched text.")
            }
            result = patch(request.name, old: old, new: new, filePath: request.filePath, replaceAll: request.replaceAll)
        case "delete":
            result = delete(request.name, absorbedInto: request.absorbedInto)
        case "write_file":
            guard let filePath = request.filePath, !filePath.isEmpty else {
                return .toolError("file_path is required for 'write_file'. Example: 'references/api-guide.md'")
            }
            guard let fileContent = request.fileContent else { return .toolError("file_content is required for 'write_file'.") }
            result = writeFile(request.name, filePath: filePath, content: fileContent)
        case "remove_file":
            guard let filePath = request.filePath, !filePath.isEmpty else { return .toolError("file_path is required for 'remove_file'.") }
            result = removeFile(request.name, filePath: filePath)
        default:
            result = Self.refusal("Unknown action '\(request.action)'. Use: create, edit, patch, delete, write_file, remove_file")
        }
        if result["success"] == .bool(true) {
            SkillsIndex.invalidate(hermesHome: hermesHome)
            let usage = SkillUsage(skillsDirectory: skillsDirectory)
            switch request.action {
            case "patch", "edit", "write_file", "remove_file": usage.recordPatch(of: request.name)
            case "delete": usage.forget(request.name)
            default: break
            }
        }
        return result
    }

    // MARK: - Checks

    /// `VALID_NAME_RE`: `^[a-z0-9][a-z0-9._-]*$`.
    private static func isValidName(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// `_validate_name`.
    static func nameError(_ name: String) -> String? {
        if name.isEmpty { return "Skill name is required." }
        if PythonText.length(name) > 64 { return "Skill name exceeds 64 characters." }
        guard isValidName(name) else {
            return "Invalid skill name '\(name)'. Use lowercase letters, numbers, hyphens, dots, and underscores. Must start with a letter or digit."
        }
        return nil
    }

    /// `_validate_category`.
    static func categoryError(_ category: String?) -> String? {
        guard let category else { return nil }
        let stripped = PythonText.strip(category)
        guard !stripped.isEmpty else { return nil }
        let invalid =
            "Invalid category '\(stripped)'. Use lowercase letters, numbers, hyphens, dots, and underscores. Categories must be a single directory name."
        if stripped.contains("/") || stripped.contains("\\") { return invalid }
        if PythonText.length(stripped) > 64 { return "Category exceeds 64 characters." }
        return isValidName(stripped) ? nil : invalid
    }

    /// `_validate_frontmatter`: a `SKILL.md` with a closed YAML mapping holding `name` and
    /// `description`, and a body. A YAML error is described in Yams's words, not PyYAML's.
    static func frontmatterError(_ content: String) -> String? {
        if PythonText.strip(content).isEmpty { return "Content cannot be empty." }
        let content = PythonText.stripLeading(content, "\u{FEFF}")
        guard content.hasPrefix("---") else {
            return "SKILL.md must start with YAML frontmatter (---). See existing skills for format."
        }
        guard let (yaml, body) = SkillDocument.split(content) else {
            return "SKILL.md frontmatter is not closed. Ensure you have a closing '---' line."
        }
        let parsed: PythonJSON
        do {
            parsed = try SkillDocument.load(yaml)
        } catch {
            return "YAML frontmatter parse error: \(error)"
        }
        guard case .object = parsed else { return "Frontmatter must be a YAML mapping (key: value pairs)." }
        guard parsed["name"] != nil else { return "Frontmatter must include 'name' field." }
        guard let description = parsed["description"] else { return "Frontmatter must include 'description' field." }
        if PythonText.length(description.pythonString) > 1024 { return "Description exceeds 1024 characters." }
        if PythonText.strip(body).isEmpty {
            return "SKILL.md must have content after the frontmatter (instructions, procedures, etc.)."
        }
        return nil
    }

    /// `_validate_content_size`.
    static func sizeError(_ content: String, label: String = "SKILL.md") -> String? {
        let length = PythonText.length(content)
        guard length > maxContentCharacters else { return nil }
        return """
            \(label) content is \(PythonText.grouped(length)) characters (limit: \(PythonText.grouped(maxContentCharacters))). \
            Consider splitting into a smaller SKILL.md with supporting files in references/ or templates/.
            """
    }

    /// `_validate_file_path`: `SKILL.md`, or a file under one of the support directories.
    static func filePathError(_ filePath: String) -> String? {
        if filePath.isEmpty { return "file_path is required." }
        if hasTraversal(filePath) { return "Path traversal ('..') is not allowed." }
        let parts = SkillFiles.parts(filePath)
        if let last = parts.last, last == "SKILL.md", parts.count == 1 || parts.count == 2 { return nil }
        guard let first = parts.first, allowedSubdirectories.contains(first) else {
            return "File must be under one of: \(allowedSubdirectories.joined(separator: ", ")). Got: '\(filePath)'"
        }
        if parts.count < 2 { return "Provide a file path, not just a directory. Example: '\(first)/myfile.md'" }
        return nil
    }

    /// The description `_change` reports: the front matter's, as text, at most 120 characters.
    private static func changedDescription(_ content: String) -> String {
        guard let (yaml, _) = SkillDocument.split(content), let parsed = try? SkillDocument.load(yaml), let value = parsed["description"]
        else { return "" }
        return PythonText.prefix(value.pythonString, 120)
    }

    // MARK: - Finding

    /// `_find_skill`: the first folder named `name` holding a `SKILL.md`, locally then in the
    /// external directories.
    func findSkill(_ name: String) -> String? {
        let settings = settings()
        for root in [skillsDirectory] + externalDirectories(settings) where SkillFiles.exists(root) {
            let files = SkillFiles.recursiveGlob(root, "SKILL.md").sorted(by: SkillFiles.codePointOrder)
            if let file = files.first(where: { !SkillFiles.isExcluded($0) && SkillFiles.name(SkillFiles.parent($0)) == name }) {
                return SkillFiles.parent(file)
            }
        }
        return nil
    }

    /// `_skill_not_found_error`: names the other profiles that hold a skill of that name.
    func notFound(_ name: String, suffix: String = "") -> String {
        var message = "Skill '\(name)' not found in active profile '\(profile)'."
        let others = otherProfiles(holding: name)
        if others.count == 1 {
            message += """
                 A skill by that name exists in profile '\(others[0].profile)' (\(others[0].directory)). To edit a skill in another \
                profile, switch profiles (`hermes -p \(others[0].profile)`) or operate via explicit file tools with ``cross_profile=True``.
                """
        } else if !others.isEmpty {
            let names = others.map { "'\($0.profile)'" }.joined(separator: ", ")
            message += """
                 Skills by that name exist in other profiles: \(names). Switch profiles (`hermes -p <name>`) to edit there, or \
                operate via explicit file tools with ``cross_profile=True``.
                """
        } else {
            message += " Use skills_list() to see available skills."
        }
        return message + suffix
    }

    /// `_find_skill_in_other_profiles`: the default profile's skills and every named profile's,
    /// but this one's.
    private func otherProfiles(holding name: String) -> [(profile: String, directory: String)] {
        let parent = SkillFiles.parent(hermesHome)
        let root = SkillFiles.name(parent) == "profiles" ? SkillFiles.parent(parent) : hermesHome
        let active = SkillFiles.resolved(skillsDirectory)
        var candidates: [(String, String)] = []
        if SkillFiles.resolved(root + "/skills") != active { candidates.append(("default", root + "/skills")) }
        for profile in SkillFiles.names(in: root + "/profiles") where SkillFiles.isDirectory(root + "/profiles/" + profile) {
            let skills = root + "/profiles/" + profile + "/skills"
            if SkillFiles.resolved(skills) != active { candidates.append((profile, skills)) }
        }
        return candidates.compactMap { profile, skills in
            guard SkillFiles.isDirectory(skills) else { return nil }
            let match = SkillFiles.recursiveGlob(skills, "SKILL.md").sorted(by: SkillFiles.codePointOrder)
                .first { !SkillFiles.isExcluded($0) && SkillFiles.name(SkillFiles.parent($0)) == name }
            return match.map { (profile, SkillFiles.parent($0)) }
        }
    }

    // MARK: - Actions

    private func create(_ name: String, content: String, category: String?) -> PythonJSON {
        if let error = Self.nameError(name) ?? Self.categoryError(category) ?? Self.frontmatterError(content) ?? Self.sizeError(content) {
            return Self.refusal(error)
        }
        if let existing = findSkill(name) { return Self.refusal("A skill named '\(name)' already exists at \(existing).") }
        let directory = category.flatMap { $0.isEmpty ? nil : skillsDirectory + "/" + $0 + "/" + name } ?? skillsDirectory + "/" + name
        let file = directory + "/SKILL.md"
        do {
            try Self.write(content, to: file)
        } catch {
            return .toolError(error.message)
        }
        var result: [PythonJSON.Member] = [
            .init(key: "success", value: true),
            .init(key: "message", value: .string("Skill '\(name)' created.")),
            .init(key: "path", value: .string(SkillFiles.relative(directory, to: skillsDirectory) ?? directory)),
            .init(key: "skill_md", value: .string(file)),
            .init(key: "_change", value: .object(["description": .string(Self.changedDescription(content))])),
        ]
        if let category, !category.isEmpty { result.append(.init(key: "category", value: .string(category))) }
        let hint =
            "To add reference files, templates, or scripts, use skill_manage(action='write_file', name='\(name)', file_path='references/example.md', file_content='...')"
        result.append(.init(key: "hint", value: .string(hint)))
        return .object(result)
    }

    private func edit(_ name: String, content: String) -> PythonJSON {
        if let error = Self.frontmatterError(content) ?? Self.sizeError(content) { return Self.refusal(error) }
        guard let directory = findSkill(name) else { return Self.refusal(notFound(name)) }
        do {
            try Self.write(content, to: directory + "/SKILL.md")
        } catch {
            return .toolError(error.message)
        }
        return .object([
            "success": true, "message": .string("Skill '\(name)' updated (full rewrite)."), "path": .string(directory),
            "_change": .object(["description": .string(Self.changedDescription(content))]),
        ])
    }

    private func patch(_ name: String, old: String, new: String, filePath: String?, replaceAll: Bool) -> PythonJSON {
        guard let directory = findSkill(name) else { return Self.refusal(notFound(name)) }
        let target: String
        if let filePath, !filePath.isEmpty {
            if let error = Self.filePathError(filePath) ?? Self.escapeError(SkillFiles.join(directory, filePath), root: directory) {
                return Self.refusal(error)
            }
            target = SkillFiles.join(directory, filePath)
        } else {
            target = directory + "/SKILL.md"
        }
        let label = filePath.flatMap { $0.isEmpty ? nil : $0 } ?? "SKILL.md"
        guard SkillFiles.exists(target) else {
            return Self.refusal("File not found: \(SkillFiles.relative(target, to: directory) ?? target)")
        }
        guard let content = SkillFiles.readText(target) else { return .toolError("cannot read \(target) as UTF-8 text") }
        // The same matcher as the `patch` tool's, as in Python: spacing, indentation and quotes
        // the model misremembers do not make it fail.
        let outcome = FuzzyMatch.findAndReplace(in: content, old: old, new: new, replaceAll: replaceAll)
        if let error = outcome.error {
            let preview = PythonText.prefix(content, 500) + (PythonText.length(content) > 500 ? "..." : "")
            let message = error + FuzzyMatch.noMatchHint(error: error, count: outcome.count, old: old, content: content)
            return .object(["success": false, "error": .string(message), "file_preview": .string(preview)])
        }
        let replaced = (text: outcome.content, count: outcome.count)
        if let error = Self.sizeError(replaced.text, label: label) { return Self.refusal(error) }
        if (filePath ?? "").isEmpty, let error = Self.frontmatterError(replaced.text) {
            return Self.refusal("Patch would break SKILL.md structure: \(error)")
        }
        do {
            try Self.write(replaced.text, to: target)
        } catch {
            return .toolError(error.message)
        }
        func preview(_ text: String) -> String { PythonText.prefix(text, 200) + (PythonText.length(text) > 200 ? "…" : "") }
        let plural = replaced.count > 1 ? "s" : ""
        return .object([
            "success": true, "message": .string("Patched \(label) in skill '\(name)' (\(replaced.count) replacement\(plural))."),
            "_change": .object(["old": .string(preview(old)), "new": .string(preview(new))]),
        ])
    }

    private func delete(_ name: String, absorbedInto: String?) -> PythonJSON {
        guard let directory = findSkill(name) else { return Self.refusal(notFound(name)) }
        if SkillUsage(skillsDirectory: skillsDirectory).isPinned(name) {
            return Self.refusal(
                "Skill '\(name)' is pinned and cannot be deleted by skill_manage. Ask the user to run `hermes curator unpin \(name)` if they want to delete it. Patches and edits are allowed on pinned skills; only deletion is blocked."
            )
        }
        let absorbed = absorbedInto.map { PythonText.strip($0) } ?? ""
        if !absorbed.isEmpty {
            if absorbed == name { return Self.refusal("absorbed_into='\(absorbed)' cannot equal the skill being deleted.") }
            if findSkill(absorbed) == nil {
                return Self.refusal(
                    "absorbed_into='\(absorbed)' does not exist. Create or patch the umbrella skill first, then retry the delete.")
            }
        }
        let roots = [skillsDirectory] + externalDirectories(settings())
        if let unsafe = Self.deleteRefusal(directory, roots: roots) { return Self.refusal(unsafe) }
        let resolved = SkillFiles.resolved(directory)
        let root = roots.first { SkillFiles.relative(resolved, to: SkillFiles.resolved($0)) != nil } ?? skillsDirectory
        do {
            try FileManager.default.removeItem(atPath: directory)
        } catch {
            return .toolError("cannot delete \(directory): \(error.localizedDescription)")
        }
        let parent = SkillFiles.parent(directory)
        if parent != SkillFiles.normalized(root), SkillFiles.isDirectory(parent), SkillFiles.names(in: parent).isEmpty {
            rmdir(parent)
        }
        var message = "Skill '\(name)' deleted."
        if !absorbed.isEmpty { message += " Content absorbed into '\(absorbed)'." }
        return .object(["success": true, "message": .string(message)])
    }

    /// `_validate_delete_target`: never a link, a skills root itself, or a folder outside the roots.
    static func deleteRefusal(_ directory: String, roots: [String]) -> String? {
        if SkillFiles.isLink(directory) {
            return "Refusing to delete '\(directory)': the skill directory is a symlink/junction. Remove the link target manually if intended."
        }
        let resolved = SkillFiles.resolved(directory)
        for root in roots.map(SkillFiles.resolved) {
            if resolved == root {
                return "Refusing to delete '\(directory)': resolves to the skills root itself, which would remove every installed skill."
            }
            if SkillFiles.relative(resolved, to: root) != nil { return nil }
        }
        return "Refusing to delete '\(directory)': path does not resolve inside any known skills root."
    }

    private func writeFile(_ name: String, filePath: String, content: String) -> PythonJSON {
        if let error = Self.filePathError(filePath) { return Self.refusal(error) }
        let bytes = content.utf8.count
        if bytes > Self.maxFileBytes {
            return Self.refusal(
                "File content is \(PythonText.grouped(bytes)) bytes (limit: \(PythonText.grouped(Self.maxFileBytes)) bytes / 1 MiB). Consider splitting into smaller files."
            )
        }
        if let error = Self.sizeError(content, label: filePath) { return Self.refusal(error) }
        guard let directory = findSkill(name) else {
            return Self.refusal(notFound(name, suffix: " Create it first with action='create'."))
        }
        let target = SkillFiles.join(directory, filePath)
        if let error = Self.escapeError(target, root: directory) { return Self.refusal(error) }
        do {
            try Self.write(content, to: target)
        } catch {
            return .toolError(error.message)
        }
        return .object(["success": true, "message": .string("File '\(filePath)' written to skill '\(name)'."), "path": .string(target)])
    }

    private func removeFile(_ name: String, filePath: String) -> PythonJSON {
        if let error = Self.filePathError(filePath) { return Self.refusal(error) }
        guard let directory = findSkill(name) else { return Self.refusal(notFound(name)) }
        let target = SkillFiles.join(directory, filePath)
        if let error = Self.escapeError(target, root: directory) { return Self.refusal(error) }
        guard SkillFiles.exists(target) else {
            let available = Self.allowedSubdirectories.flatMap { subdirectory -> [String] in
                let path = directory + "/" + subdirectory
                guard SkillFiles.exists(path) else { return [] }
                return SkillFiles.allFiles(under: path).compactMap { SkillFiles.relative($0, to: directory) }.sorted(by: SkillFiles.codePointOrder)
            }
            return .object([
                "success": false, "error": .string("File '\(filePath)' not found in skill '\(name)'."),
                "available_files": available.isEmpty ? .null : .strings(available),
            ])
        }
        guard unlink(target) == 0 else { return .toolError("cannot remove \(target): \(String(cString: strerror(errno)))") }
        let parent = SkillFiles.parent(target)
        if parent != SkillFiles.normalized(directory), SkillFiles.isDirectory(parent), SkillFiles.names(in: parent).isEmpty {
            rmdir(parent)
        }
        return .object(["success": true, "message": .string("File '\(filePath)' removed from skill '\(name)'.")])
    }

    /// `_atomic_write_text`: the folders made, the text written whole, mode 0600; a link is kept
    /// and the file it points to written.
    static func write(_ text: String, to path: String) throws(MemoryStoreError) {
        try MemoryFile.makeDirectory(SkillFiles.parent(path))
        let destination = SkillFiles.isLink(path) ? SkillFiles.resolved(path) : path
        do {
            try AtomicFile.write(Array(text.utf8), to: destination, mode: 0o600)
        } catch {
            throw MemoryStoreError("cannot write \(path): \(error)")
        }
    }
}

extension PythonText {
    /// `text.lstrip(character)`.
    static func stripLeading(_ text: String, _ character: Unicode.Scalar) -> String {
        String(text.unicodeScalars.drop { $0 == character })
    }
}
