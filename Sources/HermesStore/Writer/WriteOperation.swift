import HermesCore

/// One write the group-commit writer applies inside a batch's transaction.
enum WriteOperation: Sendable {
    case createSession(NewSession, now: Double)
    case append([Message], session: SessionID, usage: SessionUsage, now: Double)
    case endSession(SessionID, reason: String, now: Double)
}

/// What a write produced: the new message ids for an append, nothing otherwise.
typealias WriteOutcome = [Int64]

/// A queued write and the caller waiting for its commit.
struct PendingWrite: Sendable {
    var operation: WriteOperation
    var continuation: UnsafeContinuation<WriteOutcome, any Error>
}
