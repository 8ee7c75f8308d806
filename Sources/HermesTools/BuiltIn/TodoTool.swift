import Foundation
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

    /// The most items a list keeps (the first ones: order is priority), as Python's `MAX_TODO_ITEMS`.
    public static let maxItems = 256
    /// Longer content is cut and marked, as Python's `MAX_TODO_CONTENT_CHARS`.
    public static let maxContentCharacters = 4000

    /// Replaces the list, or with `merge` updates items by id and appends new ones, normalized as
    /// Python's `TodoStore.write` normalizes them: a repeated id counts once (its last item), an
    /// empty id becomes `?`, empty content `(no description)`, an unknown status `pending`; in a
    /// merge, empty content or an unknown status leaves the item's own. At most `maxItems` stay.
    public func write(_ incoming: [Item], merge: Bool) {
        var lastIndex: [String: Int] = [:]
        for (index, item) in incoming.enumerated() { lastIndex[Self.normalizedID(item.id)] = index }
        let unique = lastIndex.values.sorted().map { incoming[$0] }
        if merge {
            for item in unique {
                let id = item.id.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !id.isEmpty else { continue }
                if let index = items.firstIndex(where: { $0.id == id }) {
                    let content = item.content.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !content.isEmpty { items[index].content = Self.capped(content) }
                    let status = item.status.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                    if Self.statuses.contains(status) { items[index].status = status }
                } else {
                    items.append(Self.normalized(item))
                }
            }
        } else {
            items = unique.map(Self.normalized)
        }
        if items.count > Self.maxItems { items = Array(items.prefix(Self.maxItems)) }
    }

    static let statuses: Set<String> = ["pending", "in_progress", "completed", "cancelled"]

    static func normalizedID(_ id: String) -> String {
        let trimmed = id.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "?" : trimmed
    }

    static func normalized(_ item: Item) -> Item {
        let content = item.content.trimmingCharacters(in: .whitespacesAndNewlines)
        let status = item.status.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return Item(
            id: normalizedID(item.id), content: content.isEmpty ? "(no description)" : capped(content),
            status: statuses.contains(status) ? status : "pending")
    }

    static func capped(_ content: String) -> String {
        let marker = "… [truncated]"
        guard content.count > maxContentCharacters else { return content }
        return String(content.prefix(maxContentCharacters - marker.count)) + marker
    }
}

/// `todo`: reads or writes the session's task list and always returns the whole list.
struct TodoTool: Tool {
    static let statuses: [JSONValue] = ["pending", "in_progress", "completed", "cancelled"]
    static let spec = ToolSpec(
        name: "todo",
        description:
            "Manage your task list for the current session. Use for complex tasks with 3+ steps or when the user provides multiple tasks. Call with no parameters to read the current list.\n\nWriting:\n- Provide 'todos' array to create/update items\n- merge=false (default): replace the entire list with a fresh plan\n- merge=true: update existing items by id, add any new ones\n\nEach item: {id: string, content: string, status: pending|in_progress|completed|cancelled}\nList order is priority. Only ONE item in_progress at a time.\nMark items completed immediately when done. If something fails, cancel it and add a revised item.\n\nAlways returns the full current list.",
        parameters: [
            "type": "object",
            "properties": [
                "todos": [
                    "type": "array", "description": "Task items to write. Omit to read current list.",
                    "items": [
                        "type": "object",
                        "properties": [
                            "id": ["type": "string", "description": "Unique item identifier"],
                            "content": ["type": "string", "description": "Task description"],
                            "status": ["type": "string", "enum": .array(statuses), "description": "Current status"],
                        ],
                        "required": ["id", "content", "status"],
                    ],
                ],
                "merge": [
                    "type": "boolean",
                    "description": "true: update existing items by id, add new ones. false (default): replace the entire list.",
                    "default": false,
                ],
            ],
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
        var counts: [String: JSONValue] = ["total": .int(items.count)]
        for status in Self.statuses.compactMap(\.stringValue) {
            counts[status] = .int(items.filter { $0.status == status }.count)
        }
        let list: [JSONValue] = items.map {
            ["id": .string($0.id), "content": .string($0.content), "status": .string($0.status)]
        }
        return JSONValue.object(["todos": .array(list), "summary": .object(counts)]).jsonText
    }
}
