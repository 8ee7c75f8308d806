/// One message of a conversation, in the OpenAI chat-completions wire format.
///
/// - `system` / `user`: `content` is the text.
/// - `assistant`: `content` is the reply text, `toolCalls` the calls it asked for (either may be absent).
/// - `tool`: `content` is the tool's result and `toolCallID` names the call it answers.
///
/// Decoding also accepts `content` as an array of parts (`[{"type": "text", "text": "..."}]`),
/// which some clients send; the text parts are joined.
public struct Message: Sendable, Hashable {
    /// Who wrote it.
    public var role: Role
    /// The text, or `nil` (an assistant message that only calls tools).
    public var content: String?
    /// Calls the assistant asked for; empty for other roles.
    public var toolCalls: [ToolCall]
    /// For `tool` messages: the id of the call this answers.
    public var toolCallID: String?
    /// For `tool` messages: the tool's name (sent by some providers, optional).
    public var name: String?

    /// Makes a message from its parts.
    public init(
        role: Role, content: String?, toolCalls: [ToolCall] = [], toolCallID: String? = nil, name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    /// A system prompt.
    public static func system(_ text: String) -> Message { Message(role: .system, content: text) }
    /// A user message.
    public static func user(_ text: String) -> Message { Message(role: .user, content: text) }
    /// An assistant reply, optionally with tool calls.
    public static func assistant(_ text: String?, toolCalls: [ToolCall] = []) -> Message {
        Message(role: .assistant, content: text, toolCalls: toolCalls)
    }
    /// The result of the tool call `callID`.
    public static func tool(callID: String, name: String? = nil, content: String) -> Message {
        Message(role: .tool, content: content, toolCallID: callID, name: name)
    }
}

extension Message: Codable {
    private enum CodingKeys: String, CodingKey {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }

    private struct ContentPart: Decodable {
        var type: String
        var text: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(Role.self, forKey: .role)
        if let text = try? container.decodeIfPresent(String.self, forKey: .content) {
            content = text
        } else if let parts = try? container.decodeIfPresent([ContentPart].self, forKey: .content) {
            content = parts.compactMap { $0.type == "text" ? $0.text : nil }.joined(separator: "\n")
        } else if container.contains(.content), try !container.decodeNil(forKey: .content) {
            throw DecodingError.dataCorruptedError(
                forKey: .content, in: container,
                debugDescription: "content must be a string, null, or an array of {\"type\": \"text\"} parts"
            )
        } else {
            content = nil
        }
        toolCalls = try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls) ?? []
        toolCallID = try container.decodeIfPresent(String.self, forKey: .toolCallID)
        name = try container.decodeIfPresent(String.self, forKey: .name)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        // The API requires the key on assistant messages even when it is null.
        try container.encode(content, forKey: .content)
        if !toolCalls.isEmpty { try container.encode(toolCalls, forKey: .toolCalls) }
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
        try container.encodeIfPresent(name, forKey: .name)
    }
}
