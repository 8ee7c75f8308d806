import HermesCore
import Testing

@testable import HermesGateway

@Suite struct EditCoalescerStateMachineTests {
    private let start = ContinuousClock.now

    @Test func theFirstTextIsSentAtOnceAndLaterTextWaitsForTheRateLimit() {
        var machine = EditCoalescerStateMachine(interval: .seconds(1), maxLength: 4096)
        #expect(machine.next(now: start) == .idle, "nothing to show yet")
        machine.append("Hel")
        #expect(machine.next(now: start) == .send("Hel"))
        machine.sent(messageID: 7, text: "Hel", at: start)
        machine.append("lo")
        #expect(machine.next(now: start + .milliseconds(400)) == .wait(until: start + .seconds(1)))
        machine.append(" world")
        #expect(machine.next(now: start + .seconds(1)) == .edit(id: 7, text: "Hello world"), "text that came meanwhile is folded in")
        machine.edited(text: "Hello world", at: start + .milliseconds(1200))
        #expect(machine.next(now: start + .milliseconds(1300)) == .idle)
        machine.finish(with: nil)
        #expect(machine.next(now: start + .milliseconds(1300)) == .finish(overflow: []))
    }

    @Test func aFinalTextReplacesTheStreamedOneAndItsOverflowFollows() {
        var machine = EditCoalescerStateMachine(interval: .seconds(1), maxLength: 5)
        machine.append("abc")
        machine.sent(messageID: 1, text: "abc", at: start)
        machine.finish(with: "Sorry, failed")
        #expect(machine.next(now: start) == .wait(until: start + .seconds(1)), "the edit still keeps to the rate limit")
        #expect(machine.next(now: start + .seconds(1)) == .edit(id: 1, text: "Sorry"))
        machine.edited(text: "Sorry", at: start + .seconds(1))
        #expect(machine.next(now: start + .seconds(1)) == .finish(overflow: [", fai", "led"]))
    }

    @Test func anEmptyReplySendsNothing() {
        var machine = EditCoalescerStateMachine(interval: .seconds(1), maxLength: 4096)
        machine.finish(with: "")
        #expect(machine.next(now: start) == .finish(overflow: []))
    }
}
