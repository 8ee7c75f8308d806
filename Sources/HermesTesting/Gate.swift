import Synchronization

/// Holds whoever waits on it until it is opened, and counts them: a test lets a step happen
/// exactly when it wants, and knows when something has arrived at the gate, without sleeping.
public final class Gate: Sendable {
    private struct State {
        var open = false
        var arrivals = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// A closed gate.
    public init() {}

    /// Arrives and waits until the gate is open (returns at once when it is), or until the task
    /// is cancelled: what waits at a gate stops as a cancelled model call or tool would.
    public func wait() async {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (pass, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    let pass = state.open || Task.isCancelled
                    if !pass { state.waiters[id] = continuation }
                    return (pass, Self.arrived(&state))
                }
                for watcher in watchers { watcher.resume() }
                if pass { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Arrives without waiting: marks that something happened (from any context, a synchronous
    /// callback included), for a test awaiting `waitForArrivals`.
    public func arrive() {
        let watchers = state.withLock { Self.arrived(&$0) }
        for watcher in watchers { watcher.resume() }
    }

    private static func arrived(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        state.arrivals += 1
        let count = state.arrivals
        let ready = state.watchers.filter { $0.count <= count }.map(\.continuation)
        state.watchers.removeAll { $0.count <= count }
        return ready
    }

    /// Opens the gate: every waiter goes on, and later ones pass at once.
    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many times `wait()` or `arrive()` was called.
    public var arrivals: Int { state.withLock { $0.arrivals } }

    /// Returns once `wait()` or `arrive()` was called at least `count` times.
    public func waitForArrivals(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.arrivals >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A count shared by tasks, which a task can wait on.
public final class Counter: Sendable {
    private struct State {
        var value = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: (target: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state = Mutex(State())

    /// A count at zero.
    public init() {}

    /// Adds one.
    public func increment() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.value += 1
            let value = state.value
            let ready = state.waiters.filter { $0.value.target <= value }
            for id in ready.keys { state.waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
        for waiter in ready { waiter.resume() }
    }

    /// The count now.
    public var value: Int { state.withLock { $0.value } }

    /// Returns once the count reaches `target`, or when the task is cancelled.
    public func waitUntil(atLeast target: Int) async {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let reached = state.withLock { state -> Bool in
                    if Task.isCancelled || state.value >= target { return true }
                    state.waiters[id] = (target, continuation)
                    return false
                }
                if reached { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }
}
