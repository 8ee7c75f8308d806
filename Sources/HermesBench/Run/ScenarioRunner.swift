import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesSimulators
import HermesStore
import HermesTelemetry
import HermesTools
import Histogram
import Hummingbird
import Logging
import NIOPosix

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
        var target = scenario.target
        if let url = options.targetURL { target = .url(url) }
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
        let measured = try await withTarget(target, scenario: scenario, options: options, scratch: scratch, recorder: recorder) {
            bench, store in
            let before = Measurement.take(store: store)
            let engine = WorkloadEngine(
                workload: scenario.workload, seed: scenario.seed, scale: options.scale, target: bench, recorder: recorder,
                progress: options.progress)
            let wall = await engine.run()
            return (wall, before, Measurement.take(store: store))
        }
        let report = makeReport(
            scenario: scenario, target: target, options: options, started: started, wall: measured.0,
            recorder: recorder, before: measured.1, after: measured.2)
        let directory = try write(report, recorder: recorder, scenario: scenario, options: options, started: started)
        return RunResult(report: report, directory: directory)
    }

    // MARK: targets

    private static func withTarget<T: Sendable>(
        _ target: Scenario.Target, scenario: Scenario, options: RunOptions, scratch: String, recorder: RunRecorder,
        _ body: @escaping @Sendable (any BenchTarget, SQLiteSessionStore?) async throws -> T
    ) async throws -> T {
        switch target {
        case .url(let url):
            return try await withLoadClient(url, scenario: scenario) { client in
                try await body(HTTPTarget(client: client, apiKey: options.apiKey), nil)
            }
        case .store:
            let store = try await SQLiteSessionStore.open(at: scratch + "/state.db")
            do {
                let result = try await body(StoreTarget(store: store, recorder: recorder), store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .agent:
            return try await withSimulators(scenario) { llm, web in
                // The turn loop has no admission limit here; neither does its model client.
                try await withModelClient(connections: 4096) { http in
                    try await body(
                        AgentTarget(
                            model: OpenAIClient(configuration: .init(baseURL: llm), httpClient: http), web: web,
                            directory: scratch + "/workspace"), nil)
                }
            }
        case .gateway where scenario.workload.channel == .telegram:
            let deliveries = DeliveryWaiters()
            return try await withSimulators(scenario) { llm, web in
                try await PlatformSimulator(delay: scenario.platformDelay).withServer { platform in
                    let telegram = TelegramSettings(
                        botToken: "bench", secretToken: TelegramTarget.secret, apiBaseURL: platform,
                        editInterval: scenario.platformEditInterval)
                    return try await withGateway(
                        llm: llm, web: web, scratch: scratch, limits: scenario.gatewayLimits, telegram: telegram,
                        onDelivery: deliveries.delivered
                    ) { baseURL, store in
                        try await withLoadClient(baseURL, scenario: scenario) { client in
                            try await body(TelegramTarget(client: client, deliveries: deliveries), store)
                        }
                    }
                }
            }
        case .gateway:
            return try await withSimulators(scenario) { llm, web in
                try await withGateway(llm: llm, web: web, scratch: scratch, limits: scenario.gatewayLimits) { baseURL, store in
                    try await withLoadClient(baseURL, scenario: scenario) { client in
                        try await body(HTTPTarget(client: client, apiKey: "hermes-bench"), store)
                    }
                }
            }
        }
    }

    private static func withSimulators<T: Sendable>(
        _ scenario: Scenario, _ body: @escaping @Sendable (String, WebConfiguration) async throws -> T
    ) async throws -> T {
        try await LLMSimulator(config: scenario.llm).withServer { llm in
            try await WebSearchSimulator().withServer { web in
                try await body(llm, WebConfiguration(baseURL: web, apiKey: "bench"))
            }
        }
    }

    /// An in-process gateway on loopback over a store in `scratch`, agents on the simulators;
    /// its Telegram webhook is on when `telegram` is given.
    private static func withGateway<T: Sendable>(
        llm: String, web: WebConfiguration, scratch: String, limits: GatewayLimits, telegram: TelegramSettings? = nil,
        onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil,
        _ body: @escaping @Sendable (String, SQLiteSessionStore) async throws -> T
    ) async throws -> T {
        let store = try await SQLiteSessionStore.open(at: scratch + "/gateway.db")
        let tools = ToolRegistry.builtIn()
        let directory = scratch + "/workspace"
        var logger = Logger(label: "hermes.bench.gateway")
        // Stopping the gateway at the end of a run cancels its connections; that is not news.
        logger.logLevel = .critical
        let configuration = GatewayConfiguration(
            port: 0, apiKey: "hermes-bench", maxConcurrentTurns: limits.maxConcurrentTurns,
            maxQueuedPerSession: limits.maxQueuedPerSession, maxPendingTurns: limits.maxPendingTurns, telegram: telegram)
        do {
            // One model connection per turn that may run at once, as `hermes gateway` has.
            let result = try await withModelClient(connections: limits.maxConcurrentTurns) { http in
                let model = OpenAIClient(configuration: .init(baseURL: llm), httpClient: http)
                let gateway = Gateway(configuration: configuration, store: store, logger: logger, onDelivery: onDelivery) {
                    session, history in
                    try Agent(
                        model: model, tools: tools,
                        context: ToolContext(
                            sessionID: session, workingDirectory: directory, todos: TodoStore(restoringFrom: history),
                            web: web),
                        configuration: AgentConfiguration(toolsets: ["file", "web", "todo"], maxIterations: 8),
                        history: history)
                }
                return try await gateway.withServer { baseURL in try await body(baseURL, store) }
            }
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// A model client with room for `connections` calls at once, shut down after `body`.
    private static func withModelClient<T: Sendable>(
        connections: Int, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        let client = HTTPClient.makeModelClient(connectionsPerHost: connections)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The agents' working directory: a few files for the file tools to read and search, the same
    /// on every run (a real checkout would make tool timings depend on what else lies around).
    private static func makeWorkspace(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/Sources", withIntermediateDirectories: true)
        let line = "Hermes answers with tools; this line is here to be read and searched.\n"
        try String(repeating: line, count: 200).write(toFile: path + "/README.md", atomically: true, encoding: .utf8)
        for index in 0..<20 {
            try String(repeating: "// Hermes module \(index)\nlet value\(index) = \(index)\n", count: 50)
                .write(toFile: path + "/Sources/File\(index).swift", atomically: true, encoding: .utf8)
        }
    }

    /// The load generator's client for `url` (one connection per request in flight), closed after `body`.
    private static func withLoadClient<T: Sendable>(
        _ url: String, scenario: Scenario, _ body: (LoadClient) async throws -> T
    ) async throws -> T {
        guard let client = LoadClient(baseURL: url) else {
            throw ScenarioError(
                file: scenario.file, line: 0,
                "the target \(url) is not http://HOST[:PORT]: hermes-bench speaks plain HTTP/1.1 (TLS would be measured too); use the server's plain HTTP address")
        }
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    // MARK: report

    private struct Measurement: Sendable {
        var allocation: AllocationSnapshot?
        var process: ProcessStats?
        var store: StoreStatistics?
        var databaseBytes = 0
        var walBytes = 0

        static func take(store: SQLiteSessionStore?) -> Measurement {
            var measurement = Measurement(
                allocation: Jemalloc.snapshot(), process: ProcessStats.current(), store: store?.statistics)
            if let path = store?.path {
                measurement.databaseBytes = fileSize(path)
                measurement.walBytes = fileSize(path + "-wal")
            }
            return measurement
        }

        private static func fileSize(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        }
    }

    private static func makeReport(
        scenario: Scenario, target: Scenario.Target, options: RunOptions, started: Date, wall: Duration,
        recorder: RunRecorder, before: Measurement, after: Measurement
    ) -> RunReport {
        let state = recorder.snapshot
        let failures = state.errors.values.reduce(0, +) + state.rejected
        let scheduled: Int =
            switch scenario.workload.model {
            case .open(let phases, let arrivals):
                ArrivalSchedule(phases: phases, arrivals: arrivals, scale: options.scale, seed: scenario.seed).offsets.count
            case .closed: state.requests
            }
        var allocations: RunReport.Allocations?
        if case .url = target {} else if let start = before.allocation, let end = after.allocation {
            let delta = end.delta(since: start)
            let turns = Double(max(state.completed, 1))
            allocations = RunReport.Allocations(
                mallocCalls: delta.mallocCalls, bytes: delta.cumulativeBytes, perTurn: Double(delta.mallocCalls) / turns,
                bytesPerTurn: Double(delta.cumulativeBytes) / turns, allocatedBytesAfter: end.allocated,
                activeBytesAfter: end.active, residentBytesAfter: end.resident, threadCache: Jemalloc.threadCacheEnabled,
                phases: phaseAllocations(state.phaseMarks))
        }
        var process: RunReport.ProcessFigures?
        if case .url = target {} else if let start = before.process, let end = after.process {
            process = RunReport.ProcessFigures(
                cpuUserSeconds: end.cpuUserSeconds - start.cpuUserSeconds,
                cpuSystemSeconds: end.cpuSystemSeconds - start.cpuSystemSeconds, peakResidentBytes: end.peakResidentBytes,
                threads: end.threads, openDescriptors: end.openDescriptors)
        }
        var store: RunReport.StoreFigures?
        if let start = before.store, let end = after.store {
            let transactions = end.commits - start.commits
            let writes = end.writes - start.writes
            store = RunReport.StoreFigures(
                messages: end.messages - start.messages, writes: writes, transactions: transactions,
                failedTransactions: end.failedCommits - start.failedCommits,
                meanBatchSize: transactions == 0 ? 0 : Double(writes) / Double(transactions), largestBatch: end.largestBatch,
                databaseBytes: after.databaseBytes, walBytes: after.walBytes)
        }
        let targetName: String =
            switch target {
            case .agent: "agent"
            case .gateway: "gateway"
            case .store: "store"
            case .url(let url): url
            }
        var report = RunReport(
            scenario: .init(name: scenario.name, file: scenario.file, target: targetName, seed: scenario.seed, scale: options.scale),
            gitCommit: GitCommit.current(), machine: .current,
            startedAt: ISO8601DateFormatter().string(from: started), durationSeconds: wall.seconds,
            counts: .init(
                scheduled: scheduled, requests: state.requests, completed: state.completed, rejected: state.rejected,
                errors: state.errors, lateStarts: state.lateStarts),
            throughputPerSecond: Double(state.completed) / max(wall.seconds, 1e-9),
            errorRate: state.requests == 0 ? 0 : Double(failures) / Double(state.requests),
            goodput: state.requests == 0 ? 0 : Double(state.good) / Double(state.requests),
            latency: state.histograms.mapValues(RunReport.LatencySummary.init), allocations: allocations, process: process,
            store: store,
            thresholds: [])
        report.thresholds = scenario.thresholds.map { threshold in
            let value = report.value(of: threshold.figure)
            let passed: Bool =
                switch (threshold.comparison, value) {
                case (_, nil): false
                case (.lessThan, let value?): value < threshold.bound
                case (.atMost, let value?): value <= threshold.bound
                case (.greaterThan, let value?): value > threshold.bound
                case (.atLeast, let value?): value >= threshold.bound
                }
            return RunReport.ThresholdResult(
                figure: threshold.figure.description, comparison: threshold.comparison.rawValue, bound: threshold.bound,
                value: value, passed: passed)
        }
        return report
    }

    /// Each phase's allocations, from the marks at its start and its end.
    private static func phaseAllocations(_ marks: [PhaseMark]) -> [RunReport.PhaseAllocations] {
        zip(marks, marks.dropFirst()).enumerated().compactMap { index, pair in
            guard let start = pair.0.allocation, let end = pair.1.allocation else { return nil }
            let delta = end.delta(since: start)
            let turns = pair.1.completed - pair.0.completed
            return RunReport.PhaseAllocations(
                phase: index + 1, startSeconds: pair.0.offset.seconds, durationSeconds: (pair.1.offset - pair.0.offset).seconds,
                turns: turns, mallocCalls: delta.mallocCalls, bytes: delta.cumulativeBytes,
                perTurn: turns == 0 ? nil : Double(delta.mallocCalls) / Double(turns),
                bytesPerTurn: turns == 0 ? nil : Double(delta.cumulativeBytes) / Double(turns),
                allocatedBytesAfter: end.allocated, activeBytesAfter: end.active, residentBytesAfter: end.resident)
        }
    }

    private static func write(
        _ report: RunReport, recorder: RunRecorder, scenario: Scenario, options: RunOptions, started: Date
    ) throws -> String {
        let stamp = ISO8601DateFormatter.string(
            from: started, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        let directory = (options.outputDirectory as NSString).appendingPathComponent("\(stamp)-\(scenario.name)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(report).write(to: URL(fileURLWithPath: directory + "/report.json"), options: .atomic)
        try Data(RunSummary.markdown(report).utf8).write(to: URL(fileURLWithPath: directory + "/summary.md"), options: .atomic)
        let state = recorder.snapshot
        try Data(MetricsText.render(report, histograms: state.histograms).utf8)
            .write(to: URL(fileURLWithPath: directory + "/metrics.prom"), options: .atomic)
        for (operation, log) in recorder.intervalLogs {
            try Data(log.text(startedAt: state.runStartDate).utf8)
                .write(to: URL(fileURLWithPath: directory + "/" + IntervalLog.fileName(for: operation)), options: .atomic)
        }
        return directory
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
