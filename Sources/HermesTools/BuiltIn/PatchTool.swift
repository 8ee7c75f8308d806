import Foundation
import HermesCore

/// `patch`: the Python project's targeted edits (`tools/file_tools.py` `patch_tool`).
///
/// - `mode: replace` finds `old_string` in the file with `FuzzyMatch` (exact first, then eight
///   looser strategies) and replaces it, once unless `replace_all`; the file keeps its line breaks
///   and byte-order mark.
/// - `mode: patch` applies a V4A patch (`V4APatch`) to several files: everything is validated
///   first, and a patch that does not validate changes no file (`V4APlan`).
///
/// Every path either mode touches, the ends of a V4A move included, passes the path guard
/// (`ToolContext.writablePath`, and `readablePath` for those it reads) and the cross-profile soft
/// guard (`PathGuard.crossProfileRefusal`) before anything is read. The result is Python's: a
/// unified diff and the files changed, or `{"success": false, "error": …}` in its words. Syntax
/// checks of the edited files (Python's `lint`) are not run.
struct PatchTool: Tool {
    static let spec = ToolSpec(
        name: "patch",
        description:
            "Targeted find-and-replace edits in files. Use this instead of sed/awk in terminal. Uses fuzzy matching (9 strategies) so minor whitespace/indentation differences won't break it. Returns a unified diff. Auto-runs syntax checks after editing.\n\nREPLACE MODE (mode='replace', default): find a unique string and replace it. REQUIRED PARAMETERS: mode, path, old_string, new_string.\nPATCH MODE (mode='patch'): apply V4A multi-file patches for bulk changes. REQUIRED PARAMETERS: mode, patch.",
        parameters: [
            "type": "object",
            "properties": [
                "mode": [
                    "type": "string", "enum": ["replace", "patch"],
                    "description":
                        "Edit mode. 'replace' (default): requires path + old_string + new_string. 'patch': requires patch content only.",
                    "default": "replace",
                ],
                "path": ["type": "string", "description": "REQUIRED when mode='replace'. File path to edit."],
                "old_string": [
                    "type": "string",
                    "description":
                        "REQUIRED when mode='replace'. Exact text to find and replace. Must be unique in the file unless replace_all=true. Include surrounding context lines to ensure uniqueness.",
                ],
                "new_string": [
                    "type": "string",
                    "description": "REQUIRED when mode='replace'. Replacement text. Pass empty string '' to delete the matched text.",
                ],
                "replace_all": [
                    "type": "boolean", "description": "Replace all occurrences instead of requiring a unique match (default: false)",
                    "default": false,
                ],
                "patch": [
                    "type": "string",
                    "description":
                        "REQUIRED when mode='patch'. V4A format patch content. Format:\n*** Begin Patch\n*** Update File: path/to/file\n@@ context hint @@\n context line\n-removed line\n+added line\n*** End Patch",
                ],
                "cross_profile": [
                    "type": "boolean",
                    "description":
                        "Opt out of the cross-profile soft guard. Defaults to false. Set true ONLY after explicit user direction to edit another Hermes profile's skills/plugins/cron/memories.",
                    "default": false,
                ],
            ],
            "required": ["mode"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let mode = arguments["mode"]?.stringValue ?? "replace"
        let path = arguments["path"]?.stringValue ?? ""
        let patch = arguments["patch"]?.stringValue ?? ""
        let guards = WriteGuards(context: context, crossProfile: arguments["cross_profile"]?.boolValue ?? false)
        // The paths Python checks before anything else, in its order: `path`, then the V4A
        // headers (each refused first for a `..`, since headers come from patch text that may
        // not be the model's own).
        var paths: [String] = path.isEmpty ? [] : [path]
        if mode == "patch" && !patch.isEmpty {
            for header in V4APatch.headerPaths(in: patch) {
                try guards.refuseTraversal(header)
                paths.append(header)
            }
        }
        for candidate in paths { try guards.check(candidate) }
        let warning = guards.workspaceWarnings(paths)
        // Resolved now: a move's source is gone afterwards.
        let modified = paths.map(guards.resolved)
        var result: [String: JSONValue]
        switch mode {
        case "replace":
            guard !path.isEmpty else { throw ToolError(.invalidArguments, "path required") }
            guard let old = arguments["old_string"]?.stringValue, let new = arguments["new_string"]?.stringValue else {
                throw ToolError(.invalidArguments, "old_string and new_string required")
            }
            _ = try context.readablePath(path)
            let target = guards.resolved(path)
            let replaceAll = arguments["replace_all"]?.boolValue ?? false
            result = try await FileIO.offload { Self.replace(in: target, old: old, new: new, replaceAll: replaceAll) }
        case "patch":
            guard !patch.isEmpty else { throw ToolError(.invalidArguments, "patch content required") }
            result = try await applyV4A(patch, guards: guards)
        default:
            throw ToolError(.invalidArguments, "Unknown mode: \(mode)")
        }
        if let warning { result["_warning"] = .string(warning) }
        if result["error"] == nil {
            result["files_modified"] = .array(modified.map(JSONValue.string))
            if modified.count == 1 { result["resolved_path"] = .string(modified[0]) }
        } else if let error = result["error"]?.stringValue, error.contains("Could not find"),
            !error.contains("Did you mean one of these sections?")
        {
            // Python escalates this hint from the third failure on one path; that needs a count
            // per session, which this tool does not keep.
            result["_hint"] = "old_string not found. Use read_file to verify the current content, or search_files to locate the text."
        }
        // The diff shows file content, so it is masked as read_file's content is (Python sends it as is).
        if let diff = result["diff"]?.stringValue { result["diff"] = .string(context.redactor.redact(diff, as: .file)) }
        return JSONValue.object(result).jsonText
    }

    /// `patch_replace` on `path` (absolute, resolved): Python's result, success or failure.
    static func replace(in path: String, old: String, new: String, replaceAll: Bool) -> [String: JSONValue] {
        guard case .text(let raw) = FileIO.textState(path, given: path) else { return failure("Failed to read file: \(path)") }
        let content = TextConventions.strippingByteOrderMark(raw)
        let outcome = FuzzyMatch.findAndReplace(in: content, old: old, new: new, replaceAll: replaceAll)
        if let error = outcome.error {
            return failure(error + FuzzyMatch.noMatchHint(error: error, count: outcome.count, old: old, content: content))
        }
        // The replacement came with LF line breaks; the whole file takes the one it had.
        var updated = outcome.content
        let head = Array(content.unicodeScalars.prefix(4096))
        if head.contains("\n") {
            updated = PyText.string(TextConventions.normalizingLineEndings(PyText.scalars(updated), crlf: PyText.contains(head, ["\r", "\n"])))
        }
        do {
            try FileIO.writeText(TextConventions(of: raw).applied(to: updated), to: path)
        } catch {
            return failure("Failed to write changes: Failed to write file: \(error)")
        }
        var result: [String: JSONValue] = ["success": true]
        let diff = UnifiedDiff.make(from: content, to: updated, fromFile: "a/\(path)", toFile: "b/\(path)")
        if !diff.isEmpty { result["diff"] = .string(diff) }
        return result
    }

    /// `patch_v4a`: parse, check every path the operations name, read them all, plan, then carry
    /// the plan out.
    private func applyV4A(_ text: String, guards: WriteGuards) async throws -> [String: JSONValue] {
        let patch: V4APatch
        switch V4APatch.parse(text) {
        case .success(let parsed): patch = parsed
        case .failure(let error): return Self.failure("Failed to parse patch: \(error.message)")
        }
        // The pre-check above saw every header the parser does, unless a header was split in a
        // way only one of them reads; every path touched is checked again here, read ones also
        // against the read rules (their content comes back in the diff).
        var absolute: [String: String] = [:]
        var keys: [String: String] = [:]
        for operation in patch.operations {
            for path in [operation.path, operation.newPath].compactMap({ $0 }) where keys[path] == nil {
                try guards.refuseTraversal(path)
                try guards.check(path)
                absolute[path] = guards.context.resolve(path)
                keys[path] = guards.resolved(path)
            }
            if operation.kind != .add { _ = try guards.context.readablePath(operation.path) }
        }
        let (paths, targets) = (absolute, keys)
        return try await FileIO.offload {
            let (absolute, keys) = (paths, targets)
            var states: [String: V4AFileState] = [:]
            for (path, key) in keys where states[key] == nil { states[key] = FileIO.textState(key, given: path) }
            let plan: V4APlan
            switch V4APlan.make(patch, keys: keys, states: states) {
            case .success(let made): plan = made
            case .failure(let error): return Self.failure(error.message)
            }
            var failures: [Int: String] = [:]
            for (index, step) in plan.steps.enumerated() {
                do {
                    switch step.effect {
                    case .write(let path, let text)?:
                        do { try FileIO.writeText(text, to: keys[path]!) } catch { throw Failure("Failed to write file: \(error)") }
                    case .delete(let path)?:
                        do { try FileIO.deleteFile(absolute[path]!) } catch { throw Failure("Failed to delete \(path): \(error)") }
                    case .move(let source, let destination)?:
                        do {
                            try FileIO.moveFile(absolute[source]!, to: absolute[destination]!)
                        } catch {
                            throw Failure("Failed to move \(source) -> \(destination): \(error)")
                        }
                    case nil:
                        break
                    }
                } catch let failure as Failure {
                    failures[index] = failure.message
                }
            }
            return plan.result(failures: failures)
        }
    }

    private struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func failure(_ message: String) -> [String: JSONValue] {
        ["success": false, "error": .string(message)]
    }
}

/// The checks `write_file` and `patch` make of each path before they touch it, as Python's
/// `write_file_tool` and `patch_tool` make them.
struct WriteGuards {
    let context: ToolContext
    /// `cross_profile: true`: the soft guards are waived.
    let crossProfile: Bool

    /// The path guard's refusal, then the cross-profile soft guard's.
    func check(_ path: String) throws(ToolError) {
        let absolute = try context.writablePath(path)
        if !crossProfile, let refusal = context.pathGuard.crossProfileRefusal(writing: absolute) {
            throw ToolError(.refused, refusal)
        }
    }

    /// A V4A header path with a `..` component is refused (`has_traversal_component`).
    func refuseTraversal(_ path: String) throws(ToolError) {
        guard path.split(separator: "/").contains("..") else { return }
        throw ToolError(
            .refused,
            "V4A patch header contains '..' traversal: \(PyText.repr(path)). Use the agent's cwd-relative path (no '..') or an absolute path in '*** Update File:' / '*** Add File:' / '*** Delete File:' / '*** Move File:' headers."
        )
    }

    /// `path` absolute, its symbolic links resolved (`_resolve_path_for_task`).
    func resolved(_ path: String) -> String { PathGuard.resolved(context.resolve(path)) }

    /// `_path_resolution_warning` of each path: a relative path that lands outside the working
    /// directory. Several are joined with " | ".
    func workspaceWarnings(_ paths: [String]) -> String? {
        let root = PathGuard.resolved(context.workingDirectory)
        let warnings = paths.compactMap { path -> String? in
            if path.hasPrefix("/") || path == "~" || path.hasPrefix("~/") { return nil }
            let target = resolved(path)
            if target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/") { return nil }
            return
                "Relative path \(PyText.repr(path)) resolved to \(PyText.repr(target)), which is OUTSIDE the active workspace (\(PyText.repr(root))). The edit will land in a different directory than the terminal's cwd. If this is not intended (e.g. a git-worktree session writing into the main checkout), pass an absolute path under the workspace instead."
        }
        return warnings.isEmpty ? nil : warnings.joined(separator: " | ")
    }
}
