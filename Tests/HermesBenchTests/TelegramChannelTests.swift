import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesTesting
import Testing

@testable import HermesBench

@Suite("hermes-bench over the Telegram webhook", .timeLimit(.minutes(1)))
struct TelegramChannelTests {
    private func delivery(_ update: Int64) -> PlatformDelivery {
        PlatformDelivery(
            platform: "telegram", updateID: update, session: SessionID("s"), received: .now, firstShown: nil, replyReady: nil,
            finished: .now, outcome: .busy)
    }

    @Test func aReportMeetsItsWaiterWhicheverComesFirst() async {
        let clock = ManualClock()
        let waiters = DeliveryWaiters(clock: clock)
        waiters.delivered(delivery(1))
        #expect(await waiters.wait(for: 1, timeout: .seconds(5))?.updateID == 1, "the report came first")

        async let waited = waiters.wait(for: 2, timeout: .seconds(5))
        while waiters.waiting == 0 { await Task.yield() }
        waiters.delivered(delivery(2))
        #expect(await waited?.updateID == 2, "the waiter came first")
    }

    @Test func aWaiterGivesUpAfterItsTimeout() async {
        let clock = ManualClock()
        let waiters = DeliveryWaiters(clock: clock)
        async let gaveUp = waiters.wait(for: 3, timeout: .seconds(120))
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(120))
        #expect(await gaveUp == nil)
        waiters.delivered(delivery(3))
        async let other = waiters.wait(for: 4, timeout: .seconds(120))
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(120))
        #expect(await other == nil, "another update's report is not taken")
    }

    @Test func aRunCountsTurnsWhenTheirRepliesReachThePlatform() async throws {
        let scenario = try ScenarioLoader.parse(
            """
            name: tiny-flood
            about: Telegram updates from a few chats.
            target: gateway
            llm: {first_token: 10ms, tokens_per_second: 500, reply_tokens: {min: 5, max: 10}}
            platform: {delay: 2ms, edit_interval: 20ms}
            workload:
              model: open
              phases: [{duration: 2s, rate: 20/s}]
              sessions: 8
              via: telegram
            thresholds:
              error_rate: "< 1%"
            """, file: "tiny-flood.yaml")
        let out = NSTemporaryDirectory() + "hermes-runs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try await ScenarioRunner.run(scenario, options: RunOptions(outputDirectory: out))
        let report = result.report
        #expect(report.counts.requests == 40 && report.counts.completed == 40, "\(report.counts)")
        for operation in ["turn", "ttft", "llm", "overhead", "delivery"] {
            #expect(report.latency[operation]?.count == 40, "\(operation)")
        }
        let turn = try #require(report.latency["turn"]?.p50)
        let ttft = try #require(report.latency["ttft"]?.p50)
        let llm = try #require(report.latency["llm"]?.p50)
        #expect(ttft < turn && llm < turn && llm >= 0.01, "the first text shows before the reply is complete")
        #expect(result.broken.isEmpty)
    }
}
