/// One message for the system under test.
public struct BenchRequest: Sendable {
    /// The session it belongs to.
    public var session: String
    /// The user's text.
    public var text: String
    /// Whether to ask for a streamed reply.
    public var stream: Bool
    /// `prefilled` or `fresh` when the workload prefills some sessions (`turn.GROUP` in the report).
    public var group: String?
}

/// What a run drives: sends one message and says how its turn went. Must not throw: every failure
/// is an outcome to count.
public protocol BenchTarget: Sendable {
    func send(_ request: BenchRequest) async -> TurnOutcome
}
