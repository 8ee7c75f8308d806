/// Tasks waiting for a count (requests received, calls answered) to reach a value, so a test
/// waits for the event itself instead of polling for it. Kept inside the owner's lock.
struct CountWaiters: Sendable {
    private var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Adds a waiter for `count`; false when `current` already reaches it (resume at once).
    mutating func add(_ continuation: CheckedContinuation<Void, Never>, for count: Int, current: Int) -> Bool {
        guard current < count else { return false }
        waiters.append((count, continuation))
        return true
    }

    /// Removes and returns the waiters that `current` satisfies; resume them outside the lock.
    mutating func satisfied(by current: Int) -> [CheckedContinuation<Void, Never>] {
        let ready = waiters.filter { $0.count <= current }.map(\.continuation)
        waiters.removeAll { $0.count <= current }
        return ready
    }
}
