/// Names a conversation. The store, the gateway's router and the agent cache key on it.
///
/// New ids follow the Python project's `state.db` format, `YYYYMMDD_HHMMSS_<6 hex>`, so that
/// sessions made by either implementation look alike.
public struct SessionID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as stored and sent.
    public let rawValue: String

    /// Wraps an existing id.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps an existing id.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// A fresh id for a session that starts at `secondsSince1970` (UTC).
    public static func generate(
        at secondsSince1970: Int, using generator: inout some RandomNumberGenerator
    ) -> SessionID {
        let suffix = String(UInt32.random(in: 0...0xFF_FFFF, using: &generator), radix: 16)
        let padded = String(repeating: "0", count: 6 - suffix.count) + suffix
        return SessionID(rawValue: "\(UTCTimestamp(secondsSince1970: secondsSince1970).compact)_\(padded)")
    }

    /// A fresh id for a session that starts at `secondsSince1970`, with the system's random numbers.
    public static func generate(at secondsSince1970: Int) -> SessionID {
        var generator = SystemRandomNumberGenerator()
        return generate(at: secondsSince1970, using: &generator)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A UTC calendar time, computed without Foundation's calendar machinery (cheap, allocation-free).
public struct UTCTimestamp: Sendable, Hashable {
    /// Calendar fields.
    public let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// Splits seconds since 1970-01-01T00:00:00Z into calendar fields (proleptic Gregorian).
    public init(secondsSince1970: Int) {
        let days = Int((Double(secondsSince1970) / 86_400).rounded(.down))
        let secondsOfDay = secondsSince1970 - days * 86_400
        hour = secondsOfDay / 3600
        minute = secondsOfDay % 3600 / 60
        second = secondsOfDay % 60
        // Howard Hinnant's days-from-civil inverse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// `YYYYMMDD_HHMMSS`.
    public var compact: String {
        pad(year, 4) + pad(month, 2) + pad(day, 2) + "_" + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var iso8601: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
