import HermesCore

/// A session's task list, shared by the calls of that session's `todo` tool.
public actor TodoStore {
    /// One task.
    public struct Item: Sendable, Hashable {
        /// Unique within the list.
        public var id: String
        /// What to do.
        public var content: String
        /// `pending`, `in_progress`, `completed` or `cancelled`.
        public var status: String

        /// Makes an item.
        public init(id: String, content: String, status: String) {
            self.id = id
            self.content = content
            self.status = status
        }
    }

    /// The list, in priority order.
    public private(set) var items: [Item] = []

    /// A list holding `items` (empty by default).
    public init(items: [Item] = []) {
        self.items = items
    }

    /// The list as a conversation's last `todo` call left it, so that an agent rebuilt from a
    /// stored session (or a caller's history) has its tasks back. As in the Python project, only
    /// a result that answers an earlier assistant call of `todo` counts: a bare tool message in a
    /// caller-supplied history cannot plant a list.
    public init(restoringFrom history: [Message]) {
        var todoCalls = Set<String>()
        var restored: [Item] = []
        for message in history {
            switch message.role {
            case .assistant:
                for call in message.toolCalls where call.name == TodoTool.spec.name { todoCalls.insert(call.id) }
            case .tool:
                guard let id = message.toolCallID, todoCalls.contains(id), let content = message.content,
                    let result = try? JSONValue(parsing: content), let list = result["todos"]?.arrayValue
                else { continue }
                restored = list.compactMap { item in
                    guard let id = item["id"]?.stringValue, let text = item["content"]?.stringValue,
                        let status = item["status"]?.stringValue
                    else { return nil }
                    return Item(id: id, content: text, status: status)
                }
            default:
                continue
            }
        }
        self.init(items: restored)
    }

    /// Replaces the list, or with `merge` updates items by id and appends new ones.
    public func write(_ incoming: [Item], merge: Bool) {
        guard merge else {
            items = incoming
            return
        }
        for item in incoming {
            if let index = items.firstIndex(where: { $0.id == item.id }) {
                items[index] = item
            } else {
                items.append(item)
            }
        }
    }
}

/// `todo`: reads or writes the session's task list and always returns the whole list.
struct TodoTool: Tool {
    static let statuses: [JSONValue] = ["pending", "in_progress", "completed", "cancelled"]
    static let spec = ToolSpec(
        name: "todo",
        description:
            "Manage your task list for the current session. Call with no parameters to read it. Provide 'todos' to write: merge=false (default) replaces the list, merge=true updates items by id and adds new ones. Each item: {id, content, status: pending|in_progress|completed|cancelled}. Always returns the full list.",
        parameters: [
            "type": "object",
            "properties": [
                "todos": [
                    "type": "array", "description": "Task items to write. Omit to read the current list.",
                    "items": [
                        "type": "object",
                        "properties": [
                            "id": ["type": "string"], "content": ["type": "string"],
                            "status": ["type": "string", "enum": .array(statuses)],
                        ],
                        "required": ["id", "content", "status"],
                    ],
                ],
                "merge": ["type": "boolean", "description": "true: update by id; false (default): replace the list"],
            ],
            "required": [],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        if let todos = arguments["todos"]?.arrayValue {
            let items = todos.map {
                TodoStore.Item(
                    id: $0["id"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "",
                    status: $0["status"]?.stringValue ?? "pending")
            }
            await context.todos.write(items, merge: arguments["merge"]?.boolValue ?? false)
        }
        let items = await context.todos.items
        var counts: [String: JSONValue] = [:]
        for status in Self.statuses.compactMap(\.stringValue) {
            counts[status] = .int(items.filter { $0.status == status }.count)
        }
        let list: [JSONValue] = items.map {
            ["id": .string($0.id), "content": .string($0.content), "status": .string($0.status)]
        }
        return JSONValue.object(["todos": .array(list), "summary": .object(counts)]).jsonText
    }
}
