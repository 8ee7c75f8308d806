/// A property a fuzz target found broken on an input: what should have held and what happened.
public struct FuzzFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// One parser that takes bytes from outside, driven the way the runtime drives it. A target
/// returns normally on any input the parser rejects with an error; it throws `FuzzFailure` when a
/// property it checks breaks, and a crash in the parser is a crash of the target.
public struct FuzzTarget: Sendable {
    /// The name `hermes-fuzz` and `scripts/fuzz` take, and the directory of its corpus.
    public let name: String
    /// What it feeds and what it checks.
    public let summary: String
    /// Runs one input.
    public let run: @Sendable ([UInt8]) throws(FuzzFailure) -> Void

    /// Every target, in the order `scripts/fuzz` runs them.
    public static let all: [FuzzTarget] = [
        chatBody, telegramUpdate, signedWebhook, completionStream, scenario, intervalLog,
    ]

    /// The target called `name`.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// Throws unless `condition` holds.
func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(message()) }
}

extension [UInt8] {
    /// The input cut at its first `count - 1` zero bytes into `count` fields (missing ones empty),
    /// so one input can carry several strings.
    func fields(_ count: Int) -> [String] {
        var parts = split(separator: 0, maxSplits: count - 1, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        while parts.count < count { parts.append("") }
        return parts
    }
}
