import ArgumentParser
import Foundation
import HermesBench
import HermesCore

/// `hermes-bench gate --baseline FILE RUN...`: the runs against their baseline; exit 1 on a regression.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Compare runs (repeats of one scenario) with a baseline under the scenario's gate: rules and thresholds.",
        discussion: """
            RUN is a run directory, its report.json, or a directory of run directories (what run --repeat N \
            --out DIR writes). Allocation figures gate on one run; timing figures need 3 runs on each side and \
            a significant Mann-Whitney U test as well as the rule's bound, else they are inconclusive and do \
            not fail. Exit status: 0 pass, 1 a regression or a broken threshold (each named with both values), \
            2 bad input or runs measured unlike the baseline (machine cores, allocator, Swift, build \
            configuration, jemalloc thread cache, seed, scale). --update-baseline writes FILE from the runs instead.
            """)

    @Option(name: .long, help: "The baseline file, e.g. Reports/baselines/smoke.json.")
    var baseline: String

    @Argument(help: "Run directories or reports.")
    var runs: [String]

    @Flag(name: .long, help: "Write the baseline file from these runs instead of gating.")
    var updateBaseline = false

    @Flag(name: .long, help: "Compare even when the runs were measured unlike the baseline.")
    var allowMismatch = false

    @Option(name: .long, help: "Where to write verdict.json (default: beside the runs).")
    var verdict: String?

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give the runs to gate, e.g. Reports/runs/20261125T101500-smoke") }
    }

    func run() throws {
        let measured = try loadOrExit(runs)
        if updateBaseline {
            if measured.injection != nil {
                fail("these runs carry an injected regression (--inject-…); a baseline is made from normal runs only")
            }
            do {
                try measured.write(to: baseline)
            } catch {
                fail("cannot write \(baseline): \(error.localizedDescription)")
            }
            print(
                "wrote \(baseline) from \(measured.runs.count) run\(measured.runs.count == 1 ? "" : "s") of \(measured.scenario.name) (commit \(measured.gitCommit ?? "unknown"))"
            )
            return
        }
        guard FileManager.default.fileExists(atPath: baseline) else {
            fail("\(baseline): no such baseline; make one from runs of the current code with --update-baseline")
        }
        let reference = try loadOrExit([baseline])
        try judge(baseline: reference, runs: measured, everyFigure: false, allowMismatch: allowMismatch, verdictPath: verdict ?? besideRuns(runs[0]))
    }
}

/// `hermes-bench compare A B`: every main figure of B against A.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs, sets of repeats or baselines figure by figure (A is the reference).",
        discussion: """
            A and B are each a baseline file, a run directory, its report.json, or a directory of run \
            directories. Shows the gate: rules and thresholds of B's scenario and the main figures (per-turn \
            allocations, rates, p50 and p99 of each operation), the others under a +5% bound. Exit status as \
            for gate: only the scenario's rules and thresholds can fail it.
            """)

    @Argument(help: "The reference.")
    var a: String

    @Argument(help: "What is compared with it.")
    var b: String

    @Flag(name: .long, help: "Compare even when A and B were measured differently.")
    var allowMismatch = false

    @Option(name: .long, help: "Where to write verdict.json (default: beside B).")
    var verdict: String?

    func run() throws {
        let reference = try loadOrExit([a])
        let measured = try loadOrExit([b])
        try judge(baseline: reference, runs: measured, everyFigure: true, allowMismatch: allowMismatch, verdictPath: verdict ?? besideRuns(b))
    }
}

private func judge(baseline: Baseline, runs: Baseline, everyFigure: Bool, allowMismatch: Bool, verdictPath: String) throws {
    let mismatches = baseline.mismatches(with: runs)
    if !mismatches.isEmpty {
        let list = mismatches.map { "  " + $0 }.joined(separator: "\n")
        if !allowMismatch {
            fail(
                "the runs were measured unlike the baseline, so their figures are not comparable:\n\(list)\n"
                    + "rerun under the same conditions, refresh the baseline (--update-baseline), or pass --allow-mismatch")
        }
        print("comparing anyway (--allow-mismatch):\n\(list)")
    }
    if runs.injection != nil { print("note: the runs carry an injected regression (--inject-…)") }
    let result = Gate().evaluate(baseline: baseline, runs: runs, everyFigure: everyFigure)
    print(
        "\(result.scenario): \(result.runs) run\(result.runs == 1 ? "" : "s") of commit \(short(result.commit)) against "
            + "\(result.baselineRuns) of \(short(result.baselineCommit))")
    print(result.table)
    do {
        var data = try result.json()
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: verdictPath), options: .atomic)
        print("verdict: \(verdictPath)")
    } catch {
        FileHandle.standardError.write(Data("cannot write \(verdictPath): \(error.localizedDescription)\n".utf8))
    }
    if result.failed {
        for failure in result.failures { print(failure) }
        throw ExitCode(ExitStatus.failure.rawValue)
    }
    print(result.lines.isEmpty ? "nothing to gate: the scenario has no gate: rules or thresholds" : "pass")
}

private func loadOrExit(_ paths: [String]) throws -> Baseline {
    do {
        return try Baseline.load(paths)
    } catch {
        fail("\(error)")
    }
}

/// verdict.json's default place: the directory that holds the run directories.
private func besideRuns(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    let base = path as NSString
    let directory: String =
        if !isDirectory.boolValue {
            (base.deletingLastPathComponent as NSString).deletingLastPathComponent
        } else if FileManager.default.fileExists(atPath: base.appendingPathComponent("report.json")) {
            base.deletingLastPathComponent
        } else {
            path
        }
    return ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent("verdict.json")
}

private func short(_ commit: String?) -> String { commit.map { String($0.prefix(12)) } ?? "unknown" }

/// Bad input: the reason on standard error, exit status 2.
private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    Foundation.exit(ExitStatus.badInput.rawValue)
}
