import HermesCore

/// A file as the V4A apply sees it before and while it runs.
enum V4AFileState: Equatable, Sendable {
    /// No file there.
    case missing
    /// A text file, as it is on disk (a byte-order mark and CRLF line breaks included).
    case text(String)
    /// Something there that cannot be read as text; the reason in `read_file_raw`'s words.
    case unreadable(String)

    var exists: Bool { self != .missing }
}

/// How a write keeps the conventions of the file it replaces, as the Python project's
/// `write_file` does: CRLF line breaks when the old file's first 4096 characters have one, and
/// its UTF-8 byte-order mark.
struct TextConventions: Equatable, Sendable {
    var crlf = false
    var byteOrderMark = false

    static let byteOrderMark: Unicode.Scalar = "\u{FEFF}"

    /// The conventions of a file whose text is `text` (nil: no file).
    init(of text: String?) {
        guard let text else { return }
        let head = Array(text.unicodeScalars.prefix(4096))
        crlf = PyText.contains(head, ["\r", "\n"])
        byteOrderMark = head.first == Self.byteOrderMark
    }

    init(crlf: Bool, byteOrderMark: Bool) {
        self.crlf = crlf
        self.byteOrderMark = byteOrderMark
    }

    /// `content` as the file gets it.
    func applied(to content: String) -> String {
        var text = PyText.scalars(content)
        if crlf { text = TextConventions.normalizingLineEndings(text, crlf: true) }
        if byteOrderMark && text.first != Self.byteOrderMark { text.insert(Self.byteOrderMark, at: 0) }
        return PyText.string(text)
    }

    /// `_normalize_line_endings`: every CRLF and lone CR as LF, then every LF as CRLF if asked.
    static func normalizingLineEndings(_ text: Scalars, crlf: Bool) -> Scalars {
        var lf = PyText.replacing(text, ["\r", "\n"], with: ["\n"])
        lf = PyText.replacing(lf, ["\r"], with: ["\n"])
        return crlf ? PyText.replacing(lf, ["\n"], with: ["\r", "\n"]) : lf
    }

    /// `text` without one leading byte-order mark (`_strip_bom`), as the matcher should see it.
    static func strippingByteOrderMark(_ text: String) -> String {
        text.unicodeScalars.first == byteOrderMark ? String(String.UnicodeScalarView(text.unicodeScalars.dropFirst())) : text
    }
}

/// What applying a parsed V4A patch to a set of files comes to, worked out without touching them
/// (`apply_v4a_operations` of the Python project: validate everything, then apply in order).
///
/// The caller reads every file the patch names, gives their states, carries out the `effects`
/// of the steps in order, and reports the ones that failed to `result(failures:)`.
struct V4APlan: Sendable {
    /// A change to make on disk. Paths are the patch's header paths.
    enum Effect: Equatable, Sendable {
        /// Replace the file's whole content with `text` (conventions applied), creating directories.
        case write(path: String, text: String)
        case delete(path: String)
        case move(from: String, to: String)
    }

    /// One operation's outcome once applied in memory.
    struct Step: Equatable, Sendable {
        var operation: V4APatch.Operation
        /// Nil when the operation failed; `failure` says why.
        var effect: Effect?
        var diff: String = ""
        /// Python's "Failed to update p: …" line for a failed operation.
        var failure: String?
    }

    /// The steps, one per operation in order, when the patch validated.
    let steps: [Step]

    /// Validates `patch` against `states` (by `keys[headerPath]`, the files' canonical identity,
    /// so two spellings of one path are one file), then applies it in memory. Validation failure
    /// is Python's "Patch validation failed (no files were modified):" with a bullet per problem.
    static func make(_ patch: V4APatch, keys: [String: String], states: [String: V4AFileState]) -> Result<V4APlan, V4APlanError> {
        let key = { (path: String) in keys[path] ?? path }
        let problems = validate(patch, state: { states[key($0)] ?? .missing })
        if !problems.isEmpty {
            return .failure(
                V4APlanError(message: "Patch validation failed (no files were modified):\n" + problems.map { "  • " + $0 }.joined(separator: "\n")))
        }
        var overlay = states
        var steps: [Step] = []
        for operation in patch.operations {
            var step = Step(operation: operation)
            switch apply(operation, key: key, files: &overlay) {
            case .success(let (effect, diff)):
                step.effect = effect
                step.diff = diff
            case .failure(let failure):
                step.failure = failure.message
            }
            steps.append(step)
        }
        return .success(V4APlan(steps: steps))
    }

    /// The patch's result as the Python project returns it (`PatchResult.to_dict()`): the diffs
    /// joined, the files created, deleted and modified (header paths; a move as "a -> b"), and
    /// "Apply phase failed …" when a step failed, here or on disk (`failures`, by step index).
    func result(failures: [Int: String] = [:]) -> [String: JSONValue] {
        var modified: [String] = []
        var created: [String] = []
        var deleted: [String] = []
        var diffs: [String] = []
        var errors: [String] = []
        for (index, step) in steps.enumerated() {
            let operation = step.operation
            if let failure = failures[index] ?? step.failure {
                errors.append("Failed to \(operation.kind.rawValue) \(operation.path): \(failure)")
                continue
            }
            switch operation.kind {
            case .add: created.append(operation.path)
            case .delete: deleted.append(operation.path)
            case .move: modified.append("\(operation.path) -> \(operation.newPath ?? "")")
            case .update: modified.append(operation.path)
            }
            diffs.append(step.diff)
        }
        var result: [String: JSONValue] = ["success": .bool(errors.isEmpty)]
        let diff = diffs.joined(separator: "\n")
        if !diff.isEmpty { result["diff"] = .string(diff) }
        if !modified.isEmpty { result["files_modified"] = .array(modified.map(JSONValue.string)) }
        if !created.isEmpty { result["files_created"] = .array(created.map(JSONValue.string)) }
        if !deleted.isEmpty { result["files_deleted"] = .array(deleted.map(JSONValue.string)) }
        if !errors.isEmpty {
            result["error"] = .string(
                "Apply phase failed (state may be inconsistent — run `git diff` to assess):\n" + errors.map { "  • " + $0 }.joined(separator: "\n"))
        }
        return result
    }

    // MARK: - Validation

    /// `_validate_operations`: every problem, each update's hunks simulated in order against the
    /// file as it is now.
    private static func validate(_ patch: V4APatch, state: (String) -> V4AFileState) -> [String] {
        var problems: [String] = []
        var changes = 0
        for operation in patch.operations {
            switch operation.kind {
            case .update:
                let text: String
                switch readRaw(state(operation.path), operation.path) {
                case .success(let content): text = content
                case .failure(let error):
                    problems.append("\(operation.path): \(error.message)")
                    continue
                }
                var simulated = text
                for (number, hunk) in zip(1..., operation.hunks) {
                    // Inert anchor hunks (context only) are ignored, as models emit them.
                    guard hunk.removes || hunk.adds else { continue }
                    changes += 1
                    if hunk.search.isEmpty {
                        if let hint = hunk.contextHint, !hint.isEmpty {
                            let occurrences = occurrences(of: hint, in: simulated)
                            if occurrences == 0 {
                                problems.append("\(operation.path): addition-only hunk context hint '\(hint)' not found")
                            } else if occurrences > 1 {
                                problems.append(
                                    "\(operation.path): addition-only hunk context hint '\(hint)' is ambiguous (\(occurrences) occurrences)")
                            }
                        }
                        continue
                    }
                    let search = hunk.search.joined(separator: "\n")
                    let outcome = FuzzyMatch.findAndReplace(
                        in: simulated, old: search, new: hunk.replacement.joined(separator: "\n"), replaceAll: false)
                    if outcome.count == 0 {
                        let label = hunk.contextHint.map { $0.isEmpty ? "(no hint)" : "'\($0)'" } ?? "(no hint)"
                        problems.append(
                            "\(operation.path): hunk \(number) \(label) not found" + (outcome.error.map { " — " + $0 } ?? "")
                                + FuzzyMatch.noMatchHint(error: outcome.error, count: 0, old: search, content: simulated))
                    } else {
                        simulated = outcome.content
                    }
                }
            case .delete:
                changes += 1
                if case .failure = readRaw(state(operation.path), operation.path) {
                    problems.append("\(operation.path): file not found for deletion")
                }
            case .move:
                changes += 1
                guard let destination = operation.newPath, !destination.isEmpty else {
                    problems.append("\(operation.path): MOVE operation missing destination path")
                    continue
                }
                if case .failure = readRaw(state(operation.path), operation.path) {
                    problems.append("\(operation.path): source file not found for move")
                }
                // Python refuses only a readable destination; anything there is refused here,
                // so a move never replaces a file it could not show.
                if state(destination).exists {
                    problems.append("\(destination): destination already exists — move would overwrite")
                }
            case .add:
                changes += 1
            }
        }
        if problems.isEmpty && changes == 0 { problems.append("Patch contains no changes (only context lines were provided)") }
        return problems
    }

    // MARK: - Apply

    private static func apply(
        _ operation: V4APatch.Operation, key: (String) -> String, files: inout [String: V4AFileState]
    )
        -> Result<(Effect, String), V4APlanError>
    {
        let path = operation.path
        let state = files[key(path)] ?? .missing
        switch operation.kind {
        case .add:
            let lines = operation.hunks.flatMap(\.lines).filter { $0.prefix == "+" }.map(\.content)
            let written = TextConventions(of: text(of: state)).applied(to: lines.joined(separator: "\n"))
            files[key(path)] = .text(written)
            let diff = "--- /dev/null\n+++ b/\(path)\n" + lines.map { "+" + $0 }.joined(separator: "\n")
            return .success((.write(path: path, text: written), diff))
        case .delete:
            guard case .success(let content) = readRaw(state, path) else {
                return .failure(V4APlanError(message: "Cannot delete \(path): file not found"))
            }
            files[key(path)] = .missing
            let diff = UnifiedDiff.make(from: content, to: "", fromFile: "a/\(path)", toFile: "/dev/null")
            return .success((.delete(path: path), diff.isEmpty ? "# Deleted: \(path)" : diff))
        case .move:
            let destination = operation.newPath ?? ""
            guard state.exists else {
                return .failure(V4APlanError(message: "Failed to move \(path) -> \(destination): No such file or directory"))
            }
            files[key(destination)] = state
            files[key(path)] = .missing
            return .success((.move(from: path, to: destination), "# Moved: \(path) -> \(destination)"))
        case .update:
            let current: String
            switch readRaw(state, path) {
            case .success(let content): current = content
            case .failure(let error): return .failure(V4APlanError(message: "Cannot read file: \(error.message)"))
            }
            var content = current
            for hunk in operation.hunks {
                switch applying(hunk, to: content) {
                case .success(let updated): content = updated
                case .failure(let error): return .failure(error)
                }
            }
            let written = TextConventions(of: text(of: state)).applied(to: content)
            files[key(path)] = .text(written)
            let diff = UnifiedDiff.make(from: current, to: content, fromFile: "a/\(path)", toFile: "b/\(path)")
            return .success((.write(path: path, text: written), diff))
        }
    }

    /// `_apply_update`'s handling of one hunk: find and replace (retried in a window around the
    /// context hint: 500 characters before, 2000 after), or insert an addition-only hunk after the
    /// hint's line (at the end without a hint, or when the hint is gone).
    private static func applying(_ hunk: V4APatch.Hunk, to content: String) -> Result<String, V4APlanError> {
        let search = hunk.search
        let replacement = hunk.replacement
        if !search.isEmpty && search == replacement { return .success(content) }
        let hint = hunk.contextHint.flatMap { $0.isEmpty ? nil : $0 }
        let text = PyText.scalars(content)
        if search.isEmpty {
            let insert = PyText.scalars(replacement.joined(separator: "\n"))
            let appended = PyText.rstrip(text, ["\n"]) + ["\n"] + insert + ["\n"]
            guard let hint else { return .success(PyText.string(appended)) }
            let occurrences = occurrences(of: hint, in: content)
            if occurrences == 0 { return .success(PyText.string(appended)) }
            if occurrences > 1 {
                return .failure(
                    V4APlanError(
                        message: "Addition-only hunk: context hint '\(hint)' is ambiguous (\(occurrences) occurrences) — provide a more unique hint"))
            }
            let position = PyText.find(text, PyText.scalars(hint))!
            guard let lineEnd = PyText.find(text, ["\n"], from: position) else { return .success(PyText.string(text + ["\n"] + insert)) }
            return .success(PyText.string(text[...lineEnd] + insert + ["\n"] + text[(lineEnd + 1)...]))
        }
        let old = search.joined(separator: "\n")
        let new = replacement.joined(separator: "\n")
        var outcome = FuzzyMatch.findAndReplace(in: content, old: old, new: new, replaceAll: false)
        if outcome.count > 0 { return .success(outcome.content) }
        if let hint, let position = PyText.find(text, PyText.scalars(hint)) {
            let start = max(0, position - 500)
            let end = min(text.count, position + 2000)
            let window = FuzzyMatch.findAndReplace(in: PyText.string(text[start..<end]), old: old, new: new, replaceAll: false)
            if window.count > 0 {
                return .success(PyText.string(text[..<start] + PyText.scalars(window.content) + text[end...]))
            }
            outcome = window
        }
        let error = outcome.error ?? FuzzyMatch.notFound
        return .failure(
            V4APlanError(message: "Could not apply hunk: \(error)" + FuzzyMatch.noMatchHint(error: error, count: 0, old: old, content: content)))
    }

    // MARK: - Files

    /// `read_file_raw`: the text without its byte-order mark, or why it cannot be read.
    private static func readRaw(_ state: V4AFileState, _ path: String) -> Result<String, V4APlanError> {
        switch state {
        case .missing: .failure(V4APlanError(message: "File not found: \(path)"))
        case .unreadable(let reason): .failure(V4APlanError(message: reason))
        case .text(let text): .success(TextConventions.strippingByteOrderMark(text))
        }
    }

    private static func text(of state: V4AFileState) -> String? {
        if case .text(let text) = state { return text }
        return nil
    }

    /// `_count_occurrences`: overlapping occurrences.
    private static func occurrences(of needle: String, in text: String) -> Int {
        let haystack = PyText.scalars(text)
        let pattern = PyText.scalars(needle)
        var count = 0
        var start = 0
        while let found = PyText.find(haystack, pattern, from: start) {
            count += 1
            start = found + 1
        }
        return count
    }
}

/// A V4A patch that cannot be applied, in Python's words.
struct V4APlanError: Error, Equatable, Sendable {
    var message: String
}
