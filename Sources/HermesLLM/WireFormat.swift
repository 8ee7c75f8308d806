import HermesCore

/// The chat-completions request body.
struct WireRequest: Encodable {
    var model: String
    var messages: [Message]
    var tools: [ToolSpec]?
    var stream: Bool
    var streamOptions: StreamOptions?
    var maxTokens: Int?
    var temperature: Double?

    struct StreamOptions: Encodable {
        var includeUsage = true
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, tools, stream, temperature
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
    }
}

/// A non-streamed chat-completions response.
struct WireResponse: Decodable {
    var model: String?
    var choices: [Choice]
    var usage: Usage?

    struct Choice: Decodable {
        var message: Message
        var finishReason: String?
        enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }
}

/// One `data:` chunk of a streamed response.
struct WireChunk: Decodable {
    var model: String?
    var choices: [Choice]?
    var usage: Usage?

    struct Choice: Decodable {
        var delta: Delta?
        var finishReason: String?
        enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable {
        var content: String?
        var toolCalls: [ToolCallDelta]?
        enum CodingKeys: String, CodingKey {
            case content
            case toolCalls = "tool_calls"
        }
    }

    struct ToolCallDelta: Decodable {
        var index: Int?
        var id: String?
        var function: FunctionDelta?
    }

    struct FunctionDelta: Decodable {
        var name: String?
        var arguments: String?
    }
}

/// The error body the API sends with an error status: `{"error": {"message": "..."}}`.
struct WireErrorBody: Decodable {
    var error: Detail
    struct Detail: Decodable {
        var message: String?
        var type: String?
    }
}
