import Foundation
import HermesConfig
import HermesCore
import HermesSimulators
import Yams

/// The `thresholds:` and `gate:` sections.
extension ScenarioParser {
    func thresholds(_ node: Node) throws(ScenarioError) -> [Threshold] {
        guard let mapping = node.mapping else {
            throw reader.error(node, "thresholds must be a mapping such as turn.p99: \"< 250ms\"")
        }
        var result: [Threshold] = []
        for (key, value) in mapping {
            let figure = try self.figure(key, in: "thresholds")
            let text = try reader.string(value, at: "thresholds.\(key.string ?? "")")
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard
                let comparison = Threshold.Comparison.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
                    .first(where: { trimmed.hasPrefix($0.rawValue) })
            else {
                throw reader.error(
                    value, "thresholds.\(figure): \"\(text)\" needs a comparison first: <, <=, > or >=, e.g. \"< \(example(for: figure))\"")
            }
            let bound = try self.value(String(trimmed.dropFirst(comparison.rawValue.count)), of: figure, node: value, in: "thresholds")
            result.append(Threshold(figure: figure, comparison: comparison, bound: bound, line: value.mark?.line ?? 0))
        }
        return result
    }

    func gate(_ node: Node) throws(ScenarioError) -> [GateRule] {
        guard let mapping = node.mapping else {
            throw reader.error(node, "gate must be a mapping such as overhead.p99: +10%")
        }
        var result: [GateRule] = []
        for (key, value) in mapping {
            let figure = try self.figure(key, in: "gate")
            let text = try reader.string(value, at: "gate.\(figure)")
            guard let change = Percent(parsing: text) else {
                throw reader.error(value, "gate.\(figure): \"\(text)\" is not a relative change — write the regression allowed, e.g. +10% or +2%")
            }
            result.append(GateRule(figure: figure, tolerance: abs(change.fraction), line: value.mark?.line ?? 0))
        }
        return result
    }

    func figure(_ key: Node, in section: String) throws(ScenarioError) -> Figure {
        let name = try reader.string(key, at: section)
        if let figure = Figure(name: name) { return figure }
        if let dot = name.lastIndex(of: "."), Figure.isOperation(String(name[..<dot])) {
            let statisticName = String(name[name.index(after: dot)...])
            throw reader.error(
                key,
                "\(section).\(name): \"\(statisticName)\" is not a statistic — use one of \(Figure.Statistic.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        throw reader.error(
            key,
            "\(section): \"\(name)\" is not a figure — use OPERATION.STATISTIC (operations: \(Figure.operations.joined(separator: ", ")), tool.NAME; e.g. turn.p99) or error_rate, allocs_per_turn, bytes_per_turn, throughput, goodput, late_start_rate, heap_growth"
        )
    }

    /// A bound in the figure's base unit.
    func value(_ text: String, of figure: Figure, node: Node, in section: String) throws(ScenarioError) -> Double {
        let text = text.trimmingCharacters(in: .whitespaces)
        let parsed: Double?
        switch figure {
        case .latency: parsed = Duration(parsing: text)?.seconds
        case .errorRate, .goodput, .lateStartRate, .heapGrowth: parsed = Percent(parsing: text).map(\.fraction)
        case .allocationsPerTurn: parsed = Double(text).flatMap { $0 >= 0 ? $0 : nil }
        case .bytesPerTurn: parsed = ByteSize(parsing: text)?.bytes ?? Double(text)
        case .throughput: parsed = Rate(parsing: text)?.perSecond
        }
        guard let parsed else {
            throw reader.error(node, "\(section).\(figure): \"\(text)\" is not a bound for this figure — write e.g. \"< \(example(for: figure))\"")
        }
        return parsed
    }

    func example(for figure: Figure) -> String {
        switch figure {
        case .latency: "250ms"
        case .errorRate: "0.5%"
        case .goodput: "99%"
        case .lateStartRate: "1%"
        case .heapGrowth: "10%"
        case .allocationsPerTurn: "4000"
        case .bytesPerTurn: "256KiB"
        case .throughput: "500/s"
        }
    }
}
