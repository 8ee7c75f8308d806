import Foundation
import HermesConfig
import HermesCore
import Histogram

/// Writes a run as a Prometheus text exposition (format 0.0.4): `metrics.prom`.
///
/// Written by hand rather than through swift-prometheus: that package has no summary type, and
/// the quantiles here come from the run's HdrHistograms, not from a live registry. Every family
/// has `# HELP` and `# TYPE`; histogram buckets are cumulative and end with `+Inf` equal to
/// `_count`; label values are escaped (`\`, `"`, newline).
enum MetricsText {
    /// Bucket bounds of the latency histograms, seconds.
    static let buckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]
    static let quantiles: [Double] = [0.5, 0.9, 0.99, 0.999]

    /// The exposition of `report`; `running` marks a run still in progress (`live.prom`).
    static func render(_ report: RunReport, histograms: [String: Histogram<UInt64>], running: Bool) -> String {
        let scenario = "scenario=\"\(escape(report.scenario.name))\""
        let operations = histograms.keys.sorted()
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func number(_ value: Double) -> String {
            value.isFinite ? (value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "NaN"
        }
        /// A family with one sample, labelled with the scenario alone.
        func single(_ name: String, _ type: String, _ help: String, _ value: Double) {
            family(name, type, help)
            out += "\(name){\(scenario)} \(number(value))\n"
        }

        family("hermes_bench_run_info", "gauge", "The run these figures belong to (always 1): its state, start and commit.")
        out +=
            "hermes_bench_run_info{\(scenario),state=\"\(running ? "running" : "finished")\",started_at=\"\(escape(report.startedAt))\","
            + "commit=\"\(escape(report.gitCommit ?? "unknown"))\"} 1\n"
        family("hermes_bench_latency_seconds", "histogram", "Latency of each operation of the run (turn from its intended start).")
        for operation in operations {
            guard let histogram = histograms[operation] else { continue }
            let labels = "\(scenario),op=\"\(escape(operation))\""
            for bound in buckets {
                let count = histogram.count(within: 0...UInt64(bound * 1e6))
                out += "hermes_bench_latency_seconds_bucket{\(labels),le=\"\(number(bound))\"} \(count)\n"
            }
            out += "hermes_bench_latency_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.totalCount)\n"
            out += "hermes_bench_latency_seconds_sum{\(labels)} \(number(histogram.mean * Double(histogram.totalCount) / 1e6))\n"
            out += "hermes_bench_latency_seconds_count{\(labels)} \(histogram.totalCount)\n"
        }

        family("hermes_bench_latency_quantiles_seconds", "summary", "Latency quantiles of each operation, from HdrHistograms (3 significant digits).")
        for operation in operations {
            guard let histogram = histograms[operation] else { continue }
            let labels = "\(scenario),op=\"\(escape(operation))\""
            for quantile in quantiles {
                let value = Double(histogram.valueAtPercentile(quantile * 100)) / 1e6
                out += "hermes_bench_latency_quantiles_seconds{\(labels),quantile=\"\(number(quantile))\"} \(number(value))\n"
            }
            out += "hermes_bench_latency_quantiles_seconds_sum{\(labels)} \(number(histogram.mean * Double(histogram.totalCount) / 1e6))\n"
            out += "hermes_bench_latency_quantiles_seconds_count{\(labels)} \(histogram.totalCount)\n"
        }

        let counts = report.counts
        family("hermes_bench_requests_total", "counter", "Requests of the run by outcome.")
        for (outcome, value) in [("completed", counts.completed), ("rejected", counts.rejected), ("failed", counts.errors.values.reduce(0, +))] {
            out += "hermes_bench_requests_total{\(scenario),outcome=\"\(outcome)\"} \(value)\n"
        }
        if !counts.errors.isEmpty {
            family("hermes_bench_errors_total", "counter", "Failed requests by kind.")
            for (kind, value) in counts.errors.sorted(by: { $0.key < $1.key }) {
                out += "hermes_bench_errors_total{\(scenario),kind=\"\(escape(kind))\"} \(value)\n"
            }
        }
        if !counts.compressions.isEmpty {
            family("hermes_bench_compressions_total", "counter", "Turns that compressed their history first, by outcome.")
            for (outcome, value) in counts.compressions.sorted(by: { $0.key < $1.key }) {
                out += "hermes_bench_compressions_total{\(scenario),outcome=\"\(escape(outcome))\"} \(value)\n"
            }
        }
        single(
            "hermes_bench_late_starts_total", "counter", "Requests the generator started more than 1 ms after their scheduled time.",
            Double(counts.lateStarts))
        single("hermes_bench_throughput_per_second", "gauge", "Completed turns per second of the run.", report.throughputPerSecond)
        single("hermes_bench_error_ratio", "gauge", "Failed and rejected requests over all requests.", report.errorRate)
        single(
            "hermes_bench_goodput_ratio", "gauge", "Turns completed within every latency threshold, over all requests.",
            report.goodput)
        single("hermes_bench_duration_seconds", "gauge", "Wall time of the workload.", report.durationSeconds)
        if let allocations = report.allocations {
            single(
                "hermes_bench_allocations_per_turn", "gauge", "malloc calls per completed turn (jemalloc).", allocations.perTurn)
            single(
                "hermes_bench_allocated_bytes_per_turn", "gauge", "Bytes allocated per completed turn (jemalloc).",
                allocations.bytesPerTurn)
        }
        if let store = report.store {
            single(
                "hermes_bench_store_transactions_total", "counter", "Session store group commits during the run.",
                Double(store.transactions))
            single(
                "hermes_bench_store_messages_total", "counter", "Message rows the session store committed during the run.",
                Double(store.messages))
            single("hermes_bench_store_mean_batch_size", "gauge", "Writes per session store transaction.", store.meanBatchSize)
            family("hermes_bench_store_file_bytes", "gauge", "Session store file sizes at the end of the run.")
            out += "hermes_bench_store_file_bytes{\(scenario),file=\"db\"} \(store.databaseBytes)\n"
            out += "hermes_bench_store_file_bytes{\(scenario),file=\"wal\"} \(store.walBytes)\n"
        }
        return out
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
