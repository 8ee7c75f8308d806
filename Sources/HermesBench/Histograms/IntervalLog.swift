import Foundation
import HermesCore
import Histogram

/// One operation's HdrHistogram interval log (`.hlog`, log format 1.3): a histogram per interval
/// of the run, each compressed and base64-encoded, readable by HdrHistogram's own tools
/// (`HistogramLogProcessor`, Python's `hdrh.log.HistogramLogReader`, HdrHistogramVisualizer).
///
/// Values are microseconds; the `Interval_Max` column is in milliseconds. Timestamps are seconds
/// since the run's start, which the `StartTime` and `BaseTime` lines give as seconds since the epoch.
struct IntervalLog: Sendable {
    /// The operation it records (`turn`, `llm`, `tool.read_file`…).
    let operation: String
    private var lines: [String] = []
    /// The bytes its lines hold, about: the heap a run's logs take, which `heap_growth` leaves out.
    private(set) var byteCount = 0

    init(operation: String) { self.operation = operation }

    /// Whether no interval has been added.
    var isEmpty: Bool { lines.isEmpty }

    /// Adds the histogram of the interval from `start` to `end` (offsets from the run's start).
    /// Should zlib fail, the line says so as a comment, which readers skip.
    mutating func append(_ histogram: Histogram<UInt64>, from start: Duration, to end: Duration) {
        let stamps = String(format: "%.3f,%.3f,%.3f,", start.seconds, (end - start).seconds, Double(histogram.max) / 1000)
        let line: String
        do {
            line = stamps + (try HistogramEncoding.base64Compressed(histogram))
        } catch {
            line = "#[interval \(stamps) not encoded: \(error)]"
        }
        lines.append(line)
        byteCount += line.utf8.count + MemoryLayout<String>.stride
    }

    /// The file's text for a run that started at `start`.
    func text(startedAt start: Date) -> String {
        let epoch = String(format: "%.3f", start.timeIntervalSince1970)
        var text = """
            #[Histogram log format version 1.3]
            #[StartTime: \(epoch) (seconds since epoch), \(ISO8601DateFormatter().string(from: start))]
            #[BaseTime: \(epoch) (seconds since epoch)]
            #[hermes-bench \(operation): values in microseconds, Interval_Max in milliseconds]
            "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"

            """
        for line in lines { text += line + "\n" }
        return text
    }

    /// The file name for `operation`: characters a file name should not hold become `_`.
    static func fileName(for operation: String) -> String {
        let safe = operation.unicodeScalars.map { scalar -> Character in
            let kept =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || ".-_".unicodeScalars.contains(scalar)
            return kept ? Character(scalar) : "_"
        }
        return String(safe) + ".hlog"
    }
}
