/// What the LLM simulator has done since it started (or was reset): the harness reads these to
/// tell the time spent inside the simulated model from the runtime's own cost.
public struct LLMSimulatorStats: Sendable, Hashable, Codable {
    /// Chat-completion requests received.
    public var requests = 0
    /// Of those, streamed ones.
    public var streamedRequests = 0
    /// Requests that got an injected failure.
    public var injectedErrors = 0
    /// Of the requests, context-compression summaries (told by `summary_requests`).
    public var summaryRequests = 0
    /// Estimated prompt tokens received.
    public var promptTokens = 0
    /// Tokens generated.
    public var completionTokens = 0
    /// Tool calls emitted.
    public var toolCalls = 0
    /// Total time requests spent in the simulator, from the request's body being read to its
    /// last byte being written, in seconds.
    public var busySeconds = 0.0
    /// Of that, the time spent on summary requests.
    public var summaryBusySeconds = 0.0
    /// UTF-8 bytes of the system messages of the chat requests received (summaries included).
    public var systemPromptBytes = 0
    /// Bytes of the `tools` JSON of the chat requests received, as sent.
    public var toolSchemaBytes = 0
    /// `GET /v1/models` requests received.
    public var modelListRequests = 0

    /// No activity.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case requests
        case streamedRequests = "streamed_requests"
        case injectedErrors = "injected_errors"
        case summaryRequests = "summary_requests"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case toolCalls = "tool_calls"
        case busySeconds = "busy_seconds"
        case summaryBusySeconds = "summary_busy_seconds"
        case systemPromptBytes = "system_prompt_bytes"
        case toolSchemaBytes = "tool_schema_bytes"
        case modelListRequests = "model_list_requests"
    }
}
