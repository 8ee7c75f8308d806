import Foundation

/// The bearer key every `/v1/*` request must carry, known to be usable: the API server runs agents
/// with the terminal and file tools, so a guessable key is remote code execution, on loopback as
/// much as on a public address. The Python project's API server refuses to start without one
/// (`_api_key_passes_startup_guard` with `has_usable_secret(min_length=16)`), and so does this one.
public struct APIServerKey: Sendable {
    /// The fewest characters a key may have, as in the Python server.
    public static let minimumLength = 16

    /// Values people leave in templates, refused whatever their length (the Python project's
    /// `_PLACEHOLDER_SECRET_VALUES`, compared without case).
    static let placeholders: Set<String> = [
        "*", "**", "***", "changeme", "your_api_key", "your_api_key_here", "your-api-key", "placeholder", "example",
        "dummy", "null", "none",
    ]

    /// Why a key cannot be used.
    public enum Refusal: Error, Sendable, Hashable {
        /// No key, or only spaces.
        case missing
        /// Shorter than `minimumLength`, or a template placeholder.
        case weak
    }

    private let bytes: [UInt8]

    /// The key `text` (surrounding spaces dropped); refused when missing, short or a placeholder.
    public init(_ text: String?) throws(Refusal) {
        let key = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw .missing }
        guard key.count >= Self.minimumLength, !Self.placeholders.contains(key.lowercased()) else { throw .weak }
        bytes = Array(key.utf8)
    }

    /// Whether `token` is the key, compared in time that depends only on the lengths, so that a
    /// caller cannot find the key byte by byte from response times.
    func matches(_ token: some StringProtocol) -> Bool {
        constantTimeEqual(Array(token.utf8), bytes)
    }
}

/// Compares two byte strings in time that depends only on their lengths. Written here:
/// swift-crypto offers constant-time comparison only of authentication codes, not of arbitrary
/// tokens.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
