/// A fast, allocation-free estimate of how many tokens a text or a conversation costs.
///
/// The heuristic is the one the Python project uses (`estimate_tokens_rough`): about four bytes
/// of UTF-8 per token, rounded up, which tracks BPE tokenizers (cl100k, o200k) within about 25%
/// on English prose and code, and over-estimates CJK text (3 bytes per character, often one token
/// each) — the safe side for deciding when to compress. Each message adds a fixed framing cost
/// (role and separators, 4 tokens as in OpenAI's cookbook), and a tool call adds its name and
/// arguments.
public struct TokenEstimator: Sendable, Hashable {
    /// UTF-8 bytes counted as one token.
    public var bytesPerToken: Int
    /// Tokens added per message for role and framing.
    public var perMessageOverhead: Int

    /// The default estimator: 4 bytes per token, 4 tokens per message.
    public init(bytesPerToken: Int = 4, perMessageOverhead: Int = 4) {
        precondition(bytesPerToken > 0, "bytesPerToken must be positive")
        self.bytesPerToken = bytesPerToken
        self.perMessageOverhead = perMessageOverhead
    }

    /// Estimated tokens of a text.
    public func tokens(in text: String) -> Int {
        (text.utf8.count + bytesPerToken - 1) / bytesPerToken
    }

    /// Estimated tokens of one message, framing included.
    public func tokens(in message: Message) -> Int {
        var total = perMessageOverhead + tokens(in: message.content ?? "")
        for call in message.toolCalls {
            total += tokens(in: call.name) + tokens(in: call.arguments) + perMessageOverhead
        }
        return total
    }

    /// Estimated tokens of a conversation.
    public func tokens(in messages: some Sequence<Message>) -> Int {
        messages.reduce(0) { $0 + tokens(in: $1) }
    }
}
