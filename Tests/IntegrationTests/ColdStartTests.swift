import Foundation
import HermesBench
import HermesConfig
import HermesTesting
import Testing

/// `target: process`: `hermes gateway` started for each request, measured from process start.
@Suite("hermes-bench cold start", .timeLimit(.minutes(2)))
struct ColdStartTests {
    @Test func eachRequestStartsAndStopsAGatewayProcess() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Executables.hermes), "build hermes first (swift build --build-tests)")
        let scenario = try ScenarioLoader.parse(
            """
            name: cold-check
            about: Three cold starts.
            target: process
            llm: {first_token: 5ms, reply_tokens: {min: 5, max: 10}}
            workload: {model: closed, users: 1, requests: 3, duration: 60s, sessions: 3}
            thresholds:
              startup.p99: "< 10s"
              error_rate: "< 1%"
            """, file: "cold-check.yaml")
        let output = NSTemporaryDirectory() + "cold-start-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try await ScenarioRunner.run(scenario, options: RunOptions(outputDirectory: output))
        let report = result.report
        #expect(report.counts.completed == 3, "\(report.counts)")
        #expect(report.latency["startup"]?.count == 3 && report.latency["shutdown"]?.count == 3)
        let startup = try #require(report.latency["startup"])
        let turn = try #require(report.latency["turn"])
        #expect(startup.min > 0 && turn.min > startup.min, "a turn runs from process start, through start-up, to the answer")
        #expect(report.scenario.target == "process" && report.allocations == nil, "the measured process is not hermes-bench")
        #expect(result.broken.isEmpty)

        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.parse(
                "name: x\nabout: y\ntarget: process\nworkload: {model: open, phases: [{duration: 1s, rate: 5/s}]}", file: "x.yaml")
        }
    }
}
