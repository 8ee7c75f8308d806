import Foundation
import HermesBench
import HermesConfig
import HermesCore
import HermesTesting
import Testing

@Suite struct ArrivalScheduleTests {
    @Test func constantArrivalsAreEvenlySpaced() {
        let phase = Workload.Phase(duration: .seconds(2), rate: Rate(perSecond: 50), rampTo: nil)
        let offsets = ArrivalSchedule(phases: [phase], arrivals: .constant, seed: 1).offsets
        #expect(offsets.count == 100)
        #expect(offsets.first == .zero)
        #expect(offsets[1] == .milliseconds(20) && offsets.last == .milliseconds(1980))
    }

    @Test func aRampDeliversTheAverageRateAndSpeedsUp() {
        let ramp = Workload.Phase(duration: .seconds(10), rate: Rate(perSecond: 10), rampTo: Rate(perSecond: 30))
        let offsets = ArrivalSchedule(phases: [ramp], arrivals: .constant, seed: 1).offsets
        #expect(offsets.count == 200, "the mean of 10/s and 30/s over 10 s")
        let early = offsets[1] - offsets[0]
        let late = offsets[offsets.count - 1] - offsets[offsets.count - 2]
        #expect(early > late * 2)
    }

    @Test func phasesFollowEachOtherAndScaleShortensThem() {
        let phases = [
            Workload.Phase(duration: .seconds(1), rate: Rate(perSecond: 10), rampTo: nil),
            Workload.Phase(duration: .seconds(1), rate: Rate(perSecond: 100), rampTo: nil),
        ]
        let offsets = ArrivalSchedule(phases: phases, arrivals: .constant, seed: 1).offsets
        #expect(offsets.count == 110)
        #expect(offsets[10] == .seconds(1))
        let scaled = ArrivalSchedule(phases: phases, arrivals: .constant, scale: 0.5, seed: 1).offsets
        #expect(scaled.count == 55 && scaled.last! < .seconds(1))
    }

    @Test func poissonArrivalsAreSeededAndAverageTheRate() {
        let phase = Workload.Phase(duration: .seconds(100), rate: Rate(perSecond: 100), rampTo: nil)
        let first = ArrivalSchedule(phases: [phase], arrivals: .poisson, seed: 9).offsets
        let again = ArrivalSchedule(phases: [phase], arrivals: .poisson, seed: 9).offsets
        #expect(first == again)
        #expect(abs(first.count - 10_000) < 400, "within 4 standard deviations of 10,000")
        #expect(zip(first, first.dropFirst()).allSatisfy { $0 <= $1 })
    }
}

@Suite("hermes-bench run against the store", .timeLimit(.minutes(1)))
struct StoreRunTests {
    @Test(.requires(.promtool), .requires(.jsonschema), .requires(.hdrh))
    func aRunWritesItsReportAndJudgesItsThresholds() async throws {
        let scenario = try ScenarioLoader.parse(
            """
            name: tiny-storm
            about: A few hundred appends.
            target: store
            workload:
              model: open
              phases: [{duration: 1s, rate: 200/s}, {duration: 1s, rate: 200/s}]
              sessions: 20
              turns_per_session: 5
            thresholds:
              store.commit.p99: "< 30s"
              error_rate: "< 1%"
              turn.p50: "< 1us"
              goodput: "> 1%"
            """, file: "tiny.yaml")
        let out = NSTemporaryDirectory() + "hermes-runs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try await ScenarioRunner.run(scenario, options: RunOptions(outputDirectory: out, scale: 0.5))
        let report = result.report
        #expect(report.counts.scheduled == 200 && report.counts.requests == 200 && report.counts.completed == 200)
        #expect(report.latency["store.commit"]?.count == 200)
        #expect(report.latency["turn"]?.count == 200)
        let store = try #require(report.store)
        #expect(
            store.messages == 400 && store.writes == 240,
            "200 appends of two messages; 40 sessions created (20, and 20 more past 5 turns each): \(store)")
        #expect(store.transactions >= 1 && store.transactions <= 240 && store.failedTransactions == 0)
        #expect(store.databaseBytes > 0)
        if let allocations = report.allocations {
            #expect(allocations.phases.map(\.phase) == [1, 2])
            #expect(allocations.phases.map(\.turns).reduce(0, +) == 200)
            #expect(allocations.phases[1].startSeconds >= 0.5, "the second phase starts half-way through (scale 0.5)")
        }
        #expect(report.thresholds.map(\.passed) == [true, true, false, false])
        #expect(report.thresholds[3].value == 0, "no turn took under 1 µs")
        #expect(result.broken.map(\.figure) == ["turn.p50", "goodput"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: result.directory + "/report.json")))
        let object = try #require(json as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect((object["counts"] as? [String: Any])?["completed"] as? Int == 200)
        let summary = try String(contentsOfFile: result.directory + "/summary.md", encoding: .utf8)
        #expect(summary.contains("# tiny-storm") && summary.contains("| store.commit | 200 |"))

        let metrics = try String(contentsOfFile: result.directory + "/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"hermes_bench_latency_seconds_bucket{scenario="tiny-storm",op="store.commit",le="+Inf"} 200"#))
        #expect(metrics.contains(#"hermes_bench_latency_quantiles_seconds{scenario="tiny-storm",op="turn",quantile="0.99"}"#))
        #expect(metrics.contains(#"hermes_bench_requests_total{scenario="tiny-storm",outcome="completed"} 200"#))
        // Buckets never decrease (promtool 2.42 does not check this itself).
        let commitBuckets = metrics.split(separator: "\n").filter {
            $0.hasPrefix(#"hermes_bench_latency_seconds_bucket{scenario="tiny-storm",op="store.commit""#)
        }
        .compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(commitBuckets.count == 19 && commitBuckets == commitBuckets.sorted())
        try await checkWithPromtool(result.directory + "/metrics.prom")
        try await checkAgainstSchema(result.directory + "/report.json")

        let files = try FileManager.default.contentsOfDirectory(atPath: result.directory)
        #expect(Set(files.filter { $0.hasSuffix(".hlog") }) == ["turn.hlog", "turn.uncorrected.hlog", "store.commit.hlog"])
        let intervals = try await readWithHdrh(result.directory + "/store.commit.hlog")
        let counts = intervals.compactMap { Int($0.split(separator: " ")[2]) }
        #expect(counts.count >= 1 && counts.reduce(0, +) == 200, "every commit is in one interval: \(counts)")
    }
}

/// `promtool check metrics < FILE` (a test that calls it declares `.requires(.promtool)`).
func checkWithPromtool(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await Prerequisite.promtool.require()
    let result = try await runProcess("promtool", ["check", "metrics"], input: try String(contentsOfFile: path, encoding: .utf8))
    #expect(result.status == 0, "promtool: \(result.standardOutput)\(result.standardError)", sourceLocation: sourceLocation)
}

/// Validates a report against `Reports/report.schema.json` with Python's jsonschema (a test
/// that calls it declares `.requires(.jsonschema)`).
func checkAgainstSchema(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await Prerequisite.jsonschema.require()
    let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reports/report.schema.json").path
    let script = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(json.load(open(sys.argv[2])), schema)
        """
    let result = try await runProcess("python3", ["-c", script, schema, path])
    #expect(result.status == 0, "report.json does not match its schema: \(result.standardError)", sourceLocation: sourceLocation)
}
