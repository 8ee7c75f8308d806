/// How the client retries a failed request: jittered exponential backoff that honours the
/// server's `Retry-After`.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (0 disables retrying).
    public var maxRetries: Int
    /// The backoff before the first retry; it doubles on each later one.
    public var baseDelay: Duration
    /// The backoff never exceeds this.
    public var maxDelay: Duration
    /// A `Retry-After` longer than this is not waited for: the error is returned at once.
    public var maxRetryAfter: Duration

    /// Makes a policy. The defaults follow the OpenAI SDKs: 2 retries, 0.5 s doubling up to 8 s.
    public init(
        maxRetries: Int = 2, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Never retry.
    public static let none = RetryPolicy(maxRetries: 0)
}

/// Decides, failure by failure, whether to retry and after how long.
///
/// A value-type state machine: it does no sleeping and reads no clock, so it is tested directly.
public struct RetryStateMachine: Sendable {
    /// What the caller should do next.
    public enum Action: Sendable, Equatable {
        /// Wait this long, then send the request again.
        case retry(after: Duration)
        /// Stop and report the error.
        case fail
    }

    /// The policy in force.
    public let policy: RetryPolicy
    /// Attempts made so far.
    public private(set) var attempts = 0

    /// Starts before the first attempt.
    public init(policy: RetryPolicy) { self.policy = policy }

    /// Records that an attempt is being made.
    public mutating func attemptStarted() { attempts += 1 }

    /// Decides what follows a failed attempt. `unit` is a uniform random number in [0, 1) for the jitter.
    public mutating func attemptFailed(_ error: LLMError, unit: Double) -> Action {
        guard error.isRetryable, attempts <= policy.maxRetries else { return .fail }
        if let retryAfter = error.retryAfter {
            return retryAfter <= policy.maxRetryAfter ? .retry(after: max(retryAfter, .zero)) : .fail
        }
        // "Equal jitter": half the exponential step fixed, half random, so retries spread out
        // but never collapse to zero.
        let exponent = min(attempts - 1, 30)
        let step = min(policy.baseDelay * (1 << exponent), policy.maxDelay)
        return .retry(after: step * (0.5 + 0.5 * min(max(unit, 0), 1)))
    }
}
