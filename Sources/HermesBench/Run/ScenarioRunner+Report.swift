import Foundation
import HermesConfig
import HermesCore
import HermesStore
import HermesTelemetry

/// The report of a run, from its recorder and the measurements taken around its workload.
extension ScenarioRunner {
    struct Measurement: Sendable {
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

        static func fileSize(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        }
    }

    static func makeReport(
        scenario: Scenario, target: Scenario.Target, options: RunOptions, started: Date, wall: Duration,
        recorder: RunRecorder, before: Measurement, after: Measurement
    ) -> RunReport {
        let state = recorder.snapshot
        let failures = state.errors.values.reduce(0, +) + state.rejected
        let scheduled = state.scheduled ?? state.requests
        var allocations: RunReport.Allocations?
        if target.isInProcess, let start = before.allocation, let end = after.allocation {
            let delta = end.delta(since: start)
            let turns = Double(max(state.completed, 1))
            allocations = RunReport.Allocations(
                mallocCalls: delta.mallocCalls, bytes: delta.cumulativeBytes, perTurn: Double(delta.mallocCalls) / turns,
                bytesPerTurn: Double(delta.cumulativeBytes) / turns, allocatedBytesAfter: end.allocated,
                activeBytesAfter: end.active, residentBytesAfter: end.resident, threadCache: Jemalloc.threadCacheEnabled,
                heapGrowth: RunRecorder.heapGrowth(state.heapSamples), heapSamples: state.heapSamples,
                phases: phaseAllocations(state.phaseMarks))
        }
        var process: RunReport.ProcessFigures?
        if target.isInProcess, let start = before.process, let end = after.process {
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
            case .process: "process"
            case .url(let url): url
            }
        var report = RunReport(
            scenario: .init(name: scenario.name, file: scenario.file, target: targetName, seed: scenario.seed, scale: options.scale),
            gitCommit: GitCommit.current(), machine: .current, build: .current,
            startedAt: ISO8601DateFormatter().string(from: started), durationSeconds: wall.seconds,
            counts: .init(
                scheduled: scheduled, requests: state.requests, completed: state.completed, rejected: state.rejected,
                errors: state.errors, lateStarts: state.lateStarts, compressions: state.compressions),
            throughputPerSecond: Double(state.completed) / max(wall.seconds, 1e-9),
            errorRate: state.requests == 0 ? 0 : Double(failures) / Double(state.requests),
            goodput: state.requests == 0 ? 0 : Double(state.good) / Double(state.requests),
            latency: state.histograms.mapValues(RunReport.LatencySummary.init), allocations: allocations, process: process,
            store: store,
            thresholds: [], gate: scenario.gate.map { .init(figure: $0.figure.description, tolerance: $0.tolerance) },
            injection: options.injection)
        report.thresholds = scenario.thresholds.map { threshold in
            let value = report.value(of: threshold.figure)
            return RunReport.ThresholdResult(
                figure: threshold.figure.description, comparison: threshold.comparison.rawValue, bound: threshold.bound,
                value: value, passed: value.map { threshold.comparison.holds($0, threshold.bound) } ?? false)
        }
        return report
    }

    /// Each phase's allocations, from the marks at its start and its end.
    static func phaseAllocations(_ marks: [PhaseMark]) -> [RunReport.PhaseAllocations] {
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
}
