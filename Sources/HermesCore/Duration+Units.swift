import Foundation

extension Duration {
    /// Whole nanoseconds, saturating.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : scaled &+ attoseconds / 1_000_000_000
    }

    /// Whole milliseconds, saturating.
    public var milliseconds: Int64 { nanoseconds / 1_000_000 }

    /// Seconds as a floating-point number.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Duration {
    /// Parses a duration written with a unit: `500us`, `40ms`, `2s`, `1.5s`, `1m`, `1h` (also `µs`, `ns`).
    ///
    /// Returns `nil` for text without a number, without a unit, or with an unknown unit; negative
    /// values are refused too. Bare numbers are refused on purpose: "40" could mean seconds or
    /// milliseconds, and a wrong guess is worse than an error.
    public init?(parsing text: some StringProtocol) {
        guard let (value, unit) = parseQuantity(text) else { return nil }
        let scale: Double
        switch unit {
        case "ns": scale = 1
        case "us", "µs": scale = 1e3
        case "ms": scale = 1e6
        case "s": scale = 1e9
        case "m", "min": scale = 60e9
        case "h": scale = 3600e9
        default: return nil
        }
        let nanoseconds = value * scale
        guard nanoseconds < 9.2e18 else { return nil }
        self = .nanoseconds(Int64(nanoseconds.rounded()))
    }

    /// A short human form: `850us`, `40ms`, `2.5s`.
    public var shortDescription: String {
        let ns = nanoseconds
        func trim(_ value: Double) -> String {
            let text = String(format: "%.3f", value)
            let stripped = text.replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
            return stripped
        }
        if ns < 1_000 { return "\(ns)ns" }
        if ns < 1_000_000 { return trim(Double(ns) / 1e3) + "us" }
        if ns < 1_000_000_000 { return trim(Double(ns) / 1e6) + "ms" }
        return trim(Double(ns) / 1e9) + "s"
    }
}

/// Splits `40ms`, `1.5 MiB` and the like into a non-negative finite number and the unit after it
/// (trimmed); `nil` when either is missing. Units themselves are for the caller to read.
public func parseQuantity(_ text: some StringProtocol) -> (value: Double, unit: String)? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard let unitStart = trimmed.firstIndex(where: { !($0.isNumber || $0 == ".") }),
        let value = Double(trimmed[..<unitStart]), value >= 0, value.isFinite
    else { return nil }
    return (value, trimmed[unitStart...].trimmingCharacters(in: .whitespaces))
}
