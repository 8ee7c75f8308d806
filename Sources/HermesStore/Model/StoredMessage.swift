import HermesCore

/// A row of `messages` as read back.
///
/// `role` stays the stored text: files written by the Python project may hold roles this build
/// does not model, and reading them must not fail. `message` is the row as a conversation message,
/// or `nil` for such a role.
public struct StoredMessage: Sendable, Hashable {
    /// The row id: insertion order across the whole database.
    public var id: Int64
    /// The session it belongs to.
    public var sessionID: SessionID
    /// `system`, `user`, `assistant`, `tool`, or a role of another writer.
    public var role: String
    /// The text (multimodal content reads as its text parts).
    public var content: String?
    /// The calls an assistant message asked for.
    public var toolCalls: [ToolCall]
    /// For a tool result: the call it answers.
    public var toolCallID: String?
    /// For a tool result: the tool's name.
    public var toolName: String?
    /// Seconds since 1970 (UTC).
    public var timestamp: Double
    /// The token count a writer recorded, if any.
    public var tokenCount: Int?
    /// Why the model stopped, if a writer recorded it.
    public var finishReason: String?
    /// `false` once the message was rewound or compacted away from the live context.
    public var active: Bool

    /// The row as a conversation message, or `nil` when the role is not one of ours.
    public var message: Message? {
        guard let role = Role(rawValue: role) else { return nil }
        return Message(role: role, content: content, toolCalls: toolCalls, toolCallID: toolCallID, name: toolName)
    }
}
