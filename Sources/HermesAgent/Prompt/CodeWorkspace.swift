import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A code workspace as Python's coding posture finds one (`agent/coding_context.py`): a git
/// repository, or a project root known by a marker file (`Makefile`, `package.json`,
/// `AGENTS.md`, …, `PythonPromptText.projectMarkers`), and the snapshot of it the prompt
/// carries: its branch and status, its last commits, its manifests, package managers, verify
/// commands and context files.
///
/// Reads the file system and runs git (`ShortCommand`), so it blocks: it is called where the
/// prompt is built, off the cooperative pool.
enum CodeWorkspace {
    /// How long one git command may take (Python's `_GIT_TIMEOUT`, 2.5 s); one that takes
    /// longer says nothing, as a failed one does.
    static let gitTimeout: Duration = .milliseconds(2500)

    /// Python's `_detect_profile_name` for `auto`: whether `directory` is a code workspace, a
    /// project root by its markers (in it or up to six folders above, `home` and the temporary
    /// folder not counting), else in a git repository that holds code (not one rooted at
    /// `home`, a dotfiles repository).
    static func isCodeWorkspace(_ directory: String, home: String) -> Bool {
        if markerRoot(of: directory, home: home) != nil { return true }
        guard let root = gitRoot(of: directory), root != resolved(home) else { return false }
        return hasCodeFiles(root)
    }

    /// `build_coding_workspace_block`: the snapshot, or "" when `directory` is in no git
    /// repository and under no project root.
    static func snapshot(_ directory: String, home: String) -> String {
        let repository = gitRoot(of: directory)
        guard let root = repository ?? markerRoot(of: directory, home: home) else { return "" }
        var lines = [PythonPromptText.workspaceHeading, "- Root: \(root)"]
        if repository != nil {
            let status = GitStatus(porcelain: git(root, "status", "--porcelain=2", "--branch"))
            if let branch = status.branchLine { lines.append(branch) }
            // A linked worktree is said to be one (its branches and stashes are shared), but the
            // primary tree's path is not given: a second path has the model run commands there.
            let gitDirectory = git(root, "rev-parse", "--git-dir")
            let commonDirectory = git(root, "rev-parse", "--git-common-dir")
            if !gitDirectory.isEmpty, !commonDirectory.isEmpty,
                resolved(gitDirectory, from: root) != resolved(commonDirectory, from: root)
            {
                lines.append("- Worktree: linked (git state shared with primary tree)")
            }
            lines.append(status.statusLine)
            let recent = git(root, "log", "-3", "--pretty=%h %s")
            if !recent.isEmpty {
                lines.append("- Recent commits:")
                lines += recent.split(whereSeparator: \.isNewline).map { "    \($0)" }
            }
        }
        lines += factLines(root)
        return lines.joined(separator: "\n")
    }

    /// `_git_root`: the nearest folder from `directory` up that has a `.git`, resolved.
    static func gitRoot(of directory: String) -> String? {
        ancestors(of: resolved(directory)).first { exists($0 + "/.git") }
    }

    /// `_marker_root`: the nearest folder from `directory` up to six above it that has a
    /// project marker, `home` and the temporary folder skipped (a Makefile there is no project).
    static func markerRoot(of directory: String, home: String) -> String? {
        let skipped = [resolved(home), resolved(temporaryDirectory())]
        for folder in ancestors(of: resolved(directory)).prefix(7) where !skipped.contains(folder) {
            if PythonPromptText.projectMarkers.contains(where: { exists(child(folder, $0)) }) { return folder }
        }
        return nil
    }

    /// `_has_code_files`: whether a source file is in `root` or a folder right under it (not a
    /// hidden or dependency folder), within the first `codeScanMaxEntries` entries seen.
    static func hasCodeFiles(_ root: String) -> Bool {
        var seen = 0
        var stack = [(root, true)]
        while let (folder, isRoot) = stack.popLast() {
            for name in entries(of: folder) {
                seen += 1
                if seen > PythonPromptText.codeScanMaxEntries { return false }
                let path = child(folder, name)
                switch kind(path) {
                case .file:
                    if PythonPromptText.codeExtensions.contains(pythonExtension(name).lowercased()) { return true }
                case .directory:
                    if isRoot, !PythonPromptText.codeScanSkippedDirectories.contains(name), !name.hasPrefix(".") {
                        stack.append((path, false))
                    }
                case .other: break
                }
            }
        }
        return false
    }

    /// `_project_facts`: the manifests (at most six) with their package managers, the verify
    /// commands, and the context files, each line only when there is something to say.
    static func factLines(_ root: String) -> [String] {
        let manifests = PythonPromptText.projectMarkers.filter {
            !PythonPromptText.codingContextFiles.contains($0) && isFile(child(root, $0))
        }
        var managers: [String] = []
        for (lockfile, manager) in PythonPromptText.pythonLockfiles + PythonPromptText.javaScriptLockfiles
        where isFile(child(root, lockfile)) && !managers.contains(manager) {
            managers.append(manager)
        }
        let contextFiles = PythonPromptText.codingContextFiles.filter { isFile(child(root, $0)) }
        var lines: [String] = []
        if !manifests.isEmpty {
            var line = "- Project: \(manifests.prefix(6).joined(separator: ", "))"
            if !managers.isEmpty { line += " (\(managers.joined(separator: "/")))" }
            lines.append(line)
        }
        let verify = verifyCommands(root)
        if !verify.isEmpty { lines.append("- Verify: \(verify.joined(separator: "; "))") }
        if !contextFiles.isEmpty { lines.append("- Context files: \(contextFiles.joined(separator: ", "))") }
        return lines
    }

    /// The verify commands `detect_project_facts` finds: `scripts/run_tests.sh`, the
    /// package.json scripts (run by the lockfile's manager), pytest, the Makefile's targets;
    /// the first `maxVerifyCommands`, each once.
    private static func verifyCommands(_ root: String) -> [String] {
        var verify: [String] = []
        if isFile(child(root, "scripts/run_tests.sh")) { verify.append("scripts/run_tests.sh") }
        if isFile(child(root, "package.json")) {
            let manager = PythonPromptText.javaScriptLockfiles.first { isFile(child(root, $0.0)) }?.1 ?? "npm"
            let scripts = packageScripts(readSmall(child(root, "package.json")))
            verify += PythonPromptText.verifyTargets.filter(scripts.contains).map { "\(manager) run \($0)" }
        }
        if isFile(child(root, "pytest.ini")) || readSmall(child(root, "pyproject.toml")).contains("[tool.pytest") {
            verify.append("pytest")
        }
        let makefile = readSmall(child(root, "Makefile"))
        if !makefile.isEmpty {
            verify += PythonPromptText.verifyTargets.filter { hasMakeTarget($0, in: makefile) }.map { "make \($0)" }
        }
        var unique: [String] = []
        for command in verify where !unique.contains(command) { unique.append(command) }
        return Array(unique.prefix(PythonPromptText.maxVerifyCommands))
    }

    /// The names of package.json's `scripts` (none when the file is not a JSON object).
    private static func packageScripts(_ text: String) -> Set<String> {
        guard let document = try? JSONValue(parsing: text.isEmpty ? "{}" : text), case .object(let members) = document,
            case .object(let scripts)? = members["scripts"]
        else { return [] }
        return Set(scripts.map(\.key))
    }

    /// Whether a line of `makefile` starts with `target:` (`^target\s*:`, as Python matches it).
    private static func hasMakeTarget(_ target: String, in makefile: String) -> Bool {
        let pattern = "^" + NSRegularExpression.escapedPattern(for: target) + "\\s*:"
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return false }
        return expression.firstMatch(in: makefile, range: NSRange(makefile.startIndex..., in: makefile)) != nil
    }

    /// `_read_small`: a regular file of at most `maxFactFileBytes`, as text with its line ends
    /// made `\n` (Python's text mode); "" otherwise.
    private static func readSmall(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= PythonPromptText.maxFactFileBytes,
            let data = FileManager.default.contents(atPath: path)
        else { return "" }
        return String(decoding: data, as: UTF8.self).replacing("\r\n", with: "\n").replacing("\r", with: "\n")
    }

    /// `_git`: git's output in `root`, trimmed; "" when it fails or takes too long.
    private static func git(_ root: String, _ arguments: String...) -> String {
        guard let output = ShortCommand.run(["git", "-C", root] + arguments, timeout: gitTimeout), output.status == 0 else {
            return ""
        }
        return SystemPrompt.pythonStrip(output.standardOutput)
    }

    /// Python's `tempfile.gettempdir()`: `TMPDIR`, `TEMP` or `TMP`, else `/tmp`, `/var/tmp`,
    /// `/usr/tmp`, the first that is a folder this process may write in.
    private static func temporaryDirectory() -> String {
        let named = ["TMPDIR", "TEMP", "TMP"].compactMap { ProcessInfo.processInfo.environment[$0] }
        let candidates = named + ["/tmp", "/var/tmp", "/usr/tmp"]
        return candidates.first { kind($0) == .directory && access($0, W_OK | X_OK) == 0 } ?? FileManager.default.currentDirectoryPath
    }

    /// `path` with its symbolic links resolved (Python's `Path.resolve()`), as it is when it
    /// cannot be; a relative path is taken from `base`.
    static func resolved(_ path: String, from base: String? = nil) -> String {
        let absolute = base.map { path.hasPrefix("/") ? path : child($0, path) } ?? path
        guard let real = realpath(absolute, nil) else { return (absolute as NSString).standardizingPath }
        defer { free(real) }
        return String(cString: real)
    }

    /// `path` and each folder above it, nearest first.
    private static func ancestors(of path: String) -> [String] {
        var folders = [path]
        while let last = folders.last, last != "/", !last.isEmpty {
            folders.append((last as NSString).deletingLastPathComponent)
        }
        return folders
    }

    private static func child(_ folder: String, _ name: String) -> String { folder == "/" ? "/" + name : folder + "/" + name }

    /// `os.path.splitext(name)[1]`: from the last dot, unless only dots come before it.
    private static func pythonExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), name[..<dot].contains(where: { $0 != "." }) else { return "" }
        return String(name[dot...])
    }

    /// The names in `folder`, in the order the file system gives them (as `os.scandir` does,
    /// which the scan's entry limit depends on).
    private static func entries(of folder: String) -> [String] {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private enum Kind { case file, directory, other }

    /// What `path` is, its links followed (a broken one is neither a file nor a folder).
    private static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    private static func isFile(_ path: String) -> Bool { kind(path) == .file }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
