import HermesAgent
import HermesCore

/// Writes chat-completion responses and stream chunks in the OpenAI shapes the Python project's
/// API server sends. Built by hand (see `jsonQuoted`): a streamed reply is one small chunk per
/// token, and each chunk's fixed part is written once per completion, not once per token.
struct CompletionWriter: Sendable {
    let id: String
    let model: String
    let created: Int
    private let chunkPrefix: String

    init(model: String, created: Int) {
        id = Self.makeID()
        self.model = model
        self.created = created
        chunkPrefix =
            #"data: {"id":"\#(id)","object":"chat.completion.chunk","created":\#(created),"model":\#(jsonQuoted(model)),"choices":[{"index":0,"delta":"#
    }

    /// The whole non-streamed response.
    func completion(_ result: TurnResult) -> String {
        #"{"id":"\#(id)","object":"chat.completion","created":\#(created),"model":\#(jsonQuoted(model)),"choices":[{"index":0,"message":{"role":"assistant","content":\#(jsonQuoted(result.reply))},"finish_reason":"stop"}],"usage":\#(usage(result.usage))}"#
    }

    /// The first chunk: the assistant role.
    var roleChunk: String { chunkPrefix + #"{"role":"assistant"},"finish_reason":null}]}"# + "\n\n" }

    /// A chunk of reply text.
    func contentChunk(_ text: String) -> String {
        chunkPrefix + #"{"content":\#(jsonQuoted(text))},"finish_reason":null}]}"# + "\n\n"
    }

    /// The `hermes.tool.progress` event the Python server sends when a tool starts or finishes.
    func toolProgress(_ event: AgentEvent) -> String? {
        switch event {
        case .toolStarted(let call):
            let payload =
                #"{"tool":\#(jsonQuoted(call.name)),"label":\#(jsonQuoted(call.name)),"toolCallId":\#(jsonQuoted(call.id)),"status":"running"}"#
            return "event: hermes.tool.progress\ndata: \(payload)\n\n"
        case .toolFinished(let run):
            let payload =
                #"{"tool":\#(jsonQuoted(run.call.name)),"toolCallId":\#(jsonQuoted(run.call.id)),"status":"completed"}"#
            return "event: hermes.tool.progress\ndata: \(payload)\n\n"
        case .textDelta:
            return nil
        }
    }

    /// The last chunk and the `[DONE]` marker: `stop` with the usage, or `error` with the reason.
    func finish(_ outcome: Result<TurnResult, GatewayError>) -> String {
        switch outcome {
        case .success(let result):
            // `hermes.timing` carries what `Server-Timing` carries for a non-streamed reply.
            return chunkPrefix
                + #"{},"finish_reason":"stop"}],"usage":\#(usage(result.usage)),"hermes":{"timing":{"turn":\#(result.duration.seconds),"model":\#(result.modelTime.seconds),"tools":\#(result.toolTime.seconds)\#(compression(result))}}}"#
                + "\n\ndata: [DONE]\n\n"
        case .failure(let error):
            return chunkPrefix
                + #"{},"finish_reason":"error"}],"usage":\#(usage(.zero)),"error":{"message":\#(jsonQuoted(error.message)),"type":"agent_error"},"hermes":{"completed":false,"partial":false,"failed":true,"error":\#(jsonQuoted(error.message)),"error_code":"agent_error"}}"#
                + "\n\ndata: [DONE]\n\n"
        }
    }

    /// `,"compression":SECONDS,"compression_outcome":"…"` when the turn compressed its history.
    private func compression(_ result: TurnResult) -> String {
        guard let compaction = result.compaction else { return "" }
        return #","compression":\#(compaction.duration.seconds),"compression_outcome":"\#(compaction.outcome.rawValue)""#
    }

    private func usage(_ usage: Usage) -> String {
        #"{"prompt_tokens":\#(usage.promptTokens),"completion_tokens":\#(usage.completionTokens),"total_tokens":\#(usage.totalTokens)}"#
    }

    /// `chatcmpl-` and 29 random hex digits, as the Python server makes them.
    private static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        var digits = ""
        while digits.count < 29 { digits += String(generator.next() as UInt64, radix: 16) }
        return "chatcmpl-" + digits.prefix(29)
    }
}
