import Foundation
import HermesConfig
import HermesTesting
import Histogram
import Testing

@testable import HermesBench

@Suite struct LogMergeTests {
    /// A reproducible spread of latencies, microseconds: mostly milliseconds, a long tail.
    private func samples(_ count: Int, seed: UInt64) -> [UInt64] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let uniform = Double(state >> 11) / Double(1 << 53)
            return UInt64(200 + 50_000 * pow(uniform, 6) + 5_000 * uniform)
        }
    }

    private func recorded(_ histogram: Histogram<UInt64>) -> [String] {
        histogram.recordedValues().map { "\($0.value):\($0.count)" }
    }

    @Test func decodingReversesEncoding() throws {
        var histogram = RunRecorder.makeHistogram()
        for value in samples(5_000, seed: 1) { _ = histogram.record(value) }
        _ = histogram.record(1, count: 4)
        _ = histogram.record(59_999_999, count: 2)
        let decoded = try HistogramEncoding.decode(base64: HistogramEncoding.base64Compressed(histogram)).histogram
        #expect(recorded(decoded) == recorded(histogram))
        #expect(decoded.totalCount == histogram.totalCount && decoded.max == histogram.max)

        let empty = try HistogramEncoding.decode(HistogramEncoding.encoded(RunRecorder.makeHistogram()))
        #expect(empty.totalCount == 0)
    }

    /// HdrHistogram's iterators add counts and values without overflow checks, and trap past
    /// 2^64: a histogram whose sums pass it is refused when read (the fuzzer's find, kept in
    /// Fuzz/Regressions/hlog), and a merge that would pass it is refused by name.
    @Test func sumsPast64BitsAreRefusedNotTrappedOn() throws {
        let fuzzFind = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/Regressions/hlog/value-sum-past-2-64.bin")
        let error = #expect(throws: HistogramEncoding.DecodingError.self) { try HistogramEncoding.decode(Array(Data(contentsOf: fuzzFind))) }
        #expect(error?.description.contains("past 2^64") == true, "\(String(describing: error))")

        var heavy = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 1 << 62, numberOfSignificantValueDigits: .two)
        _ = heavy.record(1 << 61, count: 5)
        let line = try HistogramEncoding.base64Compressed(heavy)
        let text = """
            #[hermes-bench turn: microseconds]
            #[Histogram log format version 1.3]
            0.000,1.000,1.0,\(line)
            1.000,1.000,1.0,\(line)

            """
        let one = try IntervalLogFile.parse(text.split(separator: "\n").prefix(3).joined(separator: "\n"), path: "one.hlog")
        #expect(try LogMerge.merge([one]).operations["turn"]?.summary.count == 5, "one interval's sums fit")
        let two = try IntervalLogFile.parse(text, path: "two.hlog")
        let refusal = #expect(throws: LogMerge.MergeError.self) { try LogMerge.merge([two]) }
        #expect(refusal?.description == "two.hlog: merged, the counts of turn would add up past 2^63 - 1, or their values past 2^64")
    }

    /// The acceptance line: merging the logs of two generators gives the percentiles of one
    /// histogram that recorded every sample.
    @Test func mergedPercentilesEqualOneHistogramOfAllSamples() throws {
        let directory = NSTemporaryDirectory() + "merge-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/b", withIntermediateDirectories: true)
        var everything = RunRecorder.makeHistogram()
        for (name, seed, start) in [("a", UInt64(7), 1_764_000_000.0), ("b", 8, 1_764_000_000.4)] {
            var log = IntervalLog(operation: "turn")
            let values = samples(20_000, seed: seed)
            for second in 0..<4 {
                var interval = RunRecorder.makeHistogram()
                for value in values[(second * 5_000)..<((second + 1) * 5_000)] {
                    _ = interval.record(value)
                    _ = everything.record(value)
                }
                log.append(interval, from: .seconds(second), to: .seconds(second + 1))
            }
            try log.text(startedAt: Date(timeIntervalSince1970: start))
                .write(toFile: "\(directory)/\(name)/turn.hlog", atomically: true, encoding: .utf8)
        }

        let merged = try LogMerge.merge(paths: [directory + "/a/turn.hlog", directory + "/b"])
        let turn = try #require(merged.operations["turn"])
        #expect(turn.files.count == 2)
        #expect(recorded(turn.total) == recorded(everything))
        let expected = RunReport.LatencySummary(everything)
        for statistic in Figure.Statistic.allCases {
            #expect(turn.summary.value(statistic) == expected.value(statistic), "\(statistic)")
        }
        #expect(turn.summary.count == 40_000)
        #expect(turn.intervals.count == 4, "the two generators' seconds overlap slot by slot")

        try merged.write(to: directory + "/out")
        let reread = try IntervalLogFile.read(path: directory + "/out/turn.hlog")
        #expect(reread.operation == "turn")
        var total = RunRecorder.makeHistogram()
        for interval in reread.intervals { total.add(interval.histogram) }
        #expect(recorded(total) == recorded(everything), "the merged log holds every sample")
        let json = try ReportJSON.decoder.decode(
            LogMerge.Report.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/out/merged.json")))
        #expect(json.latency["turn"]?.p99 == expected.p99)
    }

    /// A log written by Python's `hdrh`, an independent implementation, reads back exactly.
    @Test(.requires(.hdrh))
    func readsALogThatHdrhWrote() async throws {
        try await Prerequisite.hdrh.require()
        let path = NSTemporaryDirectory() + "hdrh-\(UUID().uuidString).hlog"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = """
            import sys
            from hdrh.histogram import HdrHistogram
            from hdrh.log import HistogramLogWriter
            h = HdrHistogram(1, 60000000, 3)
            for v in range(1, 30000, 3):
                h.record_value(v)
            h.record_value(45000000, 5)
            h.set_start_time_stamp(1764000000000)
            h.set_end_time_stamp(1764000001000)
            with open(sys.argv[1], "w") as f:
                w = HistogramLogWriter(f)
                w.output_log_format_version()
                f.write("#[StartTime: 1764000000.000 (seconds since epoch)]\\n")  # its output_start_time is broken
                w.output_legend()
                w.output_interval_histogram(h)
            """
        let written = try await runProcess("python3", ["-c", script, path])
        try #require(written.status == 0, "hdrh could not write the log: \(written.standardError)")
        var expected = RunRecorder.makeHistogram()
        for value in stride(from: UInt64(1), to: 30_000, by: 3) { _ = expected.record(value) }
        _ = expected.record(45_000_000, count: 5)
        let log = try IntervalLogFile.read(path: path)
        let interval = try #require(log.intervals.first)
        #expect(recorded(interval.histogram) == recorded(expected))
        #expect(abs(interval.start - 1_764_000_000) < 0.001)
    }

    @Test func damagedLogsAreRefusedWithFileAndLine() throws {
        let header =
            "#[Histogram log format version 1.3]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
        #expect(throws: IntervalLogFile.ReadError.self) { try IntervalLogFile.parse(header + "0.000,1.000,2.0,@@@@\n", path: "x.hlog") }
        do {
            _ = try IntervalLogFile.parse(header + "0.000,1.000,2.0,HISTFAAAAB54nJNpmSzMwMDAyAABzFCaEUoz\n", path: "x.hlog")
            Issue.record("a cut histogram was read")
        } catch {
            #expect("\(error)".hasPrefix("x.hlog:3: "), "\(error)")
        }
        do {
            _ = try IntervalLogFile.parse("StartTimestamp;garbage\n", path: "notes.txt")
            Issue.record("a file that is no log was read")
        } catch {
            #expect("\(error)".contains("not an HdrHistogram interval log"), "\(error)")
        }

        var coarse = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        _ = coarse.record(1_000)
        var fine = RunRecorder.makeHistogram()
        _ = fine.record(1_000)
        let directory = NSTemporaryDirectory() + "merge-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, histogram) in [("a", coarse), ("b", fine)] {
            var log = IntervalLog(operation: "turn")
            log.append(histogram, from: .zero, to: .seconds(1))
            try log.text(startedAt: Date()).write(toFile: "\(directory)/\(name).hlog", atomically: true, encoding: .utf8)
        }
        #expect(throws: LogMerge.MergeError.self) { try LogMerge.merge(paths: ["\(directory)/a.hlog", "\(directory)/b.hlog"]) }
        #expect(throws: LogMerge.MergeError.self) { try LogMerge.merge(paths: ["\(directory)/missing.hlog"]) }
    }
}
