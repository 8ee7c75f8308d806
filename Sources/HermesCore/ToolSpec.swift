/// What the model is told about a tool: its name, what it does, and its parameters as JSON Schema.
///
/// Encodes as the chat-completions `tools` entry: `{"type": "function", "function": {...}}`.
public struct ToolSpec: Sendable, Hashable, Codable {
    /// The name the model calls the tool by.
    public var name: String
    /// What the tool does, for the model.
    public var description: String
    /// A JSON Schema object describing the arguments.
    public var parameters: JSONValue

    /// Makes a tool spec from its parts.
    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    private enum CodingKeys: String, CodingKey { case type, function }
    private enum FunctionKeys: String, CodingKey { case name, description, parameters }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        name = try function.decode(String.self, forKey: .name)
        description = try function.decodeIfPresent(String.self, forKey: .description) ?? ""
        parameters = try function.decodeIfPresent(JSONValue.self, forKey: .parameters) ?? ["type": "object"]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("function", forKey: .type)
        var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encode(description, forKey: .description)
        try function.encode(parameters, forKey: .parameters)
    }
}
