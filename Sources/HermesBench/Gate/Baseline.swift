import Foundation
import HermesConfig
import HermesCore

/// The figures of one or more runs of one scenario (repeats), side by side: what a baseline file
/// (`Reports/baselines/<scenario>.json`) holds, and what `gate` and `compare` make of run
/// directories. Every figure keeps its value per run, so that timing figures can be tested for a
/// real shift rather than compared as single numbers.
public struct Baseline: Codable, Sendable {
    /// The version of this layout.
    public var schemaVersion = 1
    /// The scenario, seed and scale the runs came from.
    public var scenario: RunReport.ScenarioInfo
    /// The commit measured (the first run's; the runs of one baseline come from one commit).
    public var gitCommit: String?
    /// Where the runs ran.
    public var machine: RunReport.Machine
    /// What built the code measured.
    public var build: RunReport.Build?
    /// Whether jemalloc's thread caches were on (`MALLOC_CONF=tcache:false` turns them off and
    /// makes allocation counts exact); nil when the target was not in-process.
    public var threadCache: Bool?
    /// When it was made (ISO 8601, UTC).
    public var createdAt: String
    /// The start time of each run.
    public var runs: [String]
    /// Each figure's value in each run, in run order (`turn.p99` in seconds, `allocs_per_turn`…).
    public var figures: [String: [Double]]
    /// The scenario's `gate:` rules.
    public var gate: [RunReport.GateRuleInfo]
    /// The scenario's thresholds (`value` and `passed` belong to runs and are left out).
    public var thresholds: [ThresholdInfo]
    /// A regression put in on purpose; never present in a committed baseline.
    public var injection: Injection?

    /// A threshold of the scenario.
    public struct ThresholdInfo: Codable, Sendable, Equatable {
        public var figure: String
        public var comparison: String
        public var bound: Double
    }

    /// Why runs or a baseline could not be read or compared; `hermes-bench` exits 2 on it.
    public struct InputError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The figures of `reports`, repeats of one scenario.
    public init(reports: [RunReport], createdAt: Date = Date()) throws(InputError) {
        guard let first = reports.first else { throw InputError(description: "no run to read") }
        for report in reports.dropFirst() {
            guard report.scenario.name == first.scenario.name else {
                throw InputError(
                    description: "runs of different scenarios (\(first.scenario.name) and \(report.scenario.name)) cannot be one set of repeats")
            }
            guard report.injection == first.injection else {
                throw InputError(description: "runs with and without --inject-… cannot be one set of repeats")
            }
        }
        scenario = first.scenario
        gitCommit = first.gitCommit
        machine = first.machine
        build = first.build
        threadCache = first.allocations?.threadCache
        self.createdAt = ISO8601DateFormatter().string(from: createdAt)
        runs = reports.map(\.startedAt)
        var figures: [String: [Double]] = [:]
        for report in reports {
            for figure in Self.figures(of: report) {
                guard let value = report.value(of: figure) else { continue }
                figures[figure.description, default: []].append(Self.rounded(value))
            }
        }
        // A figure some runs did not measure would compare unlike samples.
        self.figures = figures.filter { $0.value.count == reports.count }
        gate = first.gate ?? []
        thresholds = first.thresholds.map { ThresholdInfo(figure: $0.figure, comparison: $0.comparison, bound: $0.bound) }
        injection = first.injection
    }

    /// Every figure a report can give.
    static func figures(of report: RunReport) -> [Figure] {
        var figures: [Figure] = [.errorRate, .throughput, .goodput, .lateStartRate]
        if report.allocations != nil { figures += [.allocationsPerTurn, .bytesPerTurn, .heapGrowth] }
        for operation in report.latency.keys.sorted() {
            figures += Figure.Statistic.allCases.map { .latency(operation: operation, statistic: $0) }
        }
        return figures
    }

    /// Six significant digits: more than any figure can tell, and stable diffs of baselines.
    private static func rounded(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let scale = pow(10, 5 - floor(log10(abs(value))))
        return (value * scale).rounded() / scale
    }

    /// Reads a baseline file, a `report.json`, a run directory, or a directory of run directories
    /// (repeats); several paths are one set of repeats. A baseline file stands alone.
    public static func load(_ paths: [String]) throws(InputError) -> Baseline {
        var reports: [RunReport] = []
        for path in paths {
            switch try read(path) {
            case .baseline(let baseline):
                guard paths.count == 1 else {
                    throw InputError(description: "\(path) is a baseline; give it alone, not among run reports")
                }
                return baseline
            case .reports(let found): reports += found
            }
        }
        return try Baseline(reports: reports)
    }

    private enum Contents {
        case baseline(Baseline)
        case reports([RunReport])
    }

    private static func read(_ path: String) throws(InputError) -> Contents {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(description: "\(path): no such file or directory")
        }
        if !isDirectory.boolValue { return try readFile(path) }
        let report = (path as NSString).appendingPathComponent("report.json")
        if FileManager.default.fileExists(atPath: report) { return try readFile(report) }
        let runs = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            .map { (path as NSString).appendingPathComponent($0) + "/report.json" }
            .filter { FileManager.default.fileExists(atPath: $0) }
        guard !runs.isEmpty else {
            throw InputError(description: "\(path): holds no report.json, nor run directories with one; give a run directory of hermes-bench run")
        }
        var reports: [RunReport] = []
        for run in runs {
            guard case .reports(let found) = try readFile(run) else { continue }
            reports += found
        }
        return .reports(reports)
    }

    private static func readFile(_ path: String) throws(InputError) -> Contents {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(description: "\(path): cannot read it (\(error.localizedDescription))")
        }
        struct Probe: Decodable {
            var schemaVersion: Int?
            var figures: [String: [Double]]?
        }
        guard let probe = try? ReportJSON.decoder.decode(Probe.self, from: data) else {
            throw InputError(description: "\(path): is not JSON; give a report.json, a run directory or a baseline file")
        }
        guard probe.schemaVersion == 1 else {
            throw InputError(
                description:
                    "\(path): schema version \(probe.schemaVersion.map(String.init) ?? "missing"); this hermes-bench reads version 1 — rerun the scenario, or refresh the baseline with --update-baseline"
            )
        }
        do {
            if probe.figures != nil { return .baseline(try ReportJSON.decoder.decode(Baseline.self, from: data)) }
            return .reports([try ReportJSON.decoder.decode(RunReport.self, from: data)])
        } catch {
            throw InputError(description: "\(path): \((error as? DecodingError)?.shortDescription ?? "\(error)")")
        }
    }

    /// Writes the baseline to `path` (atomically: an interrupted write leaves the old file).
    public func write(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        var data = try ReportJSON.encoder.encode(self)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The ways `other` was measured differently from this baseline, each a sentence; comparing
    /// across them would measure the difference, not the change. Host name and memory size are
    /// not compared (CI machines differ in them, not in what they measure).
    public func mismatches(with other: Baseline) -> [String] {
        var found: [String] = []
        func check(_ what: String, _ mine: String?, _ theirs: String?) {
            if mine != theirs { found.append("\(what): baseline \(mine ?? "unknown"), runs \(theirs ?? "unknown")") }
        }
        check("scenario", scenario.name, other.scenario.name)
        check("target", scenario.target, other.scenario.target)
        check("seed", String(scenario.seed), String(other.scenario.seed))
        check("scale", String(scenario.scale), String(other.scenario.scale))
        check("cores", String(machine.cores), String(other.machine.cores))
        check("allocator", machine.allocator, other.machine.allocator)
        check("Swift", build?.swift, other.build?.swift)
        check("build configuration", build?.configuration, other.build?.configuration)
        check("jemalloc thread cache", threadCache.map { $0 ? "on" : "off" }, other.threadCache.map { $0 ? "on" : "off" })
        return found
    }
}
