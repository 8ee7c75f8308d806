import HermesCore
import Testing

@testable import HermesBench

@Suite struct GoodputTests {
    private func threshold(_ figure: Figure, _ comparison: Threshold.Comparison, _ bound: Double) -> Threshold {
        Threshold(figure: figure, comparison: comparison, bound: bound, line: 1)
    }

    @Test func aTurnIsGoodWhenEachOfItsLatenciesMeetsEveryBound() {
        let recorder = RunRecorder(thresholds: [
            threshold(.latency(operation: "turn", statistic: .p99), .lessThan, 0.1),
            threshold(.latency(operation: "turn", statistic: .p50), .atMost, 0.05),
            threshold(.latency(operation: "ttft", statistic: .p99), .lessThan, 0.02),
            threshold(.latency(operation: "tool.read_file", statistic: .max), .lessThan, 0.01),
            threshold(.latency(operation: "store.commit", statistic: .p99), .lessThan, 0.000_001),
            threshold(.throughput, .greaterThan, 1_000_000),
        ])
        func turn(_ milliseconds: Int64, ttft: Int64? = nil, tool: Int64? = nil) {
            let timings = TurnTimings(
                timeToFirstToken: ttft.map { .milliseconds($0) },
                toolCalls: tool.map { [("read_file", .milliseconds($0))] } ?? [])
            recorder.record(.completed(timings), intended: .milliseconds(milliseconds), actual: .milliseconds(milliseconds))
        }
        turn(50, ttft: 10, tool: 5)  // good: 50 ms is within "<= 50ms"
        turn(51)  // over the p50 bound, which each turn is held to
        turn(20, ttft: 20)  // ttft not under 20 ms
        turn(20, tool: 10)  // the tool call not under 10 ms
        turn(10)  // good: no ttft or tool call to judge, store.commit and throughput are not per turn
        recorder.record(.failed(kind: "timeout"), intended: .milliseconds(1), actual: .milliseconds(1))
        let state = recorder.snapshot
        #expect(state.good == 2 && state.requests == 6)
    }
}
