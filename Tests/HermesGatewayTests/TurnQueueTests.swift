import HermesCore
import Testing

@testable import HermesGateway

@Suite struct TurnQueueTests {
    private let start = ContinuousClock.now

    private func ticket(_ admission: TurnQueue.Admission) -> UInt64? {
        guard case .admitted(let ticket, _) = admission else { return nil }
        return ticket
    }

    @Test func aSessionRunsOneTurnAtATimeInArrivalOrderAndReportsTheWait() throws {
        var queue = TurnQueue(maxConcurrentTurns: 4, maxQueuedPerSession: 4, maxAdmittedTurns: 100)
        let a = SessionID("a")
        let first = queue.admit(a, now: start)
        guard case .admitted(let one, let grants) = first else {
            Issue.record("refused")
            return
        }
        #expect(grants == [TurnQueue.Grant(ticket: one, waited: .zero)], "a free slot starts the turn at once")
        let two = try #require(ticket(queue.admit(a, now: start + .milliseconds(5))))
        let three = try #require(ticket(queue.admit(a, now: start + .milliseconds(6))))
        #expect(!queue.isGranted(two) && queue.running == 1)
        #expect(queue.release(one, now: start + .milliseconds(30)) == [TurnQueue.Grant(ticket: two, waited: .milliseconds(25))])
        #expect(queue.release(two, now: start + .milliseconds(50)) == [TurnQueue.Grant(ticket: three, waited: .milliseconds(44))])
        #expect(queue.release(three, now: start + .milliseconds(60)).isEmpty && queue.admitted == 0)
    }

    @Test func aFreedSlotGoesToTheSessionThatWaitedLongest() throws {
        var queue = TurnQueue(maxConcurrentTurns: 1, maxQueuedPerSession: 4, maxAdmittedTurns: 100)
        let running = try #require(ticket(queue.admit(SessionID("a"), now: start)))
        let b = try #require(ticket(queue.admit(SessionID("b"), now: start + .seconds(1))))
        _ = queue.admit(SessionID("c"), now: start + .seconds(2))
        #expect(queue.release(running, now: start + .seconds(3)).map(\.ticket) == [b])
    }

    @Test func fullQueuesRefuseAndCount() throws {
        var queue = TurnQueue(maxConcurrentTurns: 1, maxQueuedPerSession: 1, maxAdmittedTurns: 3)
        _ = queue.admit(SessionID("a"), now: start)
        _ = queue.admit(SessionID("a"), now: start)
        #expect(queue.admit(SessionID("a"), now: start) == .sessionFull)
        _ = queue.admit(SessionID("b"), now: start)
        #expect(queue.admit(SessionID("c"), now: start) == .gatewayFull)
        #expect(queue.rejections == 2 && queue.admitted == 3)
    }

    @Test func aWaiterThatLeavesGivesItsPlaceToTheNextOfItsSession() throws {
        var queue = TurnQueue(maxConcurrentTurns: 1, maxQueuedPerSession: 4, maxAdmittedTurns: 100)
        let a = SessionID("a")
        let running = try #require(ticket(queue.admit(a, now: start)))
        let leaving = try #require(ticket(queue.admit(a, now: start)))
        let staying = try #require(ticket(queue.admit(a, now: start)))
        #expect(queue.release(leaving, now: start).isEmpty, "no slot is freed by a turn that never ran")
        #expect(queue.release(running, now: start + .seconds(1)).map(\.ticket) == [staying])
        #expect(!queue.holds(leaving) && queue.admitted(of: a) == 1)
    }
}
