import HermesBench
import HermesConfig
import Histogram

extension FuzzTarget {
    /// Scenario files, as `hermes-bench run` reads them.
    static let scenario = FuzzTarget(
        name: "scenario",
        summary: "a scenario file's text: accepted, or refused with an error that names the file and says what is wrong"
    ) { bytes throws(FuzzFailure) in
        do throws(ScenarioError) {
            _ = try ScenarioLoader.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        } catch {
            try check(error.file == "fuzz.yaml", "the error names \(error.file ?? "no file"), not fuzz.yaml: \(error)")
            try check(!error.message.isEmpty, "the error says nothing")
        }
    }

    /// HdrHistogram interval logs and the histograms they hold, as `hermes-bench merge` and
    /// `report` read them.
    static let intervalLog = FuzzTarget(
        name: "hlog",
        summary: "the bytes as an interval log's text (read, merged and summarised as hermes-bench merge does) and as one "
            + "encoded histogram: either is read or refused, and a histogram read back re-encodes to bytes that decode to the same one"
    ) { bytes throws(FuzzFailure) in
        if let log = try? IntervalLogFile.parse(String(decoding: bytes, as: UTF8.self), path: "fuzz.hlog"),
            let merged = try? LogMerge.merge([log])
        {
            for operation in merged.operations.values { _ = operation.summary }
        }
        guard let histogram = try? HistogramEncoding.decode(bytes) else { return }
        let again: Histogram<UInt64>
        do {
            again = try HistogramEncoding.decode(HistogramEncoding.encoded(histogram))
        } catch {
            throw FuzzFailure("a decoded histogram's own encoding does not decode: \(error)")
        }
        try check(again == histogram, "the histogram changed on re-encoding (\(histogram.totalCount) → \(again.totalCount) counts)")
    }
}
