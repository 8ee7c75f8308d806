import Foundation
import Testing

@testable import HermesBench

@Suite struct MannWhitneyTests {
    @Test func exactTailsMatchTheTables() {
        // All 3 above all 3: 1 arrangement in C(6,3) = 20.
        #expect(abs(MannWhitney.pValue(larger: [4, 5, 6], than: [1, 2, 3]) - 0.05) < 1e-12)
        #expect(abs(MannWhitney.pValue(larger: [1, 2, 3], than: [4, 5, 6]) - 1) < 1e-12)
        // 5 against 5, completely separated: 1 / C(10,5) = 1/252.
        #expect(abs(MannWhitney.pValue(larger: [6, 7, 8, 9, 10], than: [1, 2, 3, 4, 5]) - 1.0 / 252) < 1e-12)
        // One swap: rank sum 39 of a maximum 40 — 2 arrangements of 252.
        #expect(abs(MannWhitney.pValue(larger: [5, 7, 8, 9, 10], than: [1, 2, 3, 4, 6]) - 2.0 / 252) < 1e-12)
        #expect(MannWhitney.pValue(larger: [1, 1, 1], than: [1, 1, 1]) == 1, "all tied: no evidence")
    }

    @Test func largeSamplesUseTheNormalApproximation() {
        let low = (0..<40).map { Double($0) }
        let high = low.map { $0 + 30 }
        #expect(MannWhitney.pValue(larger: high, than: low) < 1e-6)
        #expect(MannWhitney.pValue(larger: low, than: high) > 0.999)
        let interleaved = (0..<40).map { Double($0 * 2 + 1) }
        #expect((0.3...0.7).contains(MannWhitney.pValue(larger: interleaved, than: low.map { $0 * 2 })))
    }
}

@Suite struct GateTests {
    /// A set of runs as a baseline file would hold it.
    private func set(_ figures: [String: [Double]], runs: Int, rules: [String: Double] = [:], cores: Int = 2) -> Baseline {
        let object: [String: Any] = [
            "schema_version": 1,
            "scenario": ["name": "smoke", "file": "Scenarios/smoke.yaml", "target": "gateway", "seed": 42, "scale": 1],
            "git_commit": "abc",
            "machine": ["hostname": "h", "cores": cores, "memory_bytes": 1, "os": "linux", "allocator": "jemalloc 5.3.0"],
            "build": ["swift": "6.3", "configuration": "debug"], "thread_cache": false, "created_at": "now",
            "runs": (0..<runs).map { "run \($0)" }, "figures": figures,
            "gate": rules.sorted { $0.key < $1.key }.map { ["figure": $0.key, "tolerance": $0.value] },
            "thresholds": [["figure": "error_rate", "comparison": "<", "bound": 0.01]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object)
        return try! ReportJSON.decoder.decode(Baseline.self, from: data)
    }

    private func verdict(_ result: Gate.Result, _ figure: String) -> Gate.Verdict? {
        result.lines.first { $0.figure == figure && $0.kind != "threshold" }?.verdict
    }

    @Test func deterministicFiguresGateOnOneRun() {
        let baseline = set(["allocs_per_turn": [1000, 1001, 1000], "error_rate": [0, 0, 0]], runs: 3)
        let rules = ["allocs_per_turn": 0.02]
        let worse = Gate().evaluate(baseline: baseline, runs: set(["allocs_per_turn": [1030], "error_rate": [0]], runs: 1, rules: rules))
        #expect(verdict(worse, "allocs_per_turn") == .regression && worse.failed)
        #expect(worse.failures.first?.contains("1000.0 to 1030.0") == true, "\(worse.failures)")
        let same = Gate().evaluate(baseline: baseline, runs: set(["allocs_per_turn": [1015], "error_rate": [0]], runs: 1, rules: rules))
        #expect(verdict(same, "allocs_per_turn") == .pass && !same.failed)
        let better = Gate().evaluate(baseline: baseline, runs: set(["allocs_per_turn": [900], "error_rate": [0]], runs: 1, rules: rules))
        #expect(verdict(better, "allocs_per_turn") == .improvement && !better.failed)
    }

    @Test func oneNoisyRunNeverFailsATimingGate() {
        let baseline = set(["turn.p50": [0.020, 0.021, 0.019], "error_rate": [0, 0, 0]], runs: 3)
        let result = Gate().evaluate(baseline: baseline, runs: set(["turn.p50": [0.080], "error_rate": [0]], runs: 1, rules: ["turn.p50": 0.1]))
        #expect(verdict(result, "turn.p50") == .inconclusive && !result.failed)
    }

    @Test func timingFiguresNeedAShiftAndABound() {
        let baseline = set(
            ["turn.p50": [0.020, 0.021, 0.019, 0.020, 0.022], "throughput": [100, 101, 99, 100, 102], "error_rate": [0, 0, 0, 0, 0]], runs: 5)
        let rules = ["turn.p50": 0.1, "throughput": 0.1]
        let shifted = Gate().evaluate(
            baseline: baseline,
            runs: set(["turn.p50": [0.030, 0.031, 0.029], "throughput": [70, 72, 71], "error_rate": [0, 0, 0]], runs: 3, rules: rules))
        #expect(verdict(shifted, "turn.p50") == .regression)
        #expect(verdict(shifted, "throughput") == .regression, "lower throughput is the bad direction")
        // Past the bound in the median, but the runs overlap the baseline: too noisy to tell.
        let noisy = Gate().evaluate(
            baseline: baseline,
            runs: set(["turn.p50": [0.019, 0.030, 0.031], "throughput": [100, 101, 99], "error_rate": [0, 0, 0]], runs: 3, rules: rules))
        #expect(verdict(noisy, "turn.p50") == .inconclusive && !noisy.failed)
        // A real but small shift stays within the bound.
        let small = Gate().evaluate(
            baseline: baseline,
            runs: set(["turn.p50": [0.0212, 0.0215, 0.0213], "throughput": [100, 101, 99], "error_rate": [0, 0, 0]], runs: 3, rules: rules))
        #expect(verdict(small, "turn.p50") == .pass && !small.failed)
    }

    @Test func brokenThresholdsFailAndMismatchesAreNamed() {
        let baseline = set(["error_rate": [0, 0, 0]], runs: 3)
        let result = Gate().evaluate(baseline: baseline, runs: set(["error_rate": [0.02, 0.03, 0]], runs: 3))
        #expect(result.failed && result.lines.contains { $0.kind == "threshold" && $0.verdict == .broken })
        #expect(baseline.mismatches(with: set([:], runs: 1, cores: 8)) == ["cores: baseline 2, runs 8"])
        #expect(baseline.mismatches(with: set([:], runs: 1)).isEmpty)
    }

    @Test func badInputIsNamed() throws {
        let directory = NSTemporaryDirectory() + "gate-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "{ not json".write(toFile: directory + "/report.json", atomically: true, encoding: .utf8)
        #expect(throws: Baseline.InputError.self) { try Baseline.load([directory]) }
        try #"{"schema_version": 9}"#.write(toFile: directory + "/report.json", atomically: true, encoding: .utf8)
        do {
            _ = try Baseline.load([directory + "/report.json"])
            Issue.record("a report of another schema version was read")
        } catch {
            #expect(error.description.contains("schema version 9"))
        }
        #expect(throws: Baseline.InputError.self) { try Baseline.load([directory + "/missing"]) }
    }
}
