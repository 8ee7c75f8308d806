/// Who wrote a message, as the OpenAI chat-completions API names it.
public enum Role: String, Codable, Sendable, Hashable, CaseIterable {
    case system
    case user
    case assistant
    case tool
}
