import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lines of the system prompt's `<available_skills>` index, as Python's
/// `build_skills_system_prompt` writes them: by category (sorted; a category's `DESCRIPTION.md`
/// after its name), each skill's front-matter name and the first 60 characters of its
/// description, sorted, the local skills first and an external one of the same name left out.
/// Skills for another OS or an inactive environment, disabled ones, and those whose
/// `metadata.hermes` conditions (`requires_tools`, `fallback_for_toolsets`, …) the session's
/// tools rule out are not listed. The categories a session's coding posture demotes (its focus
/// mode) are listed on one line each, by their skills' names only.
///
/// Built from the files once and then served from a process-wide cache of the last eight
/// indexes, keyed by what they depend on, the stamps (modification time and size) of every
/// `SKILL.md` and `DESCRIPTION.md` included, so sessions share one index until a skill changes.
/// Python's in-process cache has no stamps (only `skill_manage` clears it) and its disk snapshot
/// (`.skills_prompt_snapshot.json`) is checked against the local stamps; this cache rebuilds on any
/// change, local or external, and writes no snapshot (it removes Python's on every change it
/// makes, as Python does, so neither implementation serves a stale one).
public enum SkillsIndex {
    /// The index of one session.
    public struct Listing: Sendable, Equatable {
        /// Its lines: a category, then its skills; or a demoted category with its skills' names.
        public var lines: [String]
        /// Whether a category was listed by name only (then Python's prompt says why).
        public var hasNamesOnly: Bool
    }

    private struct Key: Hashable {
        var roots: [String]
        var tools: [String]
        var toolsets: [String]
        var disabled: [String]
        var namesOnly: [String]
        var stamps: [String]
    }

    private struct Cache {
        var entries: [Key: Listing] = [:]
        var order: [Key] = []
    }

    private static let capacity = 8
    private static let cache = Mutex(Cache())

    /// The index for a session offered `tools`, whose toolsets are `toolsets`, with the
    /// categories whose first folder is in `namesOnly` demoted; no lines when no skill is listed
    /// (then the prompt has no skills part). Blocks on the file system.
    public static func listing(
        _ library: SkillsLibrary, tools: Set<String>, toolsets: Set<String>, namesOnly: Set<String> = []
    ) -> Listing {
        let settings = library.settings()
        let external = library.externalDirectories(settings)
        let local = library.skillsDirectory
        guard SkillFiles.isDirectory(local) || !external.isEmpty else { return Listing(lines: [], hasNamesOnly: false) }
        let disabled = library.disabledNames(settings)
        let key = Key(
            roots: [local] + external, tools: tools.sorted(), toolsets: toolsets.sorted(), disabled: disabled.sorted(),
            namesOnly: namesOnly.sorted(), stamps: ([local] + external).flatMap(stamps(of:)))
        if let hit = cache.withLock({ $0.entries[key] }) { return hit }
        let built = build(local: local, external: external, disabled: disabled, tools: tools, toolsets: toolsets, namesOnly: namesOnly)
        cache.withLock { cache in
            cache.entries[key] = built
            cache.order.removeAll { $0 == key }
            cache.order.append(key)
            while cache.order.count > capacity { cache.entries[cache.order.removeFirst()] = nil }
        }
        return built
    }

    /// Python's `clear_skills_system_prompt_cache(clear_snapshot=True)`, after `skill_manage`
    /// changed a skill: the cache emptied and Python's disk snapshot removed.
    static func invalidate(hermesHome: String) {
        cache.withLock { $0 = Cache() }
        unlink(hermesHome + "/.skills_prompt_snapshot.json")
    }

    /// `_build_skills_manifest`: every `SKILL.md` and `DESCRIPTION.md` with its stamp.
    private static func stamps(of root: String) -> [String] {
        (SkillFiles.indexFiles(in: root, named: "SKILL.md") + SkillFiles.indexFiles(in: root, named: "DESCRIPTION.md")).map { file in
            let stamp = SkillFiles.stamp(file) ?? []
            return file + "\u{0}" + stamp.map(String.init).joined(separator: ",")
        }
    }

    private struct Entry {
        var skillName: String
        var category: String
        var frontmatterName: String
        var description: String
    }

    private static func build(
        local: String, external: [String], disabled: Set<String>, tools: Set<String>, toolsets: Set<String>, namesOnly: Set<String>
    ) -> Listing {
        var byCategory: [String: [(name: String, description: String)]] = [:]
        var categoryDescriptions: [String: String] = [:]
        var seen = Set<String>()
        for (index, root) in ([local] + external).enumerated() where SkillFiles.isDirectory(root) {
            let isLocal = index == 0
            for file in SkillFiles.indexFiles(in: root, named: "SKILL.md") {
                let (compatible, document, description) = parse(file)
                guard compatible else { continue }
                let entry = entry(file, root: root, document: document, description: description)
                if !isLocal && seen.contains(entry.frontmatterName) { continue }
                if disabled.contains(entry.frontmatterName) || disabled.contains(entry.skillName) { continue }
                guard shouldShow(document, tools: tools, toolsets: toolsets) else { continue }
                if !isLocal { seen.insert(entry.frontmatterName) }
                byCategory[entry.category, default: []].append((entry.frontmatterName, entry.description))
            }
            if isLocal { seen = Set(byCategory.values.flatMap { $0.map(\.name) }) }
            for file in SkillFiles.indexFiles(in: root, named: "DESCRIPTION.md") {
                guard let text = SkillFiles.readText(file), let value = SkillDocument(parsing: text)["description"], value.isTruthy,
                    let relative = SkillFiles.relative(file, to: root)
                else { continue }
                let parts = relative.split(separator: "/").dropLast()
                let category = parts.isEmpty ? "general" : parts.joined(separator: "/")
                let description = PythonText.strip(PythonText.strip(value.pythonString), characters: ["'", "\""])
                if isLocal || categoryDescriptions[category] == nil { categoryDescriptions[category] = description }
            }
        }
        var lines: [String] = []
        var hasNamesOnly = false
        for category in byCategory.keys.sorted(by: SkillFiles.codePointOrder) {
            // A demoted category keeps every skill's name, so a skill the model remembers can still be loaded.
            if namesOnly.contains(String(category.prefix { $0 != "/" })) {
                let names = Set(byCategory[category]!.map(\.name)).sorted(by: SkillFiles.codePointOrder)
                lines.append("  \(category) [names only]: \(names.joined(separator: ", "))")
                hasNamesOnly = true
                continue
            }
            let description = categoryDescriptions[category] ?? ""
            lines.append(description.isEmpty ? "  \(category):" : "  \(category): \(description)")
            let skills = byCategory[category]!.enumerated().sorted { a, b in
                a.element.name == b.element.name ? a.offset < b.offset : SkillFiles.codePointOrder(a.element.name, b.element.name)
            }
            var listed = Set<String>()
            for (_, skill) in skills where listed.insert(skill.name).inserted {
                lines.append(skill.description.isEmpty ? "    - \(skill.name)" : "    - \(skill.name): \(skill.description)")
            }
        }
        return Listing(lines: lines, hasNamesOnly: hasNamesOnly)
    }

    /// `_parse_skill_file`: whether the skill is offered here, its front matter, and its short
    /// description; an unreadable file is offered, with neither.
    private static func parse(_ file: String) -> (Bool, SkillDocument, String) {
        guard let text = SkillFiles.readText(file) else { return (true, SkillDocument(parsing: ""), "") }
        let document = SkillDocument(parsing: text)
        guard SkillsLibrary.matchesPlatform(document), SkillsLibrary.matchesEnvironment(document) else { return (false, document, "") }
        return (true, document, shortDescription(document))
    }

    /// `extract_skill_description`: stripped of spaces and quotes, at most 60 characters.
    static func shortDescription(_ document: SkillDocument) -> String {
        guard let value = document["description"], value.isTruthy else { return "" }
        let text = PythonText.strip(PythonText.strip(value.pythonString), characters: ["'", "\""])
        return PythonText.length(text) > 60 ? PythonText.prefix(text, 57) + "..." : text
    }

    /// `_build_snapshot_entry`: the folder name, the category (the folders above it; a top-level
    /// skill is its own category) and the name the index shows.
    private static func entry(_ file: String, root: String, document: SkillDocument, description: String) -> Entry {
        let parts = (SkillFiles.relative(file, to: root) ?? SkillFiles.name(file)).split(separator: "/").map(String.init)
        let skillName: String
        let category: String
        if parts.count >= 2 {
            skillName = parts[parts.count - 2]
            category = parts.count > 2 ? parts.dropLast(2).joined(separator: "/") : parts[0]
        } else {
            skillName = SkillFiles.name(SkillFiles.parent(file))
            category = "general"
        }
        let frontmatterName = document["name"]?.pythonString ?? skillName
        return Entry(skillName: skillName, category: category, frontmatterName: frontmatterName, description: description)
    }

    /// `_skill_should_show` with `extract_skill_conditions`: hidden when a tool or toolset it
    /// stands in for is offered, or one it requires is not.
    private static func shouldShow(_ document: SkillDocument, tools: Set<String>, toolsets: Set<String>) -> Bool {
        guard let metadata = document["metadata"], case .object = metadata, let hermes = metadata["hermes"], case .object = hermes
        else { return true }
        func names(_ key: String) -> [String] {
            switch hermes[key] {
            case .array(let items)?: items.map(\.pythonString)
            case .string(let text)?: text.map(String.init)
            default: []
            }
        }
        if names("fallback_for_toolsets").contains(where: toolsets.contains) { return false }
        if names("fallback_for_tools").contains(where: tools.contains) { return false }
        if names("requires_toolsets").contains(where: { !toolsets.contains($0) }) { return false }
        if names("requires_tools").contains(where: { !tools.contains($0) }) { return false }
        return true
    }
}
