import DequeModule
import HermesCore
import Synchronization

/// Decides when each turn may run: one turn per session at a time, in arrival order, and at
/// most `maxConcurrentTurns` turns at once over all sessions.
///
/// A turn is admitted with `admit(_:)`, which answers at once: it either reserves a place in the
/// session's queue (a `TurnTicket`) or refuses because that queue is full. The ticket's holder
/// then waits for its turn and releases it when done (or by dropping the ticket), so a place is
/// never leaked, whatever happens to the request that held it.
///
/// State lives behind one `Mutex` (not an actor) so that a ticket can release its place
/// synchronously, from `deinit` included.
public final class SessionRouter: Sendable {
    /// How many turns may run at once over all sessions.
    public let maxConcurrentTurns: Int
    /// How many turns of one session may wait behind the running one.
    public let maxQueuedPerSession: Int
    /// How many turns may be admitted (running or waiting) over all sessions.
    public let maxAdmittedTurns: Int
    private let state = Mutex(State())

    private struct Lane {
        /// Tickets of the session in arrival order; the first one is running or next to run.
        var tickets: Deque<UInt64> = []
    }

    private struct Waiter {
        var session: SessionID
        var granted = false
        var continuation: CheckedContinuation<Void, any Error>?
    }

    private struct State {
        var nextTicket: UInt64 = 0
        var lanes: [SessionID: Lane] = [:]
        var tickets: [UInt64: Waiter] = [:]
        /// Heads of lanes waiting for a free slot, in the order they became heads.
        var ready: Deque<UInt64> = []
        var running = 0
        var rejected = 0
    }

    /// Makes a router.
    public init(maxConcurrentTurns: Int, maxQueuedPerSession: Int, maxAdmittedTurns: Int = .max) {
        self.maxConcurrentTurns = max(1, maxConcurrentTurns)
        self.maxQueuedPerSession = max(0, maxQueuedPerSession)
        self.maxAdmittedTurns = max(1, maxAdmittedTurns)
    }

    /// Reserves the next place in `session`'s queue, or throws `.queueFull` when
    /// `maxQueuedPerSession` turns already wait behind the running one, or when
    /// `maxAdmittedTurns` turns are admitted over all sessions.
    public func admit(_ session: SessionID) throws(GatewayError) -> TurnTicket {
        var full = false
        let admitted: (id: UInt64, wake: [CheckedContinuation<Void, any Error>])? = state.withLock { state in
            let queued = state.lanes[session]?.tickets.count ?? 0
            full = state.tickets.count >= maxAdmittedTurns
            guard !full, queued == 0 || queued - 1 < maxQueuedPerSession else {
                state.rejected += 1
                return nil
            }
            let id = state.nextTicket
            state.nextTicket += 1
            state.tickets[id] = Waiter(session: session)
            state.lanes[session, default: Lane()].tickets.append(id)
            if queued == 0 { state.ready.append(id) }
            return (id, grantReady(&state))
        }
        guard let (id, wake) = admitted else {
            if full {
                throw GatewayError(
                    .queueFull, "the gateway already holds \(maxAdmittedTurns) turns; retry in a moment")
            }
            throw GatewayError(
                .queueFull,
                "session \(session) already has \(maxQueuedPerSession) turns waiting; retry when one has finished")
        }
        for continuation in wake { continuation.resume() }
        return TurnTicket(router: self, id: id, session: session)
    }

    /// Turns running now.
    public var runningTurns: Int { state.withLock { $0.running } }

    /// Turns admitted and not yet finished (running and waiting).
    public var admittedTurns: Int { state.withLock { $0.tickets.count } }

    /// Turns of `session` admitted and not yet finished (the running one included).
    public func admittedTurns(of session: SessionID) -> Int {
        state.withLock { $0.lanes[session]?.tickets.count ?? 0 }
    }

    /// Admissions refused because a session's queue was full, since the router was made.
    public var rejections: Int { state.withLock { $0.rejected } }

    func wait(for id: UInt64) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    guard let waiter = state.tickets[id] else { return .failure(CancellationError()) }
                    if waiter.granted { return .success(()) }
                    state.tickets[id]?.continuation = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let waiter = state.tickets[id], !waiter.granted else { return nil }
                let continuation = waiter.continuation
                remove(id, &state)
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    func release(_ id: UInt64) {
        let toResume = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard state.tickets[id] != nil else { return [] }
            remove(id, &state)
            return grantReady(&state)
        }
        for continuation in toResume { continuation.resume() }
    }

    /// Forgets ticket `id`: frees its slot if it ran, and makes the next ticket of its session
    /// ready when it was the head of the lane.
    private func remove(_ id: UInt64, _ state: inout State) {
        guard let waiter = state.tickets.removeValue(forKey: id) else { return }
        if waiter.granted { state.running -= 1 }
        if let index = state.ready.firstIndex(of: id) { state.ready.remove(at: index) }
        guard var lane = state.lanes[waiter.session], let position = lane.tickets.firstIndex(of: id) else { return }
        lane.tickets.remove(at: position)
        if lane.tickets.isEmpty {
            state.lanes[waiter.session] = nil
        } else {
            if position == 0 { state.ready.append(lane.tickets[0]) }
            state.lanes[waiter.session] = lane
        }
    }

    /// Grants free slots to ready lane heads, oldest first; returns the waiters to wake.
    private func grantReady(_ state: inout State) -> [CheckedContinuation<Void, any Error>] {
        var wake: [CheckedContinuation<Void, any Error>] = []
        while state.running < maxConcurrentTurns, let id = state.ready.popFirst() {
            state.running += 1
            state.tickets[id]?.granted = true
            if let continuation = state.tickets[id]?.continuation {
                state.tickets[id]?.continuation = nil
                wake.append(continuation)
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

    /// Returns when every earlier turn of the session has finished and a slot is free.
    /// Throws `CancellationError` (and gives up the place) when the task is cancelled first.
    public func waitForTurn() async throws {
        try await router.wait(for: id)
    }

    /// Gives up the place (ends the turn); the next turn of the session may start.
    public func finish() {
        router.release(id)
    }
}
