/// Token counts of one model call or the sum of several, as the API reports them.
public struct Usage: Sendable, Hashable, Codable {
    /// Tokens in the request.
    public var promptTokens: Int
    /// Tokens the model generated.
    public var completionTokens: Int
    /// Their sum.
    public var totalTokens: Int { promptTokens + completionTokens }

    /// Makes a usage record.
    public init(promptTokens: Int = 0, completionTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// No tokens.
    public static let zero = Usage()

    /// The sum of two usage records.
    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens
        )
    }

    /// Adds `rhs` to `lhs`.
    public static func += (lhs: inout Usage, rhs: Usage) { lhs = lhs + rhs }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
    }
}
