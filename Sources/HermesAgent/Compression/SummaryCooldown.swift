import HermesCore

/// After a summary call fails, an agent stops asking for summaries for a while and drops the
/// oldest turns instead (the Python project's cooldown), so a model that is down is not asked
/// again on every turn. A value the agent drives with its clock's instants.
struct SummaryCooldown: Sendable, Hashable {
    /// How long summaries pause after a failure.
    let duration: Duration
    /// Until when they are paused, if they are.
    private(set) var pausedUntil: ContinuousClock.Instant?

    init(duration: Duration) {
        self.duration = duration
    }

    /// Whether a summary may be asked for at `now`.
    func allowsSummaries(at now: ContinuousClock.Instant) -> Bool {
        pausedUntil.map { now >= $0 } ?? true
    }

    /// A summary call failed at `now`: pause from then on.
    mutating func summaryFailed(at now: ContinuousClock.Instant) {
        pausedUntil = now + duration
    }
}
