import Foundation
import HermesConfig
import HermesCore

/// How `hermes-bench run` runs a scenario.
public struct RunOptions: Sendable {
    /// Where run directories are made.
    public var outputDirectory: String
    /// Multiplies every duration of the workload (0.1 for a quick run).
    public var scale: Double
    /// Sends the load to this server instead of the scenario's target.
    public var targetURL: String?
    /// The bearer key for a `url` target (`HERMES_BENCH_API_KEY`).
    public var apiKey: String?
    /// Hears how the run is going, about once a second.
    public var progress: (@Sendable (RunProgress) -> Void)?
    /// A regression put in on purpose, to check a gate; recorded in the report.
    public var injection: Injection?
    /// Which of several repeats this run is (from 1), to tell their directories apart.
    public var repetition: Int?
    /// Keep `live.prom` in the run directory up to date once a second while the workload runs,
    /// for `hermes-bench serve`. Off by default: rendering it allocates inside the measured process.
    public var live = false

    /// Makes options.
    public init(
        outputDirectory: String = "Reports/runs", scale: Double = 1, targetURL: String? = nil, apiKey: String? = nil,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) {
        self.outputDirectory = outputDirectory
        self.scale = scale
        self.targetURL = targetURL
        self.apiKey = apiKey
        self.progress = progress
    }
}

/// A finished run: its report, where it was written, and the thresholds it broke.
public struct RunResult: Sendable {
    public var report: RunReport
    public var directory: String
    public var broken: [RunReport.ThresholdResult] { report.thresholds.filter { !$0.passed } }
}

/// Runs scenarios: starts the simulators and the target the scenario names, replays its workload,
/// and writes `report.json`, `summary.md`, `metrics.prom` and an interval log (`OP.hlog`) per operation
/// into a new directory under `outputDirectory`.
public enum ScenarioRunner {
    /// Runs `scenario`. Throws `ScenarioError` for what the file asks that cannot be run.
    public static func run(_ scenario: Scenario, options: RunOptions) async throws -> RunResult {
        let target = options.targetURL.map { Scenario.Target.url($0) } ?? scenario.target
        if scenario.workload.channel == .telegram, target != .gateway {
            throw ScenarioError(
                file: scenario.file, line: 0,
                "workload.via: telegram drives the in-process gateway only; --target URL speaks the API (use via: api)")
        }
        let scratch = NSTemporaryDirectory() + "hermes-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try makeWorkspace(scratch + "/workspace")
        let recorder = RunRecorder(thresholds: scenario.thresholds)
        let started = Date()
        let directory = runDirectory(scenario: scenario, options: options, started: started)
        if options.live { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // A run that fails leaves no directory behind: no live exposition, no half-written report.
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: directory) } }
        let measured = try await withTarget(target, scenario: scenario, options: options, scratch: scratch, recorder: recorder) {
            bench, store, settle in
            let before = Measurement.take(store: store)
            var progress = options.progress
            if options.live {
                let clock = ContinuousClock.now
                progress = { [progress] state in
                    progress?(state)
                    let report = makeReport(
                        scenario: scenario, target: target, options: options, started: started, wall: ContinuousClock.now - clock,
                        recorder: recorder, before: before, after: Measurement.take(store: store))
                    let text = MetricsText.render(report, histograms: recorder.snapshot.histograms, running: true)
                    try? Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + liveFile), options: .atomic)
                }
            }
            let engine = WorkloadEngine(
                workload: scenario.workload, seed: scenario.seed, scale: options.scale,
                target: options.injection.map { InjectedTarget(wrapped: bench, injection: $0) } ?? bench, recorder: recorder,
                progress: progress)
            let wall = await engine.run()
            await settle()
            return (wall, before, Measurement.take(store: store))
        }
        let report = makeReport(
            scenario: scenario, target: target, options: options, started: started, wall: measured.0,
            recorder: recorder, before: measured.1, after: measured.2)
        try write(report, recorder: recorder, to: directory)
        try? FileManager.default.removeItem(atPath: directory + "/" + liveFile)
        finished = true
        return RunResult(report: report, directory: directory)
    }

    /// The exposition of a run in progress (`run --live`), next to where `metrics.prom` will be.
    public static let liveFile = "live.prom"

    static func runDirectory(scenario: Scenario, options: RunOptions, started: Date) -> String {
        let stamp = ISO8601DateFormatter.string(
            from: started, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        let name = "\(stamp)-\(scenario.name)" + (options.repetition.map { "-r\($0)" } ?? "")
        return (options.outputDirectory as NSString).appendingPathComponent(name)
    }

    static func write(_ report: RunReport, recorder: RunRecorder, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try ReportJSON.encoder.encode(report).write(to: URL(fileURLWithPath: directory + "/report.json"), options: .atomic)
        try Data(RunSummary.markdown(report).utf8).write(to: URL(fileURLWithPath: directory + "/summary.md"), options: .atomic)
        let state = recorder.snapshot
        try Data(MetricsText.render(report, histograms: state.histograms, running: false).utf8)
            .write(to: URL(fileURLWithPath: directory + "/metrics.prom"), options: .atomic)
        for (operation, log) in recorder.intervalLogs {
            try Data(log.text(startedAt: state.runStartDate).utf8)
                .write(to: URL(fileURLWithPath: directory + "/" + IntervalLog.fileName(for: operation)), options: .atomic)
        }
    }
}

/// The commit of the working directory's repository, read from `.git` (no subprocess).
enum GitCommit {
    static func current(in directory: String = FileManager.default.currentDirectoryPath) -> String? {
        let git = directory + "/.git"
        guard let head = try? String(contentsOfFile: git + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        if let commit = try? String(contentsOfFile: git + "/" + ref, encoding: .utf8) {
            return commit.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let packed = (try? String(contentsOfFile: git + "/packed-refs", encoding: .utf8)) ?? ""
        return packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }.map { String($0.prefix(40)) }
    }
}
