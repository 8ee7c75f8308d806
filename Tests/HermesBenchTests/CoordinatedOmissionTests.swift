import HermesConfig
import HermesCore
import Histogram
import Synchronization
import Testing

@testable import HermesBench

/// A target that answers at once, except for one stall: the first request that arrives once
/// `stallAfter` has passed (or the `stallAt`-th request) starts it, and nothing is answered until
/// `length` after that request arrived (as a process under SIGSTOP would).
private final class StallingTarget: BenchTarget {
    private let armedAt: ContinuousClock.Instant
    private let stallAt: Int?
    private let length: Duration
    private let state = Mutex<(requests: Int, stallEnd: ContinuousClock.Instant?)>((0, nil))

    init(stallAfter: Duration, for length: Duration) {
        armedAt = .now + stallAfter
        stallAt = nil
        self.length = length
    }

    /// Stalls on the `index`-th request (1-based) whenever it comes: a test of a closed workload
    /// then holds however slowly the machine runs the requests before it.
    init(stallAt index: Int, for length: Duration) {
        armedAt = .now
        stallAt = index
        self.length = length
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        let now = ContinuousClock.now
        let end = state.withLock { state -> ContinuousClock.Instant? in
            state.requests += 1
            let due = stallAt.map { state.requests == $0 } ?? (now >= armedAt)
            if state.stallEnd == nil, due { state.stallEnd = now + length }
            return state.stallEnd
        }
        if let end, now < end { try? await Task.sleep(until: end) }
        return .completed(TurnTimings())
    }
}

@Suite("coordinated omission", .timeLimit(.minutes(1)))
struct CoordinatedOmissionTests {
    @Test("an open workload charges a 1 s stall to every request scheduled during it")
    func openModelSeesTheStall() async throws {
        let workload = Workload(
            model: .open(phases: [Workload.Phase(duration: .seconds(3), rate: Rate(perSecond: 100))], arrivals: .constant),
            sessions: 10, turnsPerSession: nil, messageTokens: 1...2, stream: false, channel: .api)
        let recorder = RunRecorder()
        let engine = WorkloadEngine(
            workload: workload, seed: 1, scale: 1, target: StallingTarget(stallAfter: .seconds(1), for: .seconds(1)),
            recorder: recorder)
        _ = await engine.run()
        let turn = try #require(recorder.snapshot.histograms["turn"])
        #expect(turn.totalCount == 300)
        #expect(turn.valueAtPercentile(99) >= 500_000, "p99 of \(turn.valueAtPercentile(99)) µs")
        #expect(turn.count(within: 500_000...60_000_000) >= 40, "the requests due in the stall's first half waited over 0.5 s")
    }

    @Test("a closed workload reports a stall as one slow request")
    func closedModelSeesOneSlowRequest() async throws {
        // A count of requests, not a duration, and a stall on the 5th: nothing here depends on how
        // fast a shared machine runs the test.
        var workload = Workload(
            model: .closed(users: 1, duration: .seconds(50), thinkTime: .milliseconds(10)...(.milliseconds(10))),
            sessions: 10, turnsPerSession: nil, messageTokens: 1...2, stream: false, channel: .api)
        workload.requestLimit = 12
        let recorder = RunRecorder()
        let engine = WorkloadEngine(
            workload: workload, seed: 1, scale: 1, target: StallingTarget(stallAt: 5, for: .seconds(2)), recorder: recorder)
        _ = await engine.run()
        let turn = try #require(recorder.snapshot.histograms["turn"])
        // The request that met the 2 s stall waited all of it; no other comes near.
        #expect(turn.count(within: 2_000_000...60_000_000) == 1)
        #expect(turn.totalCount == 12)
    }
}
