import Foundation
import HermesTesting
import Testing

/// The acceptance of `hermes-bench gate`, end to end with the real executable: an unchanged
/// build passes twice, an injected sleep per turn (with repeats) and injected allocations per turn
/// each fail it, naming the figure.
///
/// Timing is made to be decided by sleeps, not by the machine: a turn is a 200 ms model wait
/// (plus a few ms of the runtime's own work in a debug build) and the injection adds 400 ms, while
/// the rule allows +50%. A load on the machine delays each wake-up of a turn; for the injected
/// runs to pass, most baseline runs would need 200 ms more of such delay per turn, and for an
/// unchanged set to fail, 100 ms more: five to ten times what a fully loaded 2-core machine was
/// seen to add (a failed CI run: +20 ms per turn, when the sleep was 20 ms and the rule +30%).
/// Allocation counts are exact (`MALLOC_CONF=tcache:false`) and need no margin.
///
/// Each run is its own process, and the runs of the sets alternate, so that any drift of the
/// shared machine hits every set alike.
@Suite("hermes-bench gate, end to end", .timeLimit(.minutes(5)))
struct GateRegressionTests {
    static let scenario = """
        name: gate-check
        about: One user, 8 API turns against a 200 ms model, to check the gate.
        target: gateway
        seed: 7
        llm: {first_token: 200ms, tokens_per_second: 0, reply_tokens: {min: 10, max: 20}}
        workload: {model: closed, users: 1, duration: 60s, requests: 8, think_time: 0ms, sessions: 2}
        thresholds:
          error_rate: "< 1%"
        gate:
          allocs_per_turn: +2%
          turn.p50: +50%
        """

    @Test func catchesInjectedRegressionsAndPassesAnUnchangedBuild() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Executables.hermesBench), "build hermes-bench first (swift build --build-tests)")
        let directory = NSTemporaryDirectory() + "gate-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/gate-check.yaml"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)

        let sets: [(name: String, injection: [String])] = [
            ("baseline", []), ("unchanged-1", []), ("unchanged-2", []), ("slow", ["--inject-delay", "400ms"]),
        ]
        // Five runs a set: with 5 against 5 the test can tell a shift without every run of one set
        // beating every run of the other, so a busy moment of the machine does not decide it.
        for round in 1...5 {
            for set in sets {
                let (status, output) = try await hermesBench(["run", file, "--out", "\(directory)/\(set.name)"] + set.injection)
                try #require(status == 0, "run \(round) of \(set.name) failed: \(output)")
            }
        }
        let (allocStatus, allocOutput) = try await hermesBench(["run", file, "--out", "\(directory)/allocations", "--inject-allocations", "2000"])
        try #require(allocStatus == 0, "\(allocOutput)")

        let baseline = directory + "/gate-check.json"
        let (written, writeOutput) = try await hermesBench(["gate", "--baseline", baseline, "--update-baseline", "\(directory)/baseline"])
        #expect(written == 0 && writeOutput.contains("from 5 runs"), "\(writeOutput)")

        for unchanged in ["unchanged-1", "unchanged-2"] {
            let (status, output) = try await hermesBench(["gate", "--baseline", baseline, "\(directory)/\(unchanged)"])
            #expect(status == 0, "the unchanged build failed the gate (\(unchanged)):\n\(output)")
        }
        let (slowStatus, slowOutput) = try await hermesBench(["gate", "--baseline", baseline, "\(directory)/slow"])
        #expect(slowStatus == 1, "a 400 ms sleep per turn passed the gate:\n\(slowOutput)")
        #expect(slowOutput.contains("regression: turn.p50 went from"), "\(slowOutput)")

        let (allocGate, allocGateOutput) = try await hermesBench(["gate", "--baseline", baseline, "\(directory)/allocations"])
        #expect(allocGate == 1, "2,000 more allocations per turn passed the gate:\n\(allocGateOutput)")
        #expect(allocGateOutput.contains("regression: allocs_per_turn went from"), "\(allocGateOutput)")
        #expect(!allocGateOutput.contains("regression: turn.p50"), "one run never fails a timing figure")

        let (refused, refusedOutput) = try await hermesBench(["gate", "--baseline", baseline, "--update-baseline", "\(directory)/slow"])
        #expect(refused == 2 && refusedOutput.contains("injected"), "a baseline was made from injected runs: \(refusedOutput)")
        let (missing, _) = try await hermesBench(["gate", "--baseline", directory + "/none.json", "\(directory)/slow"])
        #expect(missing == 2)
    }

    /// Runs hermes-bench with exact allocation counts; its status and output.
    private func hermesBench(_ arguments: [String]) async throws -> (Int32, String) {
        let result = try await runProcess(Executables.hermesBench, arguments, environment: ["MALLOC_CONF": "tcache:false"])
        return (result.status, result.standardOutput + result.standardError)
    }
}
