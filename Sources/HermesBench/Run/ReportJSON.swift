import Foundation

/// How hermes-bench writes and reads its JSON files (`report.json`, baselines, `verdict.json`,
/// `merged.json`): snake_case keys, sorted, indented, so that diffs of committed files stay small.
enum ReportJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
