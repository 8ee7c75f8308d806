import HermesCore
import HermesLLM
import HermesSimulators

/// A `ChatModel` answered in-process by the LLM simulator's decision engine: no HTTP, no
/// sleeping, so a benchmark of the turn loop measures the loop, not the network.
///
/// Injected failures of kind `status` become `LLMError`s with that status; the others are
/// transport-level and have no in-process meaning, so they answer normally.
public struct SimulatedChatModel: ChatModel {
    /// The simulator whose engine and counters are used.
    public let simulator: LLMSimulator

    /// Makes a model over `simulator`.
    public init(simulator: LLMSimulator) { self.simulator = simulator }

    public func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        try Task.checkCancellation()
        let plan = simulator.nextPlan(
            for: SimulatedRequest(
                messages: request.messages, tools: request.tools, stream: request.stream, maxTokens: request.maxTokens))
        if case .fail(let rule) = plan.outcome, rule.kind == .status {
            throw LLMError(
                .httpStatus, "simulated error \(rule.status)", status: rule.status, retryAfter: rule.retryAfter)
        }
        let text: String? = plan.toolCalls.isEmpty ? plan.text : nil
        if request.stream, let onEvent {
            if plan.toolCalls.isEmpty {
                for token in plan.tokens { onEvent(.textDelta(token)) }
            }
            for (index, call) in plan.toolCalls.enumerated() { onEvent(.toolCallStarted(index: index, name: call.name)) }
        }
        return ChatCompletion(
            message: .assistant(text, toolCalls: plan.toolCalls),
            finishReason: plan.toolCalls.isEmpty ? "stop" : "tool_calls",
            usage: Usage(promptTokens: plan.promptTokens, completionTokens: plan.toolCalls.isEmpty ? plan.tokens.count : 0),
            model: simulator.behavior.config.model
        )
    }
}
