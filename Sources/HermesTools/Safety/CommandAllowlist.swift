import Synchronization

/// The kinds of dangerous command a person approved *always* (Python's `command_allowlist` in
/// `config.yaml`): they run unasked in every session, from now on and after a restart. Shared by
/// every session's `Approvals`; `save` writes the list back where it was read from.
public final class CommandAllowlist: Sendable {
    /// Writes the whole list; nil keeps it in memory only.
    public typealias Save = @Sendable (_ kinds: Set<String>) async throws -> Void

    private let kinds: Mutex<Set<String>>
    private let save: Save?

    /// A list holding `kinds` (descriptions of the command guard's patterns, as Python keys them).
    public init(_ kinds: Set<String> = [], save: Save? = nil) {
        self.kinds = Mutex(kinds)
        self.save = save
    }

    /// Whether commands of `kind` run unasked.
    public func contains(_ kind: String) -> Bool {
        kinds.withLock { $0.contains(kind) }
    }

    /// Every kind on the list.
    public var all: Set<String> { kinds.withLock { $0 } }

    /// Adds `kind` and saves the list; the addition holds in this process even when saving fails.
    public func add(_ kind: String) async throws {
        let updated = kinds.withLock { kinds -> Set<String>? in
            kinds.insert(kind).inserted ? kinds : nil
        }
        if let updated, let save { try await save(updated) }
    }
}
