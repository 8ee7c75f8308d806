import Foundation
import HermesTesting
import Histogram
import Testing

@testable import HermesBench

@Suite struct IntervalLogTests {
    @Test func zigZagMatchesJavasEncoding() {
        func bytes(_ value: Int64) -> [UInt8] {
            var out = [UInt8]()
            HistogramEncoding.appendZigZag(value, to: &out)
            return out
        }
        #expect(bytes(0) == [0] && bytes(-1) == [1] && bytes(1) == [2] && bytes(-2) == [3])
        #expect(bytes(63) == [126] && bytes(64) == [0x80, 0x01] && bytes(-300) == [0xD7, 0x04])
        #expect(bytes(.max).count == 9 && bytes(.min).count == 9, "the ninth byte carries eight bits")
    }

    @Test func theHeaderIsJavasV2Layout() {
        var histogram = RunRecorder.makeHistogram()
        _ = histogram.record(5)
        let bytes = HistogramEncoding.encoded(histogram)
        #expect(Array(bytes[0..<4]) == [0x1C, 0x84, 0x93, 0x13])
        #expect(Array(bytes[4..<8]) == [0, 0, 0, 2], "the payload: the run of five zero counts, then the 1")
        #expect(Array(bytes[12..<16]) == [0, 0, 0, 3])
        #expect(Array(bytes[40...]) == [9, 2], "-5 then 1, zig-zagged")
    }

    /// Python's `hdrh` (an independent implementation) reads back exactly what was recorded.
    @Test(.requires(.hdrh))
    func hdrhReadsTheLogBack() async throws {
        var first = RunRecorder.makeHistogram()
        var second = RunRecorder.makeHistogram()
        for value in stride(from: UInt64(1), through: 20_000, by: 7) { _ = first.record(value) }
        _ = first.record(59_000_000, count: 3)
        _ = second.record(1_234, count: 1_000_000)
        _ = second.record(100_000)
        var log = IntervalLog(operation: "tool.read_file")
        log.append(first, from: .zero, to: .seconds(1))
        log.append(second, from: .seconds(1), to: .milliseconds(2_500))
        let path = NSTemporaryDirectory() + "hlog-\(UUID().uuidString).hlog"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try log.text(startedAt: Date(timeIntervalSince1970: 1_764_098_113.5)).write(toFile: path, atomically: true, encoding: .utf8)

        let lines = try await readWithHdrh(path)
        func expected(_ histogram: Histogram<UInt64>, start: Double, end: Double) -> String {
            let values = histogram.recordedValues().map { "\($0.value):\($0.count)" }.joined(separator: " ")
            return "\(start) \(end) \(histogram.totalCount) \(values)"
        }
        #expect(lines.count == 2)
        #expect(lines.first == expected(first, start: 1_764_098_113.5, end: 1_764_098_114.5))
        #expect(lines.last == expected(second, start: 1_764_098_114.5, end: 1_764_098_116.0))
        #expect(IntervalLog.fileName(for: "tool.web/search é") == "tool.web_search__.hlog")
    }
}

/// Each interval of the log at `path` as Python's `hdrh` reads it: absolute start and end in
/// seconds, total count, then `value:count` for every recorded value (a test that calls it
/// declares `.requires(.hdrh)`).
func readWithHdrh(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
    try await Prerequisite.hdrh.require()
    let script = """
        import sys
        from hdrh.histogram import HdrHistogram
        from hdrh.log import HistogramLogReader
        reader = HistogramLogReader(sys.argv[1], HdrHistogram(1, 60000000, 3))
        while True:
            h = reader.get_next_interval_histogram()
            if h is None:
                break
            values = " ".join("%d:%d" % (i.value_iterated_to, i.count_at_value_iterated_to) for i in h.get_recorded_iterator())
            print(h.get_start_time_stamp() / 1000.0, h.get_end_time_stamp() / 1000.0, h.get_total_count(), values)
        """
    let result = try await runProcess("python3", ["-c", script, path])
    #expect(result.status == 0, "hdrh could not read \(path): \(result.standardError)", sourceLocation: sourceLocation)
    return result.standardOutput.split(separator: "\n").map(String.init)
}
