import Foundation
import Histogram

/// `hermes-bench merge`: interval logs of the same operations from several generators (machines,
/// processes or runs), combined into one set of histograms. Counts are added bucket by bucket, so
/// the merged percentiles are exactly those of one histogram that had recorded every sample.
public struct LogMerge: Sendable {
    /// One operation's merged histograms.
    public struct Operation: Sendable {
        /// `turn`, `llm`, `tool.read_file`…
        public var name: String
        /// The logs merged into it.
        public var files: [String]
        /// Every interval of every file, added up.
        var total: Histogram<UInt64>
        /// The intervals of all files on one clock: those starting in the same interval-long slot
        /// since the earliest start are added up.
        var intervals: [(start: Double, length: Double, histogram: Histogram<UInt64>)]
        /// The earliest start of any interval, seconds since the epoch.
        var startTime: Double

        /// The merged latency figures, seconds (values are microseconds, as hermes-bench records them).
        public var summary: RunReport.LatencySummary { RunReport.LatencySummary(total) }
    }

    /// The merged operations by name.
    public var operations: [String: Operation]

    /// Why logs could not be merged: which file, and what was wrong.
    public struct MergeError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Merges the logs at `paths`; a directory stands for every `.hlog` file in it (a run directory).
    /// Logs are grouped by the operation they record.
    public static func merge(paths: [String]) throws -> LogMerge {
        var files: [IntervalLogFile] = []
        for path in try expand(paths) {
            do {
                files.append(try IntervalLogFile.read(path: path))
            } catch {
                throw MergeError(description: "\(error)")
            }
        }
        return try merge(files)
    }

    /// Merges logs already read.
    package static func merge(_ files: [IntervalLogFile]) throws -> LogMerge {
        var operations: [String: Operation] = [:]
        for (name, group) in Dictionary(grouping: files, by: \.operation) {
            operations[name] = try merge(name: name, group.sorted { $0.path < $1.path })
        }
        return LogMerge(operations: operations)
    }

    private static func expand(_ paths: [String]) throws -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw MergeError(description: "\(path): no such file or directory")
            }
            guard isDirectory.boolValue else {
                result.append(path)
                continue
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".hlog") }.sorted()
            if names.isEmpty { throw MergeError(description: "\(path): the directory holds no .hlog file") }
            result += names.map { (path as NSString).appendingPathComponent($0) }
        }
        return result
    }

    private static func merge(name: String, _ files: [IntervalLogFile]) throws -> Operation {
        let all = files.flatMap { file in file.intervals.map { (file.path, $0) } }
        guard let (firstPath, first) = all.first else {
            throw MergeError(description: "\(files.map(\.path).joined(separator: ", ")): no interval to merge for \(name)")
        }
        var total = Self.emptyLike(first.histogram)
        var totalSums = Sums()
        for (path, interval) in all {
            let histogram = interval.histogram
            guard histogram.numberOfSignificantValueDigits == total.numberOfSignificantValueDigits,
                histogram.lowestDiscernibleValue == total.lowestDiscernibleValue
            else {
                throw MergeError(
                    description: "\(path): its histograms keep \(histogram.numberOfSignificantValueDigits.rawValue) significant digits from "
                        + "\(histogram.lowestDiscernibleValue), those of \(firstPath) \(total.numberOfSignificantValueDigits.rawValue) from "
                        + "\(total.lowestDiscernibleValue); only logs recorded with the same precision merge exactly")
            }
            try totalSums.add(interval, from: path, to: name)
            total.add(histogram)
        }
        let startTime = all.map(\.1.start).min() ?? 0
        // A millisecond at least, the precision of interval logs: with starts bounded by the
        // reader, the slot index then fits an Int.
        let slot = max(all.map(\.1.length).filter { $0 > 0 }.min() ?? 1, 0.001)
        var slots: [Int: (length: Double, histogram: Histogram<UInt64>, sums: Sums)] = [:]
        for (path, interval) in all {
            let index = Int(((interval.start - startTime) / slot).rounded(.down))
            var entry = slots[index] ?? (0, Self.emptyLike(total), Sums())
            entry.length = max(entry.length, interval.length)
            try entry.sums.add(interval, from: path, to: name)
            entry.histogram.add(interval.histogram)
            slots[index] = entry
        }
        let intervals = slots.sorted { $0.key < $1.key }.map {
            (start: Double($0.key) * slot, length: $0.value.length, histogram: $0.value.histogram)
        }
        return Operation(name: name, files: files.map(\.path), total: total, intervals: intervals, startTime: startTime)
    }

    /// A merged histogram's count and value sum, checked as they grow: HdrHistogram adds them
    /// without overflow checks, and its iterators would trap on a histogram past 2^64 (the count
    /// stays within 2^63 - 1, which the interval log's encoding can hold).
    private struct Sums {
        var count: UInt64 = 0
        var values: UInt64 = 0

        mutating func add(_ interval: IntervalLogFile.Interval, from path: String, to operation: String) throws {
            guard case (let count, false) = count.addingReportingOverflow(interval.histogram.totalCount), count <= Int64.max,
                case (let values, false) = values.addingReportingOverflow(interval.valueSum)
            else {
                throw MergeError(
                    description: "\(path): merged, the counts of \(operation) would add up past 2^63 - 1, or their values past 2^64")
            }
            (self.count, self.values) = (count, values)
        }
    }

    private static func emptyLike(_ histogram: Histogram<UInt64>) -> Histogram<UInt64> {
        var empty = Histogram<UInt64>(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue, highestTrackableValue: histogram.highestTrackableValue,
            numberOfSignificantValueDigits: histogram.numberOfSignificantValueDigits)
        empty.autoResize = true
        return empty
    }

    /// The merged figures, as `merged.json` holds them.
    public struct Report: Codable, Sendable {
        public var schemaVersion = 1
        /// Per operation, the logs merged.
        public var sources: [String: [String]]
        /// Per operation, seconds.
        public var latency: [String: RunReport.LatencySummary]
    }

    /// The merged figures.
    public var report: Report {
        Report(sources: operations.mapValues(\.files), latency: operations.mapValues(\.summary))
    }

    /// Writes `OPERATION.hlog` per operation (the merged intervals) and `merged.json` to `directory`.
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for operation in operations.values {
            var log = IntervalLog(operation: operation.name)
            for interval in operation.intervals {
                log.append(interval.histogram, from: .seconds(interval.start), to: .seconds(interval.start + interval.length))
            }
            try Data(log.text(startedAt: Date(timeIntervalSince1970: operation.startTime)).utf8)
                .write(
                    to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(IntervalLog.fileName(for: operation.name))),
                    options: .atomic)
        }
        try ReportJSON.encoder.encode(report)
            .write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("merged.json")), options: .atomic)
    }
}
