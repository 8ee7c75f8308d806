import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file-system walks of the Python project's skill code (`agent/skill_utils.py`,
/// `pathlib`'s `glob` and `rglob`), on plain path strings. Every function here blocks: the skills
/// tools and the prompt index call them on the blocking-I/O pool.
///
/// Python lists a directory in the order the file system returns it; these sort every listing
/// (by code point), so that results do not depend on the file system.
enum SkillFiles {
    /// `EXCLUDED_SKILL_DIRS`: never scanned for skills.
    static let excludedDirectories: Set<String> = [
        ".git", ".github", ".hub", ".archive", ".venv", "venv", "node_modules", "site-packages", "__pycache__", ".tox",
        ".nox", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    ]
    /// `SKILL_SUPPORT_DIRS`: a skill's linked files, not skills of their own.
    static let supportDirectories: Set<String> = ["references", "templates", "assets", "scripts"]

    /// What is at `path` (symbolic links followed).
    enum Kind { case missing, file, directory }

    static func kind(_ path: String) -> Kind {
        var status = stat()
        guard stat(path, &status) == 0 else { return .missing }
        return status.st_mode & S_IFMT == S_IFDIR ? .directory : .file
    }

    static func exists(_ path: String) -> Bool { kind(path) != .missing }
    static func isDirectory(_ path: String) -> Bool { kind(path) == .directory }
    static func isFile(_ path: String) -> Bool { kind(path) == .file }

    /// Whether `path` itself is a symbolic link.
    static func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    /// The names in `directory`, sorted; empty when it cannot be listed.
    static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted(by: codePointOrder)
    }

    /// Python's `str` order: by code point (UTF-8 byte order is the same).
    static func codePointOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// `Path(a) / b` as text, `b`'s empty and `.` parts dropped (an absolute `b` replaces `a`).
    static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return normalized(relative) }
        return normalized(base + "/" + relative)
    }

    /// A path as `pathlib` spells it: no empty or `.` parts, no trailing slash.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// `Path(path).parts`.
    static func parts(_ path: String) -> [String] {
        let parts = normalized(path).split(separator: "/").map(String.init)
        return path.hasPrefix("/") ? ["/"] + parts : parts
    }

    /// `Path(path).name`.
    static func name(_ path: String) -> String { parts(path).last.map { $0 == "/" ? "" : $0 } ?? "" }

    /// `Path(path).parent`.
    static func parent(_ path: String) -> String { (normalized(path) as NSString).deletingLastPathComponent }

    /// `Path(path).suffix`: from the last dot of the name, unless the name starts or ends there.
    static func suffix(_ path: String) -> String {
        let name = name(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else { return "" }
        return String(name[dot...])
    }

    /// `Path(path).stem`.
    static func stem(_ path: String) -> String {
        let name = name(path)
        return String(name.dropLast(suffix(path).count))
    }

    /// `Path(path).with_suffix(".md")`.
    static func withMarkdownSuffix(_ path: String) -> String {
        let name = name(path)
        let base = normalized(path)
        return String(base.dropLast(name.count)) + stem(path) + ".md"
    }

    /// `path.relative_to(root)` as text, or nil when `path` is not under `root` (lexically).
    static func relative(_ path: String, to root: String) -> String? {
        let path = normalized(path)
        let root = normalized(root)
        if path == root { return "." }
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    /// `os.path.realpath(path)`.
    static func resolved(_ path: String) -> String { PathGuard.resolved(path) }

    /// `is_skill_support_path`: whether a component of `path` before its last is a support
    /// directory (`references`, …) directly inside a directory holding a `SKILL.md`.
    static func isSupportPath(_ path: String) -> Bool {
        let parts = parts(path)
        for index in parts.indices.dropLast() where index > 0 && supportDirectories.contains(parts[index]) {
            let root = parts[..<index].joined(separator: "/").replacingOccurrences(of: "//", with: "/")
            if exists(root + "/SKILL.md") { return true }
        }
        return false
    }

    /// `is_excluded_skill_path`.
    static func isExcluded(_ path: String) -> Bool {
        parts(path).contains(where: excludedDirectories.contains) || isSupportPath(path)
    }

    /// `iter_skill_index_files(root, fileName)`: every file called `fileName` under `root`, sorted,
    /// walking into linked directories (`os.walk(followlinks=True)`), never into an excluded
    /// directory or into the support directories of a skill. A directory reached twice through
    /// links is walked once (Python's walk would loop).
    static func indexFiles(in root: String, named fileName: String) -> [String] {
        var found: [String] = []
        var visited = Set<[UInt64]>()
        func walk(_ directory: String) {
            var status = stat()
            guard stat(directory, &status) == 0 else { return }
            guard visited.insert([UInt64(status.st_dev), UInt64(status.st_ino)]).inserted else { return }
            let names = names(in: directory)
            let holdsSkill = names.contains("SKILL.md") && isFile(directory + "/SKILL.md")
            var subdirectories: [String] = []
            for name in names {
                let path = directory + "/" + name
                if isDirectory(path) {
                    if !excludedDirectories.contains(name) && !(holdsSkill && supportDirectories.contains(name)) {
                        subdirectories.append(path)
                    }
                } else if name == fileName {
                    found.append(path)
                }
            }
            subdirectories.forEach(walk)
        }
        walk(root)
        return found.sorted(by: codePointOrder)
    }

    /// `Path(root).rglob(pattern)` of Python 3.11: every path under `root` (hidden ones too, not
    /// through linked directories) whose last components match `pattern`'s, component by
    /// component, with `fnmatch`'s `*`, `?` and `[...]`.
    static func recursiveGlob(_ root: String, _ pattern: String) -> [String] {
        let patternParts = normalized(pattern).split(separator: "/").map(String.init)
        var found: [String] = []
        func walk(_ directory: String, _ relative: [String]) {
            for name in names(in: directory) {
                let path = directory + "/" + name
                let components = relative + [name]
                if components.count >= patternParts.count,
                    zip(components.suffix(patternParts.count), patternParts).allSatisfy({ fnmatch($0.0, $0.1) })
                {
                    found.append(path)
                }
                if isDirectory(path) && !isLink(path) { walk(path, components) }
            }
        }
        if isDirectory(root) { walk(normalized(root), []) }
        return found
    }

    /// `Path(directory).glob(pattern)` for a one-component pattern: the matching names directly inside.
    static func glob(_ directory: String, _ pattern: String) -> [String] {
        names(in: directory).filter { fnmatch($0, pattern) }.map { directory + "/" + $0 }
    }

    /// Every file under `directory`, at any depth, not through linked directories (`rglob("*")`
    /// with `is_file()`).
    static func allFiles(under directory: String) -> [String] {
        recursiveGlob(directory, "*").filter(isFile)
    }

    /// `fnmatch.fnmatchcase(name, pattern)`.
    static func fnmatch(_ name: String, _ pattern: String) -> Bool {
        Self.matches(Array(name.unicodeScalars)[...], Array(pattern.unicodeScalars)[...])
    }

    private static func matches(_ name: ArraySlice<Unicode.Scalar>, _ pattern: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case "*":
            var rest = name
            while true {
                if matches(rest, pattern.dropFirst()) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !name.isEmpty && matches(name.dropFirst(), pattern.dropFirst())
        case "[":
            guard let close = pattern.dropFirst(2).firstIndex(of: "]") else {
                return name.first == "[" && matches(name.dropFirst(), pattern.dropFirst())
            }
            guard let character = name.first else { return false }
            var set = pattern[(pattern.startIndex + 1)..<close]
            let negated = set.first == "!"
            if negated { set = set.dropFirst() }
            var hit = false
            var index = set.startIndex
            while index < set.endIndex {
                if index + 2 < set.endIndex, set[index + 1] == "-" {
                    if set[index].value <= character.value && character.value <= set[index + 2].value { hit = true }
                    index += 3
                } else {
                    if set[index] == character { hit = true }
                    index += 1
                }
            }
            return hit != negated && matches(name.dropFirst(), pattern[(close + 1)...])
        default:
            return name.first == first && matches(name.dropFirst(), pattern.dropFirst())
        }
    }

    /// A file's text as Python's `read_text(encoding="utf-8")` gives it (universal newlines);
    /// nil when it is missing, unreadable or not UTF-8.
    static func readText(_ path: String) -> String? {
        try? MemoryFile.read(path)
    }

    /// The bytes of a file; nil when it cannot be read.
    static func readBytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The size of a file in bytes.
    static func size(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// `(st_mtime_ns, st_size)` of a file, or nil.
    static func stamp(_ path: String) -> [Int]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        #if canImport(Darwin)
            let time = status.st_mtimespec
        #else
            let time = status.st_mtim
        #endif
        return [Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_nsec), Int(status.st_size)]
    }
}
