import NIOHTTP1
import Testing

@testable import HermesLLM

@Suite("Retry state machine")
struct RetryStateMachineTests {
    let policy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300))

    @Test("backoff doubles, stays within [half, full] of the step, and is capped")
    func exponential() {
        var machine = RetryStateMachine(policy: policy)
        let error = LLMError(.httpStatus, "busy", status: 503)
        var steps: [Duration] = []
        for unit in [0.0, 0.99, 0.5] {
            machine.attemptStarted()
            guard case .retry(let delay) = machine.attemptFailed(error, unit: unit) else {
                Issue.record("expected a retry")
                return
            }
            steps.append(delay)
        }
        #expect(steps[0] == .milliseconds(50))  // 100 ms step, no jitter added
        #expect(steps[1] > .milliseconds(190) && steps[1] <= .milliseconds(200))  // 200 ms step
        #expect(steps[2] == .milliseconds(225))  // 400 ms step capped at 300
        machine.attemptStarted()
        #expect(machine.attemptFailed(error, unit: 0.5) == .fail, "three retries, then stop")
    }

    @Test("Retry-After is honoured as given, and one longer than the cap fails at once")
    func retryAfter() {
        var machine = RetryStateMachine(policy: policy)
        machine.attemptStarted()
        let limited = LLMError(.httpStatus, "slow down", status: 429, retryAfter: .seconds(2))
        #expect(machine.attemptFailed(limited, unit: 0.7) == .retry(after: .seconds(2)))
        var patient = RetryStateMachine(policy: RetryPolicy(maxRetryAfter: .seconds(1)))
        patient.attemptStarted()
        #expect(patient.attemptFailed(limited, unit: 0.7) == .fail)
    }

    @Test("a Retry-After too large for an integer (1e30, inf) is read as a day, not a crash; nan and negatives as none")
    func hugeRetryAfter() {
        #expect(OpenAIClient.retryAfter(["retry-after-ms": "1e30"]) == .seconds(86_400))
        #expect(OpenAIClient.retryAfter(["retry-after": "inf"]) == .seconds(86_400))
        #expect(OpenAIClient.retryAfter(["retry-after": "nan"]) == nil)
        #expect(OpenAIClient.retryAfter(["retry-after": "-3"]) == nil)
        #expect(OpenAIClient.retryAfter(["retry-after": "1.5"]) == .milliseconds(1500))
    }

    @Test(
        "client errors and malformed responses are not retried",
        arguments: [
            LLMError(.httpStatus, "bad", status: 400), LLMError(.httpStatus, "auth", status: 401),
            LLMError(.malformedResponse, "x"), LLMError(.streamTruncated, "x"), LLMError(.invalidToolArguments, "x"),
        ])
    func notRetried(error: LLMError) {
        var machine = RetryStateMachine(policy: policy)
        machine.attemptStarted()
        #expect(machine.attemptFailed(error, unit: 0.5) == .fail)
    }

    @Test(
        "rate limits, server errors, timeouts and lost connections are retried",
        arguments: [
            LLMError(.httpStatus, "x", status: 429), LLMError(.httpStatus, "x", status: 500),
            LLMError(.httpStatus, "x", status: 408), LLMError(.timeout, "x"), LLMError(.connection, "x"),
        ])
    func retried(error: LLMError) {
        #expect(error.isRetryable)
    }
}
