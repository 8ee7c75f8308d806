import HermesCore
import Synchronization
import Testing

@testable import HermesGateway

@Suite struct SessionRouterTests {
    @Test func turnsOfOneSessionRunInArrivalOrderOneAtATime() async throws {
        let router = SessionRouter(maxConcurrentTurns: 8, maxQueuedPerSession: 16)
        let session = SessionID("a")
        let tickets = try (0..<5).map { _ in try router.admit(session) }
        let log = OrderLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, ticket) in tickets.enumerated().reversed() {
                group.addTask {
                    try await ticket.waitForTurn()
                    #expect(router.runningTurns == 1)
                    log.append(index)
                    await Task.yield()
                    ticket.finish()
                }
            }
            try await group.waitForAll()
        }
        #expect(log.values == [0, 1, 2, 3, 4])
        #expect(router.admittedTurns == 0)
    }

    @Test func differentSessionsShareTheConcurrencyLimit() throws {
        let router = SessionRouter(maxConcurrentTurns: 2, maxQueuedPerSession: 4)
        let first = try router.admit(SessionID("a"))
        let second = try router.admit(SessionID("b"))
        let third = try router.admit(SessionID("c"))
        #expect(router.runningTurns == 2)
        first.finish()
        #expect(router.runningTurns == 2, "the freed slot goes to the waiting session at once")
        second.finish()
        third.finish()
        #expect(router.runningTurns == 0)
    }

    @Test func aFullQueueRefusesAndCounts() throws {
        let router = SessionRouter(maxConcurrentTurns: 4, maxQueuedPerSession: 2)
        let session = SessionID("a")
        let held = try (0..<3).map { _ in try router.admit(session) }
        #expect(throws: GatewayError.self) { try router.admit(session) }
        #expect(router.rejections == 1)
        held[0].finish()
        let another = try router.admit(session)
        #expect(router.admittedTurns == 3)
        withExtendedLifetime((held, another)) {}
    }

    @Test func theWholeGatewayHasABoundToo() throws {
        let router = SessionRouter(maxConcurrentTurns: 1, maxQueuedPerSession: 8, maxAdmittedTurns: 2)
        let held = [try router.admit(SessionID("a")), try router.admit(SessionID("b"))]
        #expect {
            try router.admit(SessionID("c"))
        } throws: { error in
            (error as? GatewayError)?.message.contains("already holds 2 turns") == true
        }
        held[0].finish()
        let next = try router.admit(SessionID("c"))
        withExtendedLifetime((held, next)) {}
    }

    @Test func aDroppedTicketGivesUpItsPlace() async throws {
        let router = SessionRouter(maxConcurrentTurns: 1, maxQueuedPerSession: 4)
        let session = SessionID("a")
        let running = try router.admit(session)
        do { _ = try router.admit(session) }  // dropped at once, never run
        let next = try router.admit(session)
        running.finish()
        try await next.waitForTurn()
        #expect(router.runningTurns == 1)
    }

    @Test func cancellingAWaiterRemovesItFromTheQueue() async throws {
        let router = SessionRouter(maxConcurrentTurns: 1, maxQueuedPerSession: 4)
        let running = try router.admit(SessionID("a"))
        let waiting = try router.admit(SessionID("b"))
        let task = Task { try await waiting.waitForTurn() }
        while router.admittedTurns < 2 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(router.admittedTurns == 1)
        running.finish()
        #expect(router.runningTurns == 0)
    }
}

private final class OrderLog: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
}
