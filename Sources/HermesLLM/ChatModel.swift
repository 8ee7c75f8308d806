import HermesCore

/// Something that answers chat-completion requests: the OpenAI-compatible HTTP client, or an
/// in-process double in tests and benchmarks.
///
/// Implementations must be safe to call from many tasks at once. Cancelling the calling task
/// stops the request and throws `CancellationError`.
public protocol ChatModel: Sendable {
    /// Sends `request` and returns the assistant's message.
    ///
    /// When `request.stream` is true, `onEvent` receives text deltas as they arrive, in order,
    /// before this returns; it must be quick (it runs on the reading path).
    func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion
}

extension ChatModel {
    /// Sends `request` without watching the stream.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await complete(request, onEvent: nil)
    }
}

/// Receives streaming progress of one completion.
public typealias ChatEventHandler = @Sendable (ChatStreamEvent) -> Void

/// Progress of a streamed completion.
public enum ChatStreamEvent: Sendable, Hashable {
    /// More reply text.
    case textDelta(String)
    /// The model started writing a call of the tool `name` (its arguments follow).
    case toolCallStarted(index: Int, name: String)
}

/// One chat-completions request.
public struct ChatRequest: Sendable, Hashable {
    /// The model name; `nil` uses the client's default.
    public var model: String?
    /// The conversation so far.
    public var messages: [Message]
    /// Tools the model may call.
    public var tools: [ToolSpec]
    /// Whether to stream the reply (SSE).
    public var stream: Bool
    /// Upper bound on generated tokens.
    public var maxTokens: Int?
    /// Sampling temperature.
    public var temperature: Double?

    /// Makes a request.
    public init(
        model: String? = nil, messages: [Message], tools: [ToolSpec] = [], stream: Bool = false,
        maxTokens: Int? = nil, temperature: Double? = nil
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.stream = stream
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

/// The model's answer to one request.
public struct ChatCompletion: Sendable, Hashable {
    /// The assistant message: text, tool calls, or both.
    public var message: Message
    /// Why generation stopped (`stop`, `tool_calls`, `length`, ...), when the server said.
    public var finishReason: String?
    /// Token counts, when the server reported them.
    public var usage: Usage?
    /// The model that answered, when the server said.
    public var model: String?
    /// Time from sending the request to the first streamed token; `nil` when not streamed.
    public var timeToFirstToken: Duration?
    /// How many HTTP attempts it took (1 when there was no retry).
    public var attempts: Int

    /// Makes a completion.
    public init(
        message: Message, finishReason: String? = nil, usage: Usage? = nil, model: String? = nil,
        timeToFirstToken: Duration? = nil, attempts: Int = 1
    ) {
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
        self.timeToFirstToken = timeToFirstToken
        self.attempts = attempts
    }
}
