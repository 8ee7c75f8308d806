import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `memory:` settings of `config.yaml` that the memory store obeys.
public struct MemoryConfiguration: Sendable, Hashable {
    /// `memory.memory_enabled`: whether `MEMORY.md` goes into the system prompt.
    public var memoryEnabled: Bool
    /// `memory.user_profile_enabled`: whether `USER.md` goes into the system prompt.
    public var userProfileEnabled: Bool
    /// `memory.memory_char_limit`: the most characters `MEMORY.md` may hold (Python's 2,200).
    public var memoryCharLimit: Int
    /// `memory.user_char_limit`: the most characters `USER.md` may hold (Python's 1,375).
    public var userCharLimit: Int

    /// A configuration; the defaults are Python's.
    public init(memoryEnabled: Bool = true, userProfileEnabled: Bool = true, memoryCharLimit: Int = 2200, userCharLimit: Int = 1375) {
        self.memoryEnabled = memoryEnabled
        self.userProfileEnabled = userProfileEnabled
        self.memoryCharLimit = memoryCharLimit
        self.userCharLimit = userCharLimit
    }

    /// Whether a session gets a store at all: in Python, with both targets disabled there is none,
    /// and the `memory` tool answers that memory is not available. With either one enabled, both
    /// targets can be written.
    public var needsStore: Bool { memoryEnabled || userProfileEnabled }
}

/// One of the two memory files.
public enum MemoryTarget: String, Sendable, Hashable, CaseIterable {
    /// `MEMORY.md`: the agent's notes (environment, conventions, tool quirks, lessons).
    case memory
    /// `USER.md`: who the user is (name, role, preferences, style).
    case user

    /// The file's name in `$HERMES_HOME/memories`.
    public var fileName: String { self == .user ? "USER.md" : "MEMORY.md" }

    /// The title of its block in the system prompt (Python's `MEMORY_BLOCK_HEADERS`).
    public var blockTitle: String { self == .user ? "USER PROFILE (who the user is)" : "MEMORY (your personal notes)" }
}

/// What the memory files held when a session started, as its system prompt shows them: frozen
/// for the session, so that the prompt's prefix stays cacheable while the tool writes on.
public struct MemorySnapshot: Sendable, Hashable {
    private let blocks: [MemoryTarget: String]

    init(blocks: [MemoryTarget: String]) { self.blocks = blocks }

    /// Python's `format_for_system_prompt(target)`: the block the system prompt includes, header
    /// and usage first; `""` when the file had no entries or the target is disabled (then the
    /// prompt has no block for it).
    public func block(_ target: MemoryTarget) -> String { blocks[target] ?? "" }
}

/// A session's memory: `MEMORY.md` and `USER.md` in `$HERMES_HOME/memories`, in the Python
/// project's format and with its rules (`tools/memory_tool.py`), so both implementations can share
/// one home. Entries are joined by a line holding only `§`; each file is bounded in characters.
///
/// Every change locks the file's sidecar `.lock` (as Python does), re-reads the file under the
/// lock, so that other sessions' and processes' writes are kept, and replaces it at once. The
/// file work runs on NIO's blocking-I/O pool, never on the cooperative threads. Like Python's, a
/// store also counts the turn's failed attempts to make room, and tells the model to stop after
/// the third (`resetConsolidationFailures` starts a turn's count).
public actor MemoryStore {
    /// `$HERMES_HOME/memories`.
    public nonisolated let directory: String
    /// The limits, and which targets the prompt shows.
    public nonisolated let configuration: MemoryConfiguration

    /// The entries as the last load or change left them (Python's `memory_entries` and
    /// `user_entries`), which the answers report.
    private var live: [MemoryTarget: [String]] = [:]
    private var consolidationFailures = 0
    /// Called on the blocking pool with each change's lock held, before the file is re-read:
    /// tests hold a change there.
    private let whileLocked: (@Sendable (MemoryTarget) -> Void)?

    /// A store over `hermesHome/memories`, holding no entries until `snapshot()` loads them.
    public init(hermesHome: String, configuration: MemoryConfiguration = MemoryConfiguration()) {
        self.init(hermesHome: hermesHome, configuration: configuration, whileLocked: nil)
    }

    init(hermesHome: String, configuration: MemoryConfiguration, whileLocked: (@Sendable (MemoryTarget) -> Void)?) {
        directory = (hermesHome.hasSuffix("/") ? String(hermesHome.dropLast()) : hermesHome) + "/memories"
        self.configuration = configuration
        self.whileLocked = whileLocked
    }

    /// The path of `target`'s file.
    public nonisolated func path(_ target: MemoryTarget) -> String { directory + "/" + target.fileName }

    /// The most characters `target`'s file may hold.
    public nonisolated func limit(_ target: MemoryTarget) -> Int {
        target == .user ? configuration.userCharLimit : configuration.memoryCharLimit
    }

    /// The entries of `target` as the last load or change found them.
    public func entries(_ target: MemoryTarget) -> [String] { live[target] ?? [] }

    /// Python's `load_from_disk` at session start: creates the directory, reads both files
    /// (de-duplicated) as the store's entries, and renders the system prompt's blocks from them,
    /// each entry that a threat pattern flags replaced by Python's `[BLOCKED: ...]` note (the
    /// file keeps it, for the user to see and remove).
    public func snapshot() async throws -> MemorySnapshot {
        let directory = directory
        let paths = [MemoryTarget.memory: path(.memory), .user: path(.user)]
        let loaded = try await FileIO.offload { () throws -> [MemoryTarget: [String]] in
            try MemoryFile.makeDirectory(directory)
            var loaded: [MemoryTarget: [String]] = [:]
            for (target, path) in paths {
                loaded[target] = PythonText.deduplicated(MemoryFile.entries(in: try MemoryFile.read(path)))
            }
            return loaded
        }
        live = loaded
        var blocks: [MemoryTarget: String] = [:]
        if configuration.memoryEnabled { blocks[.memory] = render(.memory, sanitized(loaded[.memory] ?? [], of: .memory)) }
        if configuration.userProfileEnabled { blocks[.user] = render(.user, sanitized(loaded[.user] ?? [], of: .user)) }
        return MemorySnapshot(blocks: blocks)
    }

    /// Starts a turn's count of failed attempts to make room (Python calls it at each turn start).
    public func resetConsolidationFailures() { consolidationFailures = 0 }

    // MARK: - Changes (`add`, `replace`, `remove`, `apply_batch`)

    /// Python's `MemoryStore.add`: appends `content` (stripped) unless it is already there or
    /// would not fit.
    func add(_ content: String, to target: MemoryTarget) async throws -> PythonJSON {
        let content = PythonText.strip(content)
        guard !content.isEmpty else { return Self.refusal("Content cannot be empty.") }
        if let blocked = ThreatScan.firstThreatMessage(content) { return Self.refusal(blocked) }
        let limit = limit(target)
        // Appending cannot lose what another writer added, so add skips the drift check.
        return try await change(target, checkingDrift: false) { entries in
            if entries.contains(where: { PythonText.same($0, content) }) {
                return (nil, .success("Entry already exists (no duplicate added)."))
            }
            let added = entries + [content]
            guard MemoryFile.characters(added) <= limit else {
                let usage = Self.usage(MemoryFile.characters(entries), limit)
                let error = """
                    Memory at \(usage) chars. Adding this entry (\(PythonText.length(content)) chars) would exceed the limit. \
                    Consolidate now: use 'replace' to merge overlapping entries into shorter ones or 'remove' stale or less \
                    important entries (see current_entries below), then retry this add — all in this turn.
                    """
                return (
                    nil,
                    .consolidationFailure(
                        .object(["success": false, "error": .string(error), "current_entries": .strings(entries), "usage": .string(usage)]))
                )
            }
            return (added, .success("Entry added."))
        }
    }

    /// Python's `MemoryStore.replace`: the one entry holding `oldText` becomes `content`.
    func replace(_ oldText: String, with content: String, in target: MemoryTarget) async throws -> PythonJSON {
        let oldText = PythonText.strip(oldText)
        let content = PythonText.strip(content)
        guard !oldText.isEmpty else { return Self.refusal("old_text cannot be empty.") }
        guard !content.isEmpty else { return Self.refusal("new_content cannot be empty. Use 'remove' to delete entries.") }
        if let blocked = ThreatScan.firstThreatMessage(content) { return Self.refusal(blocked) }
        let limit = limit(target)
        return try await change(target, checkingDrift: true) { entries in
            let index: Int
            switch Self.match(oldText, in: entries, action: "replace") {
            case .found(let found): index = found
            case .failed(let failure): return (nil, failure)
            }
            var replaced = entries
            replaced[index] = content
            let total = MemoryFile.characters(replaced)
            guard total <= limit else {
                let error = """
                    Replacement would put memory at \(Self.usage(total, limit)) chars. Shorten the new content, or 'remove' \
                    other stale or less important entries to make room (see current_entries below), then retry — all in this turn.
                    """
                let usage = Self.usage(MemoryFile.characters(entries), limit)
                return (
                    nil,
                    .consolidationFailure(
                        .object(["success": false, "error": .string(error), "current_entries": .strings(entries), "usage": .string(usage)]))
                )
            }
            return (replaced, .success("Entry replaced."))
        }
    }

    /// Python's `MemoryStore.remove`: the one entry holding `oldText` is removed.
    func remove(_ oldText: String, from target: MemoryTarget) async throws -> PythonJSON {
        let oldText = PythonText.strip(oldText)
        guard !oldText.isEmpty else { return Self.refusal("old_text cannot be empty.") }
        return try await change(target, checkingDrift: true) { entries in
            switch Self.match(oldText, in: entries, action: "remove") {
            case .found(let index):
                var removed = entries
                removed.remove(at: index)
                return (removed, .success("Entry removed."))
            case .failed(let failure):
                return (nil, failure)
            }
        }
    }

    /// Python's `MemoryStore.apply_batch`: every operation applied to a copy, the limit checked on
    /// the result alone (so one call can make room and add), and the file written only when all
    /// of them succeed.
    func applyBatch(_ operations: [MemoryOperation], to target: MemoryTarget) async throws -> PythonJSON {
        guard !operations.isEmpty else { return Self.refusal("operations list is empty.") }
        // A poisoned operation rejects the whole batch before the file is touched.
        for (index, operation) in operations.enumerated() where operation.action == "add" || operation.action == "replace" {
            guard let content = operation.content, !content.isEmpty, let blocked = ThreatScan.firstThreatMessage(content) else { continue }
            return Self.refusal("Operation \(index + 1): \(blocked)")
        }
        let limit = limit(target)
        return try await change(target, checkingDrift: true) { entries in
            let usage = Self.usage(MemoryFile.characters(entries), limit)
            func failure(_ message: String) -> Reply {
                let error = message + " No operations were applied (batch is all-or-nothing)."
                return .consolidationFailure(
                    .object(["success": false, "error": .string(error), "current_entries": .strings(entries), "usage": .string(usage)]))
            }
            var working = entries
            for (index, operation) in operations.enumerated() {
                let content = PythonText.strip(operation.content ?? "")
                let oldText = PythonText.strip(operation.oldText ?? "")
                let position = "Operation \(index + 1) (\(operation.action.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"))"
                switch operation.action {
                case "add":
                    guard !content.isEmpty else { return (nil, failure("\(position): content is required.")) }
                    // A duplicate is skipped, not an error: the batch stays idempotent.
                    if !working.contains(where: { PythonText.same($0, content) }) { working.append(content) }
                case "replace", "remove":
                    guard !oldText.isEmpty else { return (nil, failure("\(position): old_text is required.")) }
                    if operation.action == "replace" && content.isEmpty {
                        return (nil, failure("\(position): content is required (use action='remove' to delete)."))
                    }
                    let matches = working.indices.filter { PythonText.contains(working[$0], oldText) }
                    guard let first = matches.first else { return (nil, failure("\(position): no entry matched '\(oldText)'.")) }
                    guard PythonText.distinctCount(matches.map { working[$0] }) == 1 else {
                        return (nil, failure("\(position): '\(oldText)' matched multiple distinct entries -- be more specific."))
                    }
                    if operation.action == "replace" { working[first] = content } else { working.remove(at: first) }
                default:
                    return (nil, failure("\(position): unknown action. Use add, replace, or remove."))
                }
            }
            let total = MemoryFile.characters(working)
            guard total <= limit else {
                let error = """
                    After applying all \(operations.count) operations, memory would be at \(Self.usage(total, limit)) chars -- \
                    over the limit. Remove or shorten more entries in the same batch (see current_entries below), then retry.
                    """
                return (
                    nil,
                    .consolidationFailure(
                        .object(["success": false, "error": .string(error), "current_entries": .strings(entries), "usage": .string(usage)]))
                )
            }
            return (working, .success("Applied \(operations.count) operation(s)."))
        }
    }

    /// Python's `_missing_old_text_error`: a replace or remove without `old_text`, answered with
    /// the entries the store holds (not re-read), for the model to pick one.
    func missingOldText(_ action: String, in target: MemoryTarget) -> PythonJSON {
        let held = entries(target)
        let error = """
            '\(action)' needs old_text -- a short unique substring of the entry to \(action). None was provided. Reissue the \
            \(action) with old_text set to part of one of the current_entries below.
            """
        let usage = Self.usage(MemoryFile.characters(held), limit(target))
        return .object(["success": false, "error": .string(error), "current_entries": .strings(held), "usage": .string(usage)])
    }

    // MARK: - The locked read-modify-write

    /// What a change decided: its answer, with whether a failure counts against the turn.
    enum Reply: Sendable {
        case success(String)
        case failure(PythonJSON)
        case consolidationFailure(PythonJSON)
    }

    /// Python's `with self._file_lock(path): self._reload_target(...)` and what follows: locks the
    /// file, re-reads it (refusing, after saving a `.bak` copy, when `checkingDrift` and another
    /// writer left it in a shape a rewrite would lose), lets `decide` choose from the entries found,
    /// writes the entries it returns, if any, and unlocks. The store's entries become the file's.
    ///
    /// All of it is one job on the blocking pool: a job waiting for the lock then waits for one
    /// that holds it and is running, never for one queued behind it, so the pool cannot deadlock.
    private func change(
        _ target: MemoryTarget, checkingDrift: Bool, _ decide: @escaping @Sendable ([String]) -> (write: [String]?, reply: Reply)
    ) async throws -> PythonJSON {
        let path = path(target)
        let directory = directory
        let limit = limit(target)
        let whileLocked = whileLocked
        let (entries, reply) = try await FileIO.offload { () throws -> ([String], Reply) in
            let lock = try MemoryFile.lock(path)
            defer { MemoryFile.unlock(lock) }
            whileLocked?(target)
            let text = try MemoryFile.read(path)
            let found = PythonText.deduplicated(MemoryFile.entries(in: text))
            if checkingDrift, let text, MemoryFile.hasDrifted(text, limit: limit) {
                let backup = MemoryFile.backUp(text, of: path, epoch: time(nil))
                return (found, .failure(Self.driftError(target, backup: backup)))
            }
            let (written, reply) = decide(found)
            guard let written else { return (found, reply) }
            try MemoryFile.makeDirectory(directory)
            try MemoryFile.write(written, to: path)
            return (written, reply)
        }
        live[target] = entries
        switch reply {
        case .success(let message): return success(target, message)
        case .failure(let response): return response
        case .consolidationFailure(let response): return consolidationFailure(response)
        }
    }

    /// `_success_response`: where the file stands now, and that the change is done (the entries are
    /// not repeated: shown them, a model goes on "fixing"). It resets the turn's failure count.
    private func success(_ target: MemoryTarget, _ message: String) -> PythonJSON {
        consolidationFailures = 0
        let held = entries(target)
        let current = MemoryFile.characters(held)
        let limit = limit(target)
        return .object([
            "success": true, "done": true, "target": .string(target.rawValue),
            "usage": .string("\(PythonText.percent(current, of: limit))% — \(Self.usage(current, limit)) chars"),
            "entry_count": .int(held.count), "message": .string(message),
            "note": "Write saved. This update is complete — do not repeat it.",
        ])
    }

    /// `_consolidation_failure`: the answer, until the turn's fourth failed attempt to make room;
    /// from then on a final one that tells the model to stop, so it answers the user instead.
    private func consolidationFailure(_ response: PythonJSON) -> PythonJSON {
        consolidationFailures += 1
        guard consolidationFailures > 3 else { return response }
        let error = """
            Memory consolidation failed \(consolidationFailures) times this turn. Stop retrying memory calls — leave memory \
            unchanged for now and continue with your reply to the user. The fact can be saved in a later turn.
            """
        return .object(["success": false, "done": true, "error": .string(error)])
    }

    /// Where an `old_text` points: the index of the entry, or the answer when none or several
    /// different ones hold it (identical ones count as one: the first is used).
    private enum Match {
        case found(Int)
        case failed(Reply)
    }

    private static func match(_ oldText: String, in entries: [String], action: String) -> Match {
        let matches = entries.indices.filter { PythonText.contains(entries[$0], oldText) }
        guard let first = matches.first else {
            let error = "No entry matched '\(oldText)'. Check current_entries below and retry with the exact text of the entry you want to \(action)."
            return .failed(.consolidationFailure(.object(["success": false, "error": .string(error), "current_entries": .strings(entries)])))
        }
        let texts = matches.map { entries[$0] }
        guard PythonText.distinctCount(texts) == 1 else {
            let error = "Multiple entries matched '\(oldText)'. Be more specific."
            let previews = texts.map { PythonText.prefix($0, 80) + (PythonText.length($0) > 80 ? "..." : "") }
            return .failed(.failure(.object(["success": false, "error": .string(error), "matches": .strings(previews)])))
        }
        return .found(first)
    }

    /// `_drift_error`.
    private static func driftError(_ target: MemoryTarget, backup: String) -> PythonJSON {
        let error = """
            Refusing to write \(target.fileName): file on disk has content that wouldn't round-trip through the memory tool \
            (likely added by the patch tool, a shell append, a manual edit, or a concurrent session). A snapshot was saved to \
            \(backup). Resolve the drift first — either rewrite the file as a clean §-delimited list of entries, or move the \
            extra content out — then retry. This guard exists to prevent silent data loss (issue #26045).
            """
        let remediation = """
            Open the .bak file, integrate the missing entries into the memory tool one at a time via memory(action=add, \
            content=...), then remove or rewrite the original file to a clean state.
            """
        return .object(["success": false, "error": .string(error), "drift_backup": .string(backup), "remediation": .string(remediation)])
    }

    /// A store-level refusal: `{"success": false, "error": ...}` (success first, unlike `tool_error`).
    private static func refusal(_ error: String) -> PythonJSON { .object(["success": false, "error": .string(error)]) }

    /// `"<current>/<limit>"` with thousands separators.
    private static func usage(_ current: Int, _ limit: Int) -> String {
        "\(PythonText.grouped(current))/\(PythonText.grouped(limit))"
    }

    // MARK: - The system prompt's blocks

    /// `_sanitize_entries_for_snapshot`: each entry a threat pattern flags replaced by a note.
    private func sanitized(_ entries: [String], of target: MemoryTarget) -> [String] {
        entries.map { entry in
            guard !entry.isEmpty, !entry.utf8.starts(with: "[BLOCKED:".utf8) else { return entry }
            let findings = ThreatScan.findings(in: entry, scope: .strict)
            guard !findings.isEmpty else { return entry }
            return "[BLOCKED: \(target.fileName) entry contained threat pattern(s): \(findings.joined(separator: ", ")). "
                + "Removed from system prompt; use memory(action=remove) to delete the original.]"
        }
    }

    /// `_render_block`: a header with the usage between two rules of 46 `═`, then the entries.
    private func render(_ target: MemoryTarget, _ entries: [String]) -> String {
        guard !entries.isEmpty else { return "" }
        let limit = limit(target)
        let content = MemoryFile.joined(entries)
        let current = PythonText.length(content)
        let header = "\(target.blockTitle) [\(PythonText.percent(current, of: limit))% — \(Self.usage(current, limit)) chars]"
        let rule = String(repeating: "═", count: 46)
        return "\(rule)\n\(header)\n\(rule)\n\(content)"
    }
}

/// One item of a batch's `operations`: `{action, content?, old_text?}`.
struct MemoryOperation: Sendable {
    var action: String?
    var content: String?
    var oldText: String?
}
