import Foundation

/// `hermes-bench gate` and `compare`: each figure of a set of runs against a baseline, with a
/// verdict.
///
/// Deterministic figures (allocations and bytes per turn) gate on their relative change alone:
/// the same workload allocates the same, so one run says it. Timing figures (latencies,
/// throughput, error and goodput rates) only gate on repeats, at least `minimumRepeats` on both
/// sides: a regression needs both a change past the rule's bound and a one-sided Mann-Whitney U
/// test at `significance`, so one noisy run never fails a gate.
public struct Gate: Sendable {
    /// The fewest runs on each side for a timing figure to get a verdict other than inconclusive.
    public var minimumRepeats = 3
    /// The largest p-value that counts as a real shift.
    public var significance = 0.05
    /// The bound `compare` applies to figures the scenario has no rule for.
    public var defaultTolerance = 0.05

    public init() {}

    /// What a figure's comparison found.
    public enum Verdict: String, Codable, Sendable {
        case pass, regression, improvement, inconclusive
        /// A threshold of the scenario that the runs broke.
        case broken
    }

    /// One line of the verdict table.
    public struct Line: Codable, Sendable {
        /// The figure (`turn.p50`, `allocs_per_turn`).
        public var figure: String
        /// `gate` for a rule of the scenario, `compare` for a figure shown without one, `threshold`
        /// for an absolute bound of the scenario.
        public var kind: String
        /// The baseline's median.
        public var baseline: Double?
        /// The runs' median.
        public var value: Double?
        /// The relative change of the medians (`value / baseline - 1`).
        public var change: Double?
        /// The rule (`+2%`) or threshold (`< 0.25`).
        public var bound: String
        /// The Mann-Whitney p-value of a shift in the bad direction (timing figures with repeats).
        public var pValue: Double?
        public var verdict: Verdict
        /// Why the verdict, when the table alone does not say it.
        public var note: String?
    }

    /// The gate's result, as `verdict.json` holds it.
    public struct Result: Codable, Sendable {
        public var schemaVersion = 1
        public var scenario: String
        public var baselineCommit: String?
        public var commit: String?
        public var baselineRuns: Int
        public var runs: Int
        public var lines: [Line]
        /// Whether a rule's figure regressed or a threshold broke (exit status 1).
        public var failed: Bool
    }

    /// Compares `runs` with `baseline` under the runs' `gate:` rules and thresholds; with
    /// `everyFigure` (compare), every main figure of both is shown too, under `defaultTolerance`.
    public func evaluate(baseline: Baseline, runs: Baseline, everyFigure: Bool = false) -> Result {
        var lines: [Line] = []
        var ruled = Set<String>()
        for rule in runs.gate {
            ruled.insert(rule.figure)
            lines.append(compare(rule.figure, tolerance: rule.tolerance, kind: "gate", baseline: baseline, runs: runs))
        }
        if everyFigure {
            for name in Self.mainFigures(baseline: baseline, runs: runs) where !ruled.contains(name) {
                lines.append(compare(name, tolerance: defaultTolerance, kind: "compare", baseline: baseline, runs: runs))
            }
        }
        for threshold in runs.thresholds {
            lines.append(check(threshold, runs: runs))
        }
        let failed = lines.contains { ($0.kind == "gate" && $0.verdict == .regression) || $0.verdict == .broken }
        return Result(
            scenario: runs.scenario.name, baselineCommit: baseline.gitCommit, commit: runs.gitCommit, baselineRuns: baseline.runs.count,
            runs: runs.runs.count, lines: lines, failed: failed)
    }

    /// What `compare` shows besides the rules: the counts per turn, rates, and p50 and p99 of
    /// every operation both measured.
    static func mainFigures(baseline: Baseline, runs: Baseline) -> [String] {
        let scalars = ["allocs_per_turn", "bytes_per_turn", "throughput", "error_rate", "goodput"]
        let operations = Set(
            runs.figures.keys.compactMap { name -> String? in
                guard case .latency(let operation, .p50)? = Figure(name: name) else { return nil }
                return operation
            })
        let order = RunSummary.order
        let sorted = order.filter { operations.contains($0) } + operations.subtracting(order).sorted()
        return (scalars + sorted.flatMap { ["\($0).p50", "\($0).p99"] })
            .filter { baseline.figures[$0] != nil && runs.figures[$0] != nil }
    }

    private func compare(_ name: String, tolerance: Double, kind: String, baseline: Baseline, runs: Baseline) -> Line {
        var line = Line(
            figure: name, kind: kind, bound: String(format: "%+g%%", tolerance * 100), verdict: .inconclusive)
        guard let figure = Figure(name: name) else {
            line.note = "not a figure hermes-bench knows"
            return line
        }
        guard let old = baseline.figures[name], let new = runs.figures[name], !old.isEmpty, !new.isEmpty else {
            line.note = baseline.figures[name] == nil ? "the baseline did not measure it" : "the runs did not measure it"
            return line
        }
        let before = Self.median(old)
        let after = Self.median(new)
        line.baseline = before
        line.value = after
        let change: Double = before == 0 ? (after == 0 ? 0 : .infinity) : after / before - 1
        line.change = change
        let worse = figure.higherIsBetter ? -change : change
        if figure.isDeterministic {
            line.verdict = worse > tolerance ? .regression : worse < -tolerance ? .improvement : .pass
            return line
        }
        guard old.count >= minimumRepeats, new.count >= minimumRepeats else {
            line.note =
                "a timing figure needs \(minimumRepeats) runs on each side (run --repeat \(minimumRepeats)); has \(old.count) and \(new.count)"
            return line
        }
        let (bad, good) = figure.higherIsBetter ? (old, new) : (new, old)
        let pWorse = MannWhitney.pValue(larger: bad, than: good)
        let pBetter = MannWhitney.pValue(larger: good, than: bad)
        line.pValue = pWorse
        if worse > tolerance {
            line.verdict = pWorse <= significance ? .regression : .inconclusive
            if line.verdict == .inconclusive {
                line.note = String(format: "past the bound but too noisy to tell (p = %.3g > %g)", pWorse, significance)
            }
        } else if worse < -tolerance, pBetter <= significance {
            line.verdict = .improvement
        } else {
            line.verdict = .pass
        }
        return line
    }

    private func check(_ threshold: Baseline.ThresholdInfo, runs: Baseline) -> Line {
        var line = Line(
            figure: threshold.figure, kind: "threshold", bound: "\(threshold.comparison) \(String(format: "%g", threshold.bound))",
            verdict: .broken)
        guard let values = runs.figures[threshold.figure], !values.isEmpty,
            let comparison = Threshold.Comparison(rawValue: threshold.comparison)
        else {
            line.note = "not measured"
            return line
        }
        let value = Self.median(values)
        line.value = value
        line.verdict = comparison.holds(value, threshold.bound) ? .pass : .broken
        if values.count > 1 { line.note = "the median of \(values.count) runs" }
        return line
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension Figure {
    /// Figures the same workload reproduces exactly (or to a fraction of a percent), so that one
    /// run is enough to gate on them.
    public var isDeterministic: Bool {
        switch self {
        case .allocationsPerTurn, .bytesPerTurn: true
        default: false
        }
    }
}
