import HermesCore
import HermesTesting
import Synchronization
import Testing

@testable import HermesGateway

@Suite struct PlatformPartsTests {
    @Test func promptTemplatesFillDottedKeysAsThePythonProjectDoes() {
        let payload: [String: JSONValue] = ["pull_request": ["title": "Faster", "number": 7], "labels": ["a", "b"]]
        #expect(
            WebhookPrompt.render(
                "PR #{pull_request.number}: {pull_request.title} [{event_type}] {missing.key}", payload: payload, event: "pr", route: "gh")
                == "PR #7: Faster [pr] {missing.key}")
        #expect(WebhookPrompt.render("{labels}", payload: payload, event: "pr", route: "gh").contains("\"a\""))
        #expect(WebhookPrompt.render("", payload: payload, event: "push", route: "gh").hasPrefix("Webhook event 'push' on route 'gh':"))
        #expect(WebhookPrompt.render("{not a key} {", payload: payload, event: "e", route: "r") == "{not a key} {")
    }

    @Test func recentIDsForgetTheOldestPastCapacity() {
        let seen = RecentIDs(capacity: 2)
        #expect(seen.insert("a"))
        #expect(!seen.insert("a"))
        #expect(seen.insert("b"))
        #expect(seen.insert("c"))
        #expect(seen.insert("a"), "a was the oldest and is forgotten")
        seen.remove("c")
        #expect(seen.insert("c"))
    }

    @Test func longRepliesAreSplitAtLineBreaks() {
        #expect(EditCoalescer.split("abc\ndef\nghi", maxLength: 5) == ["abc\n", "def\n", "ghi"])
        #expect(EditCoalescer.split("abcdefgh", maxLength: 3) == ["abc", "def", "gh"])
        #expect(EditCoalescer.split("", maxLength: 3).isEmpty)
    }

    @Test func deliverySendsOnceThenEditsThenSendsTheOverflow() async throws {
        let clock = ManualClock()
        let coalescer = EditCoalescer(interval: .seconds(1), maxLength: 10, clock: clock)
        let sent = Gate()
        let calls = Calls()
        async let delivered = coalescer.deliver(
            send: { text in
                calls.append("send \(text)")
                sent.arrive()
                return 1
            },
            edit: { id, text in calls.append("edit \(id) \(text)") })
        coalescer.append("Hello")
        await sent.waitForArrivals(1)
        coalescer.append(" wor")
        coalescer.append("ld")
        coalescer.finish(with: "Hello world! And more.")
        // The edit waits for the rate limit: nothing more is sent until the clock gets there.
        await clock.waitForSleepers(1)
        #expect(calls.values == ["send Hello"])
        clock.advance(by: .seconds(1))
        let delivery = try await delivered
        #expect(calls.values == ["send Hello", "edit 1 Hello worl", "send d! And mor", "send e."])
        #expect(delivery.calls == 4 && delivery.firstShown != nil)
    }
}

private final class Calls: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ call: String) { storage.withLock { $0.append(call) } }
    var values: [String] { storage.withLock { $0 } }
}
