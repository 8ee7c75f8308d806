import HermesCore

/// One write the group-commit writer applies inside a batch's transaction.
enum WriteOperation: Sendable {
    case createSession(NewSession, now: Double)
    case append([Message], session: SessionID, usage: SessionUsage, now: Double)
    case endSession(SessionID, reason: String, now: Double)
    /// Replaces the session's stored system prompt (Python's `update_system_prompt`).
    case setSystemPrompt(String, session: SessionID)
    /// Archives the session's live messages (inactive, compacted) and inserts `messages` as its
    /// new live history, as the Python project's `archive_and_compact`.
    case compact([Message], session: SessionID, now: Double)

    /// Whether it archives rows: messages of earlier writes in the batch must be in before it runs.
    var archives: Bool {
        if case .compact = self { return true }
        return false
    }
}

/// What a write produced: the new message ids for an append or a compaction, nothing otherwise.
typealias WriteOutcome = [Int64]

/// A queued write and the caller waiting for its commit.
struct PendingWrite: Sendable {
    var operation: WriteOperation
    var continuation: UnsafeContinuation<WriteOutcome, any Error>
}
