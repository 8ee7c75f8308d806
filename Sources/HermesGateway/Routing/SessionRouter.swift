import HermesCore
import Synchronization

/// Decides when each turn may run (the rules are `TurnQueue`'s): one turn per session at a
/// time, in arrival order, and at most `maxConcurrentTurns` turns at once over all sessions.
///
/// A turn is admitted with `admit(_:)`, which answers at once: it either reserves a place in the
/// session's queue (a `TurnTicket`) or refuses because a queue is full. The ticket's holder
/// then waits for its turn and releases it when done (or by dropping the ticket), so a place is
/// never leaked, whatever happens to the request that held it.
///
/// State lives behind one `Mutex` (not an actor) so that a ticket can release its place
/// synchronously, from `deinit` included. Waits are measured on `clock`.
public final class SessionRouter: Sendable {
    /// How many turns may run at once over all sessions.
    public let maxConcurrentTurns: Int
    /// How many turns of one session may wait behind the running one.
    public let maxQueuedPerSession: Int
    /// How many turns may be admitted (running or waiting) over all sessions.
    public let maxAdmittedTurns: Int
    private let clock: any HermesClock
    private let state: Mutex<State>

    private typealias Waiter = CheckedContinuation<Duration, any Error>

    private struct State {
        var queue: TurnQueue
        /// Tickets waiting in `waitForTurn()`.
        var waiters: [UInt64: Waiter] = [:]
        /// How long tickets granted before they waited had waited.
        var waits: [UInt64: Duration] = [:]
        /// Tasks in `waitUntil(_:)`, by id.
        var watchers: [UInt64: (condition: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWatcher: UInt64 = 0

        /// The watchers whose condition now holds, removed.
        mutating func satisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
            guard !watchers.isEmpty else { return [] }
            let snapshot = Snapshot(queue: queue)
            let ready = watchers.filter { $0.value.condition(snapshot) }
            for id in ready.keys { watchers[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    /// The router's counts at one moment, for `waitUntil(_:)`.
    public struct Snapshot: Sendable {
        fileprivate let queue: TurnQueue
        /// Turns running.
        public var runningTurns: Int { queue.running }
        /// Turns admitted and not finished.
        public var admittedTurns: Int { queue.admitted }
        /// Admissions refused so far.
        public var rejections: Int { queue.rejections }
        /// Turns of `session` admitted and not finished.
        public func admittedTurns(of session: SessionID) -> Int { queue.admitted(of: session) }
    }

    /// Makes a router.
    public init(
        maxConcurrentTurns: Int, maxQueuedPerSession: Int, maxAdmittedTurns: Int = .max,
        clock: any HermesClock = ContinuousClock()
    ) {
        let queue = TurnQueue(
            maxConcurrentTurns: maxConcurrentTurns, maxQueuedPerSession: maxQueuedPerSession,
            maxAdmittedTurns: maxAdmittedTurns)
        self.maxConcurrentTurns = queue.maxConcurrentTurns
        self.maxQueuedPerSession = queue.maxQueuedPerSession
        self.maxAdmittedTurns = queue.maxAdmittedTurns
        self.clock = clock
        state = Mutex(State(queue: queue))
    }

    /// Reserves the next place in `session`'s queue, or throws `.queueFull` when
    /// `maxQueuedPerSession` turns already wait behind the running one, or when
    /// `maxAdmittedTurns` turns are admitted over all sessions.
    public func admit(_ session: SessionID) throws(GatewayError) -> TurnTicket {
        let now = clock.now
        let (admission, wake, watchers) = state.withLock { state in
            let admission = state.queue.admit(session, now: now)
            var wake: [(Waiter, Duration)] = []
            if case .admitted(_, let grants) = admission { wake = Self.deliver(grants, &state) }
            return (admission, wake, state.satisfiedWatchers())
        }
        for (continuation, waited) in wake { continuation.resume(returning: waited) }
        for watcher in watchers { watcher.resume() }
        switch admission {
        case .admitted(let ticket, _):
            return TurnTicket(router: self, id: ticket, session: session)
        case .gatewayFull:
            throw GatewayError(.queueFull, "the gateway already holds \(maxAdmittedTurns) turns; retry in a moment")
        case .sessionFull:
            throw GatewayError(
                .queueFull,
                "session \(session) already has \(maxQueuedPerSession) turns waiting; retry when one has finished")
        }
    }

    /// Turns running now.
    public var runningTurns: Int { state.withLock { $0.queue.running } }

    /// Turns admitted and not yet finished (running and waiting).
    public var admittedTurns: Int { state.withLock { $0.queue.admitted } }

    /// Turns of `session` admitted and not yet finished (the running one included).
    public func admittedTurns(of session: SessionID) -> Int {
        state.withLock { $0.queue.admitted(of: session) }
    }

    /// Admissions refused because a queue was full, since the router was made.
    public var rejections: Int { state.withLock { $0.queue.rejections } }

    /// Returns once `condition` holds for the router's counts (at once when it already does),
    /// or when the task is cancelled: for a caller that must act when, say, a session holds its
    /// place or the gateway is idle.
    public func waitUntil(_ condition: @escaping @Sendable (Snapshot) -> Bool) async {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextWatcher += 1 }
            return state.nextWatcher
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let holds = state.withLock { state -> Bool in
                    if Task.isCancelled || condition(Snapshot(queue: state.queue)) { return true }
                    state.watchers[id] = (condition, continuation)
                    return false
                }
                if holds { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.watchers.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    func wait(for id: UInt64) async throws -> Duration {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let resumeNow: Result<Duration, any Error>? = state.withLock { state in
                    if let waited = state.waits.removeValue(forKey: id) { return .success(waited) }
                    guard state.queue.holds(id) else { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let now = clock.now
            let (cancelled, wake, watchers) = state.withLock { state -> (Waiter?, [(Waiter, Duration)], [CheckedContinuation<Void, Never>]) in
                guard state.queue.holds(id), !state.queue.isGranted(id) else { return (nil, [], []) }
                let continuation = state.waiters.removeValue(forKey: id)
                let grants = state.queue.release(id, now: now)
                return (continuation, Self.deliver(grants, &state), state.satisfiedWatchers())
            }
            cancelled?.resume(throwing: CancellationError())
            for (continuation, waited) in wake { continuation.resume(returning: waited) }
            for watcher in watchers { watcher.resume() }
        }
    }

    func release(_ id: UInt64) {
        let now = clock.now
        let (wake, watchers) = state.withLock { state in
            state.waits[id] = nil
            let wake = Self.deliver(state.queue.release(id, now: now), &state)
            return (wake, state.satisfiedWatchers())
        }
        for (continuation, waited) in wake { continuation.resume(returning: waited) }
        for watcher in watchers { watcher.resume() }
    }

    /// The waiters to wake for `grants`; grants whose ticket is not waiting yet are kept for it.
    private static func deliver(
        _ grants: [TurnQueue.Grant], _ state: inout State
    ) -> [(Waiter, Duration)] {
        var wake: [(Waiter, Duration)] = []
        for grant in grants {
            if let continuation = state.waiters.removeValue(forKey: grant.ticket) {
                wake.append((continuation, grant.waited))
            } else {
                state.waits[grant.ticket] = grant.waited
            }
        }
        return wake
    }
}

/// A reserved place in a session's queue. Wait for the turn with `waitForTurn()`; the place is
/// given up by `finish()` or when the ticket is dropped.
public final class TurnTicket: Sendable {
    /// The session the place is in.
    public let session: SessionID
    private let router: SessionRouter
    private let id: UInt64

    init(router: SessionRouter, id: UInt64, session: SessionID) {
        self.router = router
        self.id = id
        self.session = session
    }

    deinit { router.release(id) }

    /// Returns, with how long it waited, when every earlier turn of the session has finished and
    /// a slot is free. Throws `CancellationError` (and gives up the place) when the task is
    /// cancelled first.
    @discardableResult
    public func waitForTurn() async throws -> Duration {
        try await router.wait(for: id)
    }

    /// Gives up the place (ends the turn); the next turn of the session may start.
    public func finish() {
        router.release(id)
    }
}
