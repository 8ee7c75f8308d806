/// A function call the model asked for, in the chat-completions wire format:
/// `{"id": "call_1", "type": "function", "function": {"name": "...", "arguments": "{...}"}}`.
///
/// `arguments` stays the raw JSON text the model produced: it is stored and sent back verbatim,
/// and parsed only where a tool runs.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The id the tool result must quote in `tool_call_id`.
    public var id: String
    /// The tool's name.
    public var name: String
    /// The arguments as JSON text, exactly as the model wrote them.
    public var arguments: String

    /// Makes a tool call from its parts.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    private enum CodingKeys: String, CodingKey { case id, type, function }
    private enum FunctionKeys: String, CodingKey { case name, arguments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        name = try function.decode(String.self, forKey: .name)
        arguments = try function.decodeIfPresent(String.self, forKey: .arguments) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode("function", forKey: .type)
        var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encode(arguments, forKey: .arguments)
    }
}
