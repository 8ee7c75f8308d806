import Foundation

extension Gate.Result {
    /// The verdicts as a table, figures in their own units, then one line per failure naming both values.
    public var table: String {
        var rows = ["| figure | baseline | runs | change | bound | p | verdict |", "|---|---:|---:|---:|---:|---:|---|"]
        for line in lines {
            let figure = Figure(name: line.figure)
            let verdict = line.verdict == .regression || line.verdict == .broken ? line.verdict.rawValue.uppercased() : line.verdict.rawValue
            rows.append(
                "| \(line.figure) | \(Self.format(line.baseline, figure)) | \(Self.format(line.value, figure)) | \(Self.change(line.change)) "
                    + "| \(line.kind == "threshold" ? Self.bound(line.bound, figure) : line.bound) | \(line.pValue.map { String(format: "%.3g", $0) } ?? "") "
                    + "| \(verdict)\(line.note.map { " (\($0))" } ?? "") |")
        }
        return rows.joined(separator: "\n")
    }

    /// One sentence per failure: the figure with both values.
    public var failures: [String] {
        lines.compactMap { line in
            let figure = Figure(name: line.figure)
            switch line.verdict {
            case .regression where line.kind == "gate":
                return "regression: \(line.figure) went from \(Self.format(line.baseline, figure)) to \(Self.format(line.value, figure)) "
                    + "(\(Self.change(line.change)), allowed \(line.bound)\(line.pValue.map { String(format: ", p = %.3g", $0) } ?? ""))"
            case .broken:
                return "threshold broken: \(line.figure) \(Self.bound(line.bound, figure)) — measured \(Self.format(line.value, figure))"
            default:
                return nil
            }
        }
    }

    static func change(_ change: Double?) -> String {
        guard let change else { return "" }
        return change.isFinite ? String(format: "%+.2f%%", change * 100) : "from 0"
    }

    /// A threshold's bound in the figure's unit: `< 500ms`.
    static func bound(_ bound: String, _ figure: Figure?) -> String {
        let parts = bound.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let value = Double(parts[1]) else { return bound }
        return "\(parts[0]) \(format(value, figure))"
    }

    /// A figure's value in its unit: milliseconds, a count, bytes, a rate or a percentage.
    static func format(_ value: Double?, _ figure: Figure?) -> String {
        guard let value else { return "-" }
        switch figure {
        case .latency?: return String(format: "%.3f ms", value * 1000)
        case .allocationsPerTurn?: return String(format: "%.1f", value)
        case .bytesPerTurn?: return String(format: "%.1f KiB", value / 1024)
        case .throughput?: return String(format: "%.1f/s", value)
        case .errorRate?, .goodput?, .lateStartRate?, .heapGrowth?: return String(format: "%.3f%%", value * 100)
        case nil: return String(format: "%g", value)
        }
    }
}

extension Gate.Result {
    /// `verdict.json`'s bytes.
    public func json() throws -> Data { try ReportJSON.encoder.encode(self) }
}
