import DequeModule
import HermesCore

/// The turn queue's rules as a value: one turn per session at a time, in arrival order; at most
/// `maxConcurrentTurns` running over all sessions, the slot going to the session that has
/// waited longest; bounded waiting per session and over all sessions. Each event returns the
/// turns it lets start, with how long each waited, so `SessionRouter` only wakes them; the
/// rules are tested without tasks or time (`TurnQueueTests`).
struct TurnQueue: Sendable {
    /// A turn allowed to start.
    struct Grant: Sendable, Hashable {
        /// Its ticket.
        var ticket: UInt64
        /// From its admission to now.
        var waited: Duration
    }

    /// What an admission did.
    enum Admission: Sendable, Hashable {
        /// A place in the session's queue; `grants` may include this very ticket.
        case admitted(ticket: UInt64, grants: [Grant])
        /// The session already has `maxQueuedPerSession` turns waiting.
        case sessionFull
        /// `maxAdmittedTurns` turns are admitted over all sessions.
        case gatewayFull
    }

    let maxConcurrentTurns: Int
    let maxQueuedPerSession: Int
    let maxAdmittedTurns: Int

    private struct Ticket {
        var session: SessionID
        var admitted: ContinuousClock.Instant
        var granted = false
    }

    private var nextTicket: UInt64 = 0
    /// Tickets of each session in arrival order; the first one is running or next to run.
    private var lanes: [SessionID: Deque<UInt64>] = [:]
    private var tickets: [UInt64: Ticket] = [:]
    /// Heads of lanes waiting for a free slot, in the order they became heads.
    private var ready: Deque<UInt64> = []
    private(set) var running = 0
    private(set) var rejections = 0

    init(maxConcurrentTurns: Int, maxQueuedPerSession: Int, maxAdmittedTurns: Int) {
        self.maxConcurrentTurns = max(1, maxConcurrentTurns)
        self.maxQueuedPerSession = max(0, maxQueuedPerSession)
        self.maxAdmittedTurns = max(1, maxAdmittedTurns)
    }

    /// Turns admitted and not finished (running and waiting).
    var admitted: Int { tickets.count }

    /// Turns of `session` admitted and not finished.
    func admitted(of session: SessionID) -> Int { lanes[session]?.count ?? 0 }

    /// Whether `ticket` holds a place (waiting or running).
    func holds(_ ticket: UInt64) -> Bool { tickets[ticket] != nil }

    /// Whether `ticket` may run.
    func isGranted(_ ticket: UInt64) -> Bool { tickets[ticket]?.granted == true }

    /// A turn of `session` arrives at `now`.
    mutating func admit(_ session: SessionID, now: ContinuousClock.Instant) -> Admission {
        guard tickets.count < maxAdmittedTurns else {
            rejections += 1
            return .gatewayFull
        }
        let queued = lanes[session]?.count ?? 0
        guard queued == 0 || queued - 1 < maxQueuedPerSession else {
            rejections += 1
            return .sessionFull
        }
        let id = nextTicket
        nextTicket += 1
        tickets[id] = Ticket(session: session, admitted: now)
        lanes[session, default: []].append(id)
        if queued == 0 { ready.append(id) }
        return .admitted(ticket: id, grants: grantReady(now: now))
    }

    /// `ticket` gives up its place at `now`: it finished, or it was cancelled or dropped while it
    /// waited. Its session's next turn becomes ready, and a freed slot goes to the oldest ready one.
    mutating func release(_ ticket: UInt64, now: ContinuousClock.Instant) -> [Grant] {
        guard let removed = tickets.removeValue(forKey: ticket) else { return [] }
        if removed.granted { running -= 1 }
        if let index = ready.firstIndex(of: ticket) { ready.remove(at: index) }
        if var lane = lanes[removed.session], let position = lane.firstIndex(of: ticket) {
            lane.remove(at: position)
            if lane.isEmpty {
                lanes[removed.session] = nil
            } else {
                if position == 0 { ready.append(lane[lane.startIndex]) }
                lanes[removed.session] = lane
            }
        }
        return grantReady(now: now)
    }

    private mutating func grantReady(now: ContinuousClock.Instant) -> [Grant] {
        var grants: [Grant] = []
        while running < maxConcurrentTurns, let id = ready.popFirst() {
            running += 1
            tickets[id]?.granted = true
            if let ticket = tickets[id] { grants.append(Grant(ticket: id, waited: now - ticket.admitted)) }
        }
        return grants
    }
}
