import HermesCore

/// `memory`: adds, replaces and removes entries of the session's `MEMORY.md` and `USER.md`, one
/// at a time or as one all-or-nothing batch (`operations`). Python's `memory_tool` as its agent
/// loop calls it: the same checks in the same order, and its answers to the character (they are
/// JSON text in Python's key order; every failure is an answer, not a `ToolError`, since Python's
/// shapes differ from `{"error": ...}`).
///
/// Python's `memory.write_approval` gate (off by default) is not implemented: writes go through.
struct MemoryTool: Tool {
    static let actions: JSONValue = ["add", "replace", "remove"]
    static let spec = ToolSpec(
        name: "memory",
        description:
            "Save durable facts to persistent memory that survive across sessions. Memory is injected into every future turn, so keep entries compact and high-signal.\n\nHOW: make ALL your changes in ONE call via an 'operations' array (each item: {action, content?, old_text?}). The batch applies atomically and the char limit is checked only on the FINAL result — so a single call can remove/replace stale entries to free room AND add new ones, even when an add alone would overflow. The response reports current/limit chars and confirms completion; one batch call finishes the update, so don't repeat it. Use the bare action/content/old_text fields only for a single lone change.\n\nWHEN: save proactively when the user states a preference, correction, or personal detail, or you learn a stable fact about their environment, conventions, or workflow. Priority: user preferences & corrections > environment facts > procedures. The best memory stops the user repeating themselves.\n\nIF FULL: an add is rejected with the current entries shown. Reissue as ONE batch that removes or shortens enough stale entries and adds the new one together.\n\nTARGETS: 'user' = who the user is (name, role, preferences, style). 'memory' = your notes (environment, conventions, tool quirks, lessons).\n\nSKIP: trivial/obvious info, easily re-discovered facts, raw data dumps, task progress, completed-work logs, temporary TODO state (use session_search for those). Reusable procedures belong in a skill, not memory.",
        parameters: [
            "type": "object",
            "properties": [
                "action": [
                    "type": "string", "enum": actions,
                    "description": "The action to perform (single-op shape). Omit when using 'operations'.",
                ],
                "target": [
                    "type": "string", "enum": ["memory", "user"],
                    "description": "Which memory store: 'memory' for personal notes, 'user' for user profile.",
                ],
                "content": [
                    "type": "string", "description": "The entry content. Required for 'add' and 'replace' (single-op shape).",
                ],
                "old_text": [
                    "type": "string",
                    "description":
                        "REQUIRED for 'replace' and 'remove' (single-op shape): a short unique substring identifying the existing entry to modify. Omit only for 'add'.",
                ],
                "operations": [
                    "type": "array",
                    "description":
                        "Batch shape: a list of operations applied atomically in one call against the final char budget. Preferred when making multiple changes or consolidating to make room. Each item is {action, content?, old_text?}.",
                    "items": [
                        "type": "object",
                        "properties": [
                            "action": ["type": "string", "enum": actions],
                            "content": ["type": "string", "description": "Entry content for add/replace."],
                            "old_text": ["type": "string", "description": "Substring identifying the entry for replace/remove."],
                        ],
                        "required": ["action"],
                    ],
                ],
            ],
            "required": ["target"],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        do {
            return try await answer(arguments, store: context.memory).text
        } catch let error as MemoryStoreError {
            // A file that cannot be locked, read or written: Python raises, and its agent loop
            // reports the exception to the model.
            throw ToolError(.failed, error.message)
        }
    }

    private func answer(_ arguments: JSONValue, store: MemoryStore?) async throws -> PythonJSON {
        guard let store else {
            return .toolError("Memory is not available. It may be disabled in config or this environment.")
        }
        // A provider that fills optional fields with null means the default target.
        let targetName = Self.pythonString(arguments["target"] ?? .null) ?? "memory"
        guard let target = MemoryTarget(rawValue: targetName) else {
            return .toolError("Invalid target '\(targetName)'. Use 'memory' or 'user'.")
        }

        if let operations = arguments["operations"], operations.isTruthy {
            guard case .array(let items) = operations else {
                return .toolError("operations must be a list of {action, content?, old_text?} objects.")
            }
            let parsed = items.map {
                MemoryOperation(action: $0["action"]?.stringValue, content: $0["content"]?.stringValue, oldText: $0["old_text"]?.stringValue)
            }
            return try await store.applyBatch(parsed, to: target)
        }

        // The arguments are checked before anything is read or written, as in Python.
        let action = arguments["action"]
        let content = arguments["content"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let oldText = arguments["old_text"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        switch action?.stringValue {
        case "add":
            guard let content else { return .toolError("Content is required for 'add' action.") }
            return try await store.add(content, to: target)
        case "replace":
            guard let oldText else { return await store.missingOldText("replace", in: target) }
            guard let content else { return .toolError("content is required for 'replace' action.") }
            return try await store.replace(oldText, with: content, in: target)
        case "remove":
            guard let oldText else { return await store.missingOldText("remove", in: target) }
            return try await store.remove(oldText, from: target)
        default:
            // Python prints a missing action as None.
            let name = Self.pythonString(action ?? .null) ?? "None"
            return .toolError("Unknown action '\(name)'. Use: add, replace, remove")
        }
    }

    /// How Python's f-string shows an argument: a string as it is, nil for null (the schema
    /// check lets only strings and null through).
    private static func pythonString(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        default: value.jsonText
        }
    }
}
