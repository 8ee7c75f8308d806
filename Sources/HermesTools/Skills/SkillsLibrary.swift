import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A profile's skills as the Python project lays them out and filters them: `$HERMES_HOME/skills`
/// (category folders, each skill a folder with a `SKILL.md` and its linked files), then the
/// directories of `skills.external_dirs`; skills for another OS (`platforms:`) or a runtime
/// environment that is not active (`environments:`) left out, and those `skills.disabled` (or
/// `skills.platform_disabled.<platform>`) names. `config.yaml` is read at each use, as Python's
/// `skill_utils` reads it, so a skill disabled while a session runs is gone from its next call.
///
/// A value: the runtime makes one per session (its platform decides the disabled list). Its
/// functions block on the file system; the tools and the prompt call them on the blocking pool.
public struct SkillsLibrary: Sendable {
    /// `$HERMES_HOME`.
    public var hermesHome: String
    /// `$HOME`, for the `~/` Python writes in paths it shows.
    public var userHome: String
    /// The profile (`default`, or its name), which a "not found" answer names.
    public var profile: String
    /// The session's platform as Python's gateway binds it (`telegram`, `api_server`, …); empty
    /// for the CLI, which binds none. `HERMES_PLATFORM` overrides it, as in Python.
    public var platform: String
    /// The session ID, which `${HERMES_SESSION_ID}` in a skill becomes.
    public var sessionID: String?

    /// A library over `hermesHome/skills`.
    public init(hermesHome: String, userHome: String, profile: String = "default", platform: String = "", sessionID: String? = nil) {
        self.hermesHome = SkillFiles.normalized(hermesHome)
        self.userHome = userHome
        self.profile = profile
        self.platform = platform
        self.sessionID = sessionID
    }

    /// `$HERMES_HOME/skills`.
    public var skillsDirectory: String { hermesHome + "/skills" }

    /// Python's `display_hermes_home()`: `~/…` when the home is under `$HOME`.
    public var displayHome: String { Self.displayHome(hermesHome, userHome: userHome) }

    /// `display_hermes_home()` of `hermesHome`.
    public static func displayHome(_ hermesHome: String, userHome: String) -> String {
        if let relative = SkillFiles.relative(hermesHome, to: userHome), relative != "." { return "~/" + relative }
        return hermesHome
    }

    /// The platform the disabled lists are chosen by.
    var resolvedPlatform: String {
        if let override = getenv("HERMES_PLATFORM").map({ String(cString: $0) }), !override.isEmpty { return override }
        return platform
    }

    /// Whether Python would treat the session as a messaging surface (no secret prompt).
    var isGatewaySurface: Bool {
        if let flag = getenv("HERMES_GATEWAY_SESSION").map({ String(cString: $0) }), Self.enabled(flag) { return true }
        return !platform.isEmpty
    }

    private static func enabled(_ value: String) -> Bool {
        ["1", "true", "yes", "on"].contains(PythonText.strip(value).lowercased())
    }

    // MARK: - config.yaml

    /// The `skills:` section of `config.yaml`, as Python's `_load_raw_config` reads it (no
    /// defaults merged); empty when the file is missing or unreadable.
    func settings() -> [PythonJSON.Member] {
        guard let text = SkillFiles.readText(hermesHome + "/config.yaml"),
            case .object(let members)? = try? SkillDocument.load(text),
            case .object(let skills)? = members.last(where: { $0.key == "skills" })?.value
        else { return [] }
        return skills
    }

    /// `get_disabled_skill_names()`: the global list, with the platform's added when it has one.
    func disabledNames(_ settings: [PythonJSON.Member]) -> Set<String> {
        let section = PythonJSON.object(settings)
        var disabled = Self.stringSet(section["disabled"])
        let platform = resolvedPlatform
        if !platform.isEmpty, let list = section["platform_disabled"]?[platform], list != .null {
            disabled.formUnion(Self.stringSet(list))
        }
        return disabled
    }

    private static func stringSet(_ value: PythonJSON?) -> Set<String> {
        switch value {
        case .string(let text)?:
            let stripped = PythonText.strip(text)
            return stripped.isEmpty ? [] : [stripped]
        case .array(let items)?:
            return Set(items.map { PythonText.strip($0.pythonString) }.filter { !$0.isEmpty })
        default: return []
        }
    }

    /// `get_external_skills_dirs()`: `skills.external_dirs`, `~` and `${VAR}` expanded, relative
    /// ones under `$HERMES_HOME`, resolved; only existing directories, none twice, not the local one.
    func externalDirectories(_ settings: [PythonJSON.Member]) -> [String] {
        let raw: [PythonJSON]
        switch PythonJSON.object(settings)["external_dirs"] {
        case .string(let text)?: raw = [.string(text)]
        case .array(let items)?: raw = items
        default: return []
        }
        let local = SkillFiles.resolved(skillsDirectory)
        var seen = Set<String>()
        var result: [String] = []
        for entry in raw {
            let text = PythonText.strip(entry.pythonString)
            guard !text.isEmpty else { continue }
            var expanded = Self.expandingVariables(text)
            if expanded == "~" || expanded.hasPrefix("~/") { expanded = userHome + expanded.dropFirst() }
            let path = SkillFiles.resolved(expanded.hasPrefix("/") ? expanded : hermesHome + "/" + expanded)
            guard path != local, !seen.contains(path), SkillFiles.isDirectory(path) else { continue }
            seen.insert(path)
            result.append(path)
        }
        return result
    }

    /// `os.path.expandvars`: `$NAME` and `${NAME}` of set variables replaced, others kept.
    private static func expandingVariables(_ text: String) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            var name = Substring("")
            var end = after.startIndex
            if after.first == "{", let close = after.firstIndex(of: "}") {
                name = after[after.index(after: after.startIndex)..<close]
                end = after.index(after: close)
            } else {
                let scalars = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                name = scalars
                end = scalars.endIndex
            }
            if !name.isEmpty, let value = getenv(String(name)) {
                out += String(cString: value)
                rest = after[end...]
            } else {
                out += "$"
                rest = after
            }
        }
        return out + rest
    }

    /// The local directory (when it exists), then the external ones: where skills are looked up.
    func roots(_ settings: [PythonJSON.Member]) -> [String] {
        (SkillFiles.isDirectory(skillsDirectory) ? [skillsDirectory] : []) + externalDirectories(settings)
    }

    // MARK: - Filters

    /// `skill_matches_platform`: no `platforms:`, or one naming this OS (`macos`, `linux`, `windows`).
    static func matchesPlatform(_ document: SkillDocument) -> Bool { matchesPlatforms(document["platforms"]) }

    /// `skill_matches_platform_list`.
    static func matchesPlatforms(_ value: PythonJSON?) -> Bool {
        guard let value, value.isTruthy else { return true }
        let list: [PythonJSON]
        if case .array(let items) = value { list = items } else { list = [value] }
        #if os(macOS)
            let current = "darwin"
        #elseif os(Windows)
            let current = "win32"
        #else
            let current = "linux"
        #endif
        let map = ["macos": "darwin", "linux": "linux", "windows": "win32"]
        return list.contains { item in
            let normalized = PythonText.strip(item.pythonString).lowercased()
            return current.hasPrefix(map[normalized] ?? normalized)
        }
    }

    /// `skill_matches_environment`: no `environments:`, an unknown tag, or one of `kanban`,
    /// `docker`, `s6` active (hides a skill from the list and the prompt, never from `skill_view`).
    static func matchesEnvironment(_ document: SkillDocument) -> Bool {
        guard let value = document["environments"], value.isTruthy else { return true }
        let list: [PythonJSON]
        if case .array(let items) = value { list = items } else { list = [value] }
        for item in list {
            let tag = PythonText.strip(item.pythonString).lowercased()
            guard !tag.isEmpty else { continue }
            guard ["kanban", "docker", "s6"].contains(tag) else { return true }
            if detectedEnvironments.contains(tag) { return true }
        }
        return false
    }

    /// The runtime environments detected once per process, as Python's `_detect_environment`
    /// caches them. Kanban counts only through its worker variables: this implementation has no
    /// kanban toolset for a profile to opt into.
    static let detectedEnvironments: Set<String> = {
        var found = Set<String>()
        if getenv("HERMES_KANBAN_TASK") != nil || getenv("HERMES_KANBAN_BOARD") != nil { found.insert("kanban") }
        if isContainer() { found.insert("docker") }
        if SkillFiles.isDirectory("/run/s6") || SkillFiles.isDirectory("/package/admin/s6-overlay") { found.insert("s6") }
        return found
    }()

    /// `is_container()`.
    private static func isContainer() -> Bool {
        if SkillFiles.exists("/.dockerenv") || SkillFiles.exists("/run/.containerenv") { return true }
        if let value = getenv("KUBERNETES_SERVICE_HOST"), value.pointee != 0 { return true }
        let markers = ["docker", "podman", "/lxc/", "kubepods", "containerd", "crio"]
        for file in ["/proc/1/cgroup", "/proc/self/mountinfo"] {
            if let text = SkillFiles.readText(file), markers.contains(where: text.contains) { return true }
        }
        return false
    }

    // MARK: - Discovery

    /// One skill of `skills_list`.
    struct Summary: Sendable {
        var name: String
        var description: PythonJSON
        var category: String?

        var json: PythonJSON {
            .object(["name": .string(name), "description": description, "category": category.map(PythonJSON.string) ?? .null])
        }
    }

    /// `_find_all_skills()`: every skill offered, the local ones first, a name seen once; each
    /// `SKILL.md` read up to its first 4,000 characters, as Python reads it.
    func allSkills() -> [Summary] {
        let settings = settings()
        let disabled = disabledNames(settings)
        let external = externalDirectories(settings)
        var seen = Set<String>()
        var skills: [Summary] = []
        for root in roots(settings) {
            for file in SkillFiles.indexFiles(in: root, named: "SKILL.md") {
                guard !SkillFiles.parts(file).contains(where: SkillFiles.excludedDirectories.contains),
                    let text = SkillFiles.readText(file)
                else { continue }
                let document = SkillDocument(parsing: PythonText.prefix(text, 4000))
                guard Self.matchesPlatform(document), Self.matchesEnvironment(document) else { continue }
                let name: String
                switch document["name"] {
                case nil: name = PythonText.prefix(SkillFiles.name(SkillFiles.parent(file)), 64)
                case .string(let text)?: name = PythonText.prefix(text, 64)
                default: continue  // Python's slice of a non-string raises, and the skill is skipped.
                }
                guard !seen.contains(name), !disabled.contains(name) else { continue }
                guard var description = Self.listedDescription(document) else { continue }
                if case .string(let text) = description, PythonText.length(text) > 1024 {
                    description = .string(PythonText.prefix(text, 1021) + "...")
                }
                seen.insert(name)
                skills.append(Summary(name: name, description: description, category: category(of: file, external: external)))
            }
        }
        return skills
    }

    /// The description `skills_list` shows: the front matter's, else the body's first line that
    /// is not a heading; nil when Python's `len()` of it would raise (a number), skipping the skill.
    private static func listedDescription(_ document: SkillDocument) -> PythonJSON? {
        let value = document["description"] ?? .string("")
        if value.isTruthy {
            switch value {
            case .int, .double, .bool: return nil
            default: return value
            }
        }
        for line in PythonText.strip(document.body).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = PythonText.strip(String(line))
            if !line.isEmpty && !line.hasPrefix("#") { return .string(line) }
        }
        return value
    }

    /// `_get_category_from_path`: the first folder below the root, for a skill two levels down.
    func category(of skillFile: String, external: [String]) -> String? {
        for root in [skillsDirectory] + external {
            guard let relative = SkillFiles.relative(skillFile, to: root) else { continue }
            let parts = relative.split(separator: "/")
            if parts.count >= 3 { return String(parts[0]) }
        }
        return nil
    }

    /// `_sort_skills`: by category (none first), then name.
    static func sorted(_ skills: [Summary]) -> [Summary] {
        skills.sorted { a, b in
            let (ca, cb) = (a.category ?? "", b.category ?? "")
            if ca != cb { return SkillFiles.codePointOrder(ca, cb) }
            return SkillFiles.codePointOrder(a.name, b.name)
        }
    }
}
