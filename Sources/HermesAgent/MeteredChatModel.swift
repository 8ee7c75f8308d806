import HermesLLM
import HermesTelemetry

/// A model whose calls are timed and counted in `HermesMetrics`
/// (`hermes_llm_request_duration_seconds`, `hermes_llm_requests_total{status}`).
public struct MeteredChatModel: ChatModel {
    private let base: any ChatModel
    private let metrics: HermesMetrics

    /// Wraps `base`.
    public init(_ base: any ChatModel, metrics: HermesMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        do {
            let completion = try await base.complete(request, onEvent: onEvent)
            metrics.recordModelCall(ContinuousClock.now - started, status: "ok")
            return completion
        } catch {
            metrics.recordModelCall(ContinuousClock.now - started, status: Self.status(of: error))
            throw error
        }
    }

    /// The label of a failed call: the HTTP status when the server answered, else the kind.
    static func status(of error: any Error) -> String {
        guard let error = error as? LLMError else { return error is CancellationError ? "cancelled" : "error" }
        if error.code == .httpStatus, let status = error.status { return String(status) }
        return error.code.rawValue
    }
}
