import Foundation
import Histogram

/// An HdrHistogram interval log read back: what `IntervalLog` writes, and what other HdrHistogram
/// tools write (format 1.2 and 1.3, tagged lines included).
package struct IntervalLogFile: Sendable {
    /// One line of the log.
    struct Interval: Sendable {
        /// Start, seconds since the epoch when the log gives its start or base time, else as written.
        var start: Double
        /// Length, seconds.
        var length: Double
        /// The `Tag=` of the line, when it has one.
        var tag: String?
        var histogram: Histogram<UInt64>
        /// Its values added up, bucket by bucket (`HistogramEncoding.Decoded.valueSum`).
        var valueSum: UInt64
    }

    /// The file it came from.
    var path: String
    /// The operation named by hermes-bench's comment line, else the file name without `.hlog`.
    var operation: String
    /// The log's `StartTime`, seconds since the epoch.
    var startTime: Double?
    var intervals: [Interval]

    /// Why a log could not be read: the file, the line and what was wrong.
    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the log at `path`.
    static func read(path: String) throws -> IntervalLogFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReadError(description: "\(path): cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, path: path)
    }

    /// The largest start or length of an interval, seconds.
    static let maxSeconds = 1e12

    /// Parses the text of a log; `path` names it in errors.
    package static func parse(_ text: String, path: String) throws -> IntervalLogFile {
        let fallbackName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var log = IntervalLogFile(path: path, operation: fallbackName, startTime: nil, intervals: [])
        var baseTime: Double?
        var sawHeader = false
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            func failure(_ message: String) -> ReadError {
                ReadError(description: "\(path):\(number + 1): \(message)")
            }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                sawHeader = true
                if let value = commentValue(line, key: "#[StartTime: ") { log.startTime = value }
                if let value = commentValue(line, key: "#[BaseTime: ") { baseTime = value }
                if line.hasPrefix("#[hermes-bench "), let colon = line.firstIndex(of: ":") {
                    log.operation = String(line[line.index(line.startIndex, offsetBy: 15)..<colon])
                }
                continue
            }
            if line.hasPrefix("\"StartTimestamp\"") {
                sawHeader = true
                continue
            }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var tag: String?
            if let first = fields.first, first.hasPrefix("Tag=") {
                tag = String(first.dropFirst(4))
                fields.removeFirst()
            }
            guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]), Double(fields[2]) != nil else {
                throw failure(
                    sawHeader
                        ? "expected StartTimestamp,Interval_Length,Interval_Max,Interval_Compressed_Histogram, found '\(line.prefix(60))'"
                        : "this is not an HdrHistogram interval log (no '#[Histogram log format' header)")
            }
            // Seconds, from 0 to about 30,000 years: what keeps the merge's arithmetic on them exact.
            guard (0...Self.maxSeconds).contains(start), (0...Self.maxSeconds).contains(length) else {
                throw failure("the interval's start and length must be seconds from 0 to \(Int(Self.maxSeconds)); found \(fields[0]), \(fields[1])")
            }
            let decoded: HistogramEncoding.Decoded
            do {
                decoded = try HistogramEncoding.decode(base64: fields[3])
            } catch {
                throw failure("\(error)")
            }
            log.intervals.append(
                Interval(start: start, length: length, tag: tag, histogram: decoded.histogram, valueSum: decoded.valueSum))
        }
        // Timestamps are offsets from BaseTime (format 1.3) or, in older logs, from StartTime
        // when they are too small to be epoch seconds (the rule of Java's HistogramLogReader).
        let oneYear = 365.0 * 24 * 3600
        if let base = baseTime ?? log.startTime {
            for index in log.intervals.indices where baseTime != nil || log.intervals[index].start < oneYear {
                log.intervals[index].start += base
            }
        }
        return log
    }

    private static func commentValue(_ line: String, key: String) -> Double? {
        guard line.hasPrefix(key), let value = Double(line.dropFirst(key.count).prefix { !$0.isWhitespace }) else { return nil }
        return (0...maxSeconds).contains(value) ? value : nil
    }
}
