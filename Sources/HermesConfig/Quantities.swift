import Foundation
import HermesCore

/// An arrival rate, in events per second: written `200/s`, `12000/m`, `3/ms`, `1000/h`.
public struct Rate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Events per second.
    public var perSecond: Double

    /// Makes a rate.
    public init(perSecond: Double) { self.perSecond = perSecond }

    /// Parses `NUMBER/UNIT` (`s`, `m`/`min`, `h`, `ms`); `nil` for anything else, negatives included.
    public init?(parsing text: some StringProtocol) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let value = Double(parts[0].trimmingCharacters(in: .whitespaces)), value >= 0,
            value.isFinite
        else { return nil }
        let seconds: Double
        switch parts[1].trimmingCharacters(in: .whitespaces) {
        case "ms": seconds = 0.001
        case "s": seconds = 1
        case "m", "min": seconds = 60
        case "h": seconds = 3600
        default: return nil
        }
        perSecond = value / seconds
    }

    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.perSecond < rhs.perSecond }

    public var description: String {
        perSecond.rounded() == perSecond ? "\(Int(perSecond))/s" : String(format: "%.3g/s", perSecond)
    }
}

/// A size in bytes: written `512B`, `4KiB`, `1.5MiB`, `2GiB`, or with decimal units `4kB`, `1MB`.
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bytes.
    public var bytes: Double

    /// Makes a size.
    public init(bytes: Double) { self.bytes = bytes }

    /// Parses a number followed by `B`, `kB`/`KB`, `KiB`, `MB`, `MiB`, `GB`, `GiB`.
    public init?(parsing text: some StringProtocol) {
        guard let (value, unit) = parseQuantity(text) else { return nil }
        let scale: Double
        switch unit {
        case "B": scale = 1
        case "kB", "KB": scale = 1e3
        case "KiB": scale = 1024
        case "MB": scale = 1e6
        case "MiB": scale = 1_048_576
        case "GB": scale = 1e9
        case "GiB": scale = 1_073_741_824
        default: return nil
        }
        bytes = value * scale
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    public var description: String { "\(Int(bytes))B" }
}

/// A share written as a percentage: `0.5%`, `10%`.
public struct Percent: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The share as a fraction (`0.5%` is 0.005).
    public var fraction: Double

    /// Makes a share.
    public init(fraction: Double) { self.fraction = fraction }

    /// Parses `NUMBER%` (a sign is allowed, for relative changes such as `+10%`).
    public init?(parsing text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("%"), let value = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)),
            value.isFinite
        else { return nil }
        fraction = value / 100
    }

    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.fraction < rhs.fraction }

    public var description: String {
        let value = fraction * 100
        return (value.rounded() == value ? String(Int(value)) : String(format: "%.3g", value)) + "%"
    }
}
