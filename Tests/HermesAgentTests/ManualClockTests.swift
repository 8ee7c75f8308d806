import HermesCore
import HermesTesting
import Synchronization
import Testing

/// The test clock itself: time moves only when told, sleepers wake in deadline order, and a
/// cancelled sleeper leaves.
@Suite struct ManualClockTests {
    @Test func sleepersWakeWhenTheClockReachesThem() async throws {
        let clock = ManualClock()
        let start = clock.now
        let order = EventOrder()
        async let late: Void = {
            try await clock.sleep(until: start + .seconds(10))
            order.append("late")
        }()
        async let early: Void = {
            try await clock.sleep(until: start + .seconds(5))
            order.append("early")
        }()
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(4))
        #expect(clock.sleepers == 2 && order.values.isEmpty)
        clock.advance(by: .seconds(1))
        try await early
        #expect(order.values == ["early"] && clock.sleepers == 1)
        clock.advance(by: .seconds(5))
        try await late
        #expect(order.values == ["early", "late"] && clock.now == start + .seconds(10))
        try await clock.sleep(until: start)  // already past: returns at once
    }

    @Test func aCancelledSleeperThrowsAndLeaves() async {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(until: clock.now + .seconds(60)) }
        await clock.waitForSleepers(1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleepers == 0)
    }
}

private final class EventOrder: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var values: [String] { events.withLock { $0 } }
}
