import Foundation
import HermesCore

/// Errors of the simulators: a bad configuration file, or a server that could not start.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a person: the file, the key and what to write instead.
    public let message: String
    /// Makes an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Decoder {
    /// Throws when the object being decoded has a key outside `known`, naming it and the keys allowed.
    func rejectUnknownKeys(_ known: Set<String>) throws {
        if let path = try firstUnknownKey(among: known) {
            throw SimulatorError("unknown key \"\(path)\"; allowed here: \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a duration written as text with a unit (`40ms`, `2s`).
    func decodeDuration(forKey key: Key) throws -> Duration? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let duration = Duration(parsing: text) else {
            let path = (codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw SimulatorError(
                "\(path): \"\(text)\" is not a duration; write a number with a unit, e.g. 40ms, 1.5s, 500us"
            )
        }
        return duration
    }

    /// Decodes `{min: A, max: B}` tokens, with 1 <= A <= B.
    func decodeTokenRange(forKey key: Key) throws -> ClosedRange<Int>? {
        guard let range = try decodeIfPresent(TokenRange.self, forKey: key) else { return nil }
        guard range.min >= 1, range.max >= range.min else {
            let path = (codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw SimulatorError("\(path): {min: \(range.min), max: \(range.max)} is impossible; need 1 <= min <= max")
        }
        return range.min...range.max
    }
}

/// `{min: A, max: B}` as written in a configuration.
private struct TokenRange: Decodable {
    var min: Int
    var max: Int
}
