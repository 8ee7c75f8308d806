import HermesCore

/// The `messages.tool_calls` column: a JSON array of calls in the chat-completions format, as the
/// Python project stores it.
enum StoredToolCalls {
    static func encode(_ calls: [ToolCall]) -> String {
        JSONValue.array(
            calls.map { call in
                [
                    "id": .string(call.id), "type": "function",
                    "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                ]
            }
        ).jsonText
    }

    /// The calls in `text`; an unreadable column reads as no calls, as in the Python project, so
    /// one damaged row never hides a whole history.
    static func decode(_ text: String?) -> [ToolCall] {
        guard let text, !text.isEmpty, let value = try? JSONValue(parsing: text), let items = value.arrayValue else {
            return []
        }
        return items.compactMap { item in
            guard let id = item["id"]?.stringValue, let function = item["function"],
                let name = function["name"]?.stringValue
            else { return nil }
            return ToolCall(id: id, name: name, arguments: function["arguments"]?.stringValue ?? "")
        }
    }
}
