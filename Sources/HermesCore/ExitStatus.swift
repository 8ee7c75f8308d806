/// How `hermes` and `hermes-bench` end: the one list of exit statuses both executables use, so
/// that a script or a CI job can tell a failure of the work from a mistake in what it was given.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The work was done: the turn answered, the gateway stopped cleanly, every threshold and
    /// gate rule held.
    case success = 0
    /// The work failed: a turn or a store failed, a threshold broke, a gate found a regression.
    case failure = 1
    /// What it was given cannot be used: a setting's value (named with its source: a flag, an
    /// environment variable or `FILE:LINE`), a scenario or configuration file, a report from
    /// another set-up. Nothing was run.
    case badInput = 2
    /// The command line itself cannot be used (an unknown option, a missing argument, a value an
    /// option cannot take), as swift-argument-parser reports it (`EX_USAGE`).
    case usage = 64
}
