import Foundation

/// The human side of a report: `summary.md`, and the table printed at the end of a run.
public enum RunSummary {
    /// Operations in the order people read them.
    static let order = ["turn", "turn.uncorrected", "ttft", "llm", "overhead", "store.commit"]

    /// The latency table (milliseconds).
    public static func table(_ report: RunReport) -> String { table(report.latency) }

    /// The latency table of `latency` (milliseconds).
    public static func table(_ latency: [String: RunReport.LatencySummary]) -> String {
        let operations = order.filter { latency[$0] != nil } + latency.keys.filter { !order.contains($0) }.sorted()
        func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }
        var lines = ["| operation | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |", "|---|---:|---:|---:|---:|---:|---:|"]
        for name in operations {
            guard let summary = latency[name] else { continue }
            lines.append(
                "| \(name) | \(summary.count) | \(ms(summary.p50)) | \(ms(summary.p90)) | \(ms(summary.p99)) | \(ms(summary.p999)) | \(ms(summary.max)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The threshold verdicts, one line each.
    public static func thresholds(_ report: RunReport) -> String {
        report.thresholds.map { result in
            let value = result.value.map { String(format: "%.6g", $0) } ?? "not measured"
            return
                "\(result.passed ? "pass" : "FAIL")  \(result.figure) \(result.comparison) \(String(format: "%.6g", result.bound)) (measured \(value))"
        }.joined(separator: "\n")
    }

    /// `summary.md`.
    static func markdown(_ report: RunReport) -> String {
        let counts = report.counts
        var text = """
            # \(report.scenario.name)

            Target \(report.scenario.target), seed \(report.scenario.seed), scale \(report.scenario.scale), \
            commit \(report.gitCommit ?? "unknown"), \(report.machine.cores) cores, \(report.machine.allocator).
            Started \(report.startedAt), ran \(String(format: "%.1f", report.durationSeconds)) s.

            Requests \(counts.requests) of \(counts.scheduled) scheduled: \(counts.completed) completed, \
            \(counts.rejected) rejected, \(counts.errors.values.reduce(0, +)) failed\
            \(counts.errors.isEmpty ? "" : " (" + counts.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"); \
            \(counts.lateStarts) started late by the generator\(compressions(counts)). Throughput \(String(format: "%.1f", report.throughputPerSecond)) turns/s, \
            error rate \(String(format: "%.3f", report.errorRate * 100))%, goodput \(String(format: "%.1f", report.goodput * 100))% \
            (completed within every latency threshold).

            \(table(report))

            """
        if let allocations = report.allocations {
            text +=
                "\nAllocations: \(String(format: "%.0f", allocations.perTurn)) malloc calls and \(String(format: "%.0f", allocations.bytesPerTurn)) bytes per turn"
            if allocations.phases.count > 1 {
                let phases = allocations.phases.map { phase in
                    "phase \(phase.phase) \(phase.perTurn.map { String(format: "%.0f", $0) } ?? "-")"
                }
                text += " (\(phases.joined(separator: ", ")))"
            }
            text += "; \(megabytes(allocations.residentBytesAfter)) resident at the end.\n"
        }
        if let process = report.process {
            text +=
                "Process: \(String(format: "%.2f", process.cpuUserSeconds)) s user and \(String(format: "%.2f", process.cpuSystemSeconds)) s system CPU, "
                + "peak RSS \(megabytes(process.peakResidentBytes)), \(process.threads) threads, \(process.openDescriptors) open descriptors.\n"
        }
        if let store = report.store {
            text +=
                "Store: \(store.messages) messages in \(store.transactions) transactions (mean batch \(String(format: "%.1f", store.meanBatchSize)) writes, "
                + "largest \(store.largestBatch), \(store.failedTransactions) failed); database \(megabytes(store.databaseBytes)), WAL \(megabytes(store.walBytes)).\n"
        }
        if let note = generatorNote(report) { text += "\n" + note + "\n" }
        if !report.thresholds.isEmpty {
            text += "\n## Thresholds\n\n```\n\(thresholds(report))\n```\n"
        }
        return text
    }

    /// A warning when the generator started 1% or more of the requests late, else nil.
    public static func generatorNote(_ report: RunReport) -> String? {
        let counts = report.counts
        guard counts.lateStarts > 0, counts.lateStarts * 100 >= max(counts.requests, 1) else { return nil }
        return "The generator fell behind its schedule: \(counts.lateStarts) of \(counts.requests) requests started "
            + "more than 1 ms late. Their latency still counts from the intended start, but the load offered was "
            + "burstier than scheduled; a threshold `late_start_rate: \"< 1%\"` fails such a run."
    }

    private static func compressions(_ counts: RunReport.Counts) -> String {
        guard !counts.compressions.isEmpty else { return "" }
        let parts = counts.compressions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        return "; compressions: " + parts.joined(separator: ", ")
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}
