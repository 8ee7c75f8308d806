import HermesCore

/// A row of `messages` as read back.
///
/// `role` stays the stored text: files written by the Python project may hold roles this build
/// does not model, and reading them must not fail. `message` is the row as a conversation message,
/// or `nil` for such a role.
public struct StoredMessage: Sendable, Hashable {
    /// The row id: insertion order across the whole database.
    public var id: Int64
    public var sessionID: SessionID
    public var role: String
    public var content: String?
    public var toolCalls: [ToolCall]
    public var toolCallID: String?
    public var toolName: String?
    /// Seconds since 1970 (UTC).
    public var timestamp: Double
    public var tokenCount: Int?
    public var finishReason: String?
    /// `false` once the message was rewound or compacted away from the live context.
    public var active: Bool

    /// The row as a conversation message, or `nil` when the role is not one of ours.
    public var message: Message? {
        guard let role = Role(rawValue: role) else { return nil }
        return Message(role: role, content: content, toolCalls: toolCalls, toolCallID: toolCallID, name: toolName)
    }
}
