import HermesCore
import HermesTools
import Testing

@Suite("Argument validation and coercion")
struct ArgumentValidatorTests {
    static let registry = ToolRegistry.builtIn()

    static func spec(_ name: String) throws -> ToolSpec {
        try #require(registry.tool(named: name)?.spec)
    }

    @Test("an argument the schema does not declare is an error naming it and the tool's parameters")
    func unknownArgument() throws {
        let spec = try Self.spec("read_file")
        let error = #expect(throws: ToolError.self) {
            try ArgumentValidator.validated(["path": "a.txt", "offest": 2], against: spec.parameters, tool: "read_file")
        }
        #expect(error?.code == .invalidArguments)
        #expect(
            error?.message
                == "read_file: unknown argument 'offest'; read_file takes: limit, offset, path. Call read_file again with corrected arguments."
        )
        // The strict check, which the executor may call, refuses it too.
        #expect(throws: ToolError.self) {
            try ArgumentValidator.validate(["path": "a.txt", "bogus": 1, "also": true], against: spec.parameters, tool: "read_file")
        }
        let several = #expect(throws: ToolError.self) {
            try ArgumentValidator.validate(["pattern": "x", "zeta": 1, "alpha": 2], against: try Self.spec("search_files").parameters, tool: "s")
        }
        #expect(several?.message.hasPrefix("s: unknown arguments 'alpha', 'zeta'; s takes: context, file_glob, limit,") == true)
        let none = #expect(throws: ToolError.self) {
            try ArgumentValidator.validate(["x": 1], against: ["type": "object", "properties": [:]], tool: "t")
        }
        #expect(none?.message.contains("t takes no arguments") == true)
    }

    @Test("every built-in tool refuses an undeclared argument")
    func everyToolRefusesUnknown() throws {
        for name in ToolSchemaFixtureTests.toolNames {
            let spec = try Self.spec(name)
            let error = #expect(throws: ToolError.self, "\(name)") {
                try ArgumentValidator.validated(["not_a_parameter": 1], against: spec.parameters, tool: name)
            }
            #expect(error?.message.contains("unknown argument 'not_a_parameter'") == true, "\(name): \(error?.message ?? "")")
        }
    }

    static let coercions: [(JSONValue, JSONValue)] = [
        (["path": "a", "offset": "2", "limit": " 10 "], ["path": "a", "offset": 2, "limit": 10]),
        (["path": "a", "limit": "1e2"], ["path": "a", "limit": 100]),
        (["path": "a", "limit": "1_000"], ["path": "a", "limit": 1000]),
        // What Python's float() cannot read stays as written, for the check to report.
        (["path": "a", "limit": "2.5"], ["path": "a", "limit": "2.5"]),
        (["path": "a", "limit": "0x10"], ["path": "a", "limit": "0x10"]),
        (["path": "a", "limit": "nan"], ["path": "a", "limit": "nan"]),
        (["path": 7], ["path": 7]),
    ]

    @Test("strings become the numbers the schema declares, as Python's coerce_tool_args makes them", arguments: coercions)
    func numbers(arguments: JSONValue, expected: JSONValue) throws {
        #expect(ArgumentValidator.coerced(arguments, to: try Self.spec("read_file").parameters) == expected)
    }

    @Test("Booleans, JSON text for arrays and objects, and bare values for arrays are coerced as Python coerces them")
    func otherCoercions() throws {
        let todo = try Self.spec("todo").parameters
        let item: JSONValue = ["id": "1", "content": "plan", "status": "pending"]
        #expect(ArgumentValidator.coerced(["merge": "TRUE"], to: todo) == ["merge": true])
        #expect(ArgumentValidator.coerced(["merge": "false"], to: todo) == ["merge": false])
        #expect(ArgumentValidator.coerced(["merge": "yes"], to: todo) == ["merge": "yes"])
        #expect(ArgumentValidator.coerced(["todos": .string(#"[{"id":"1","content":"plan","status":"pending"}]"#)], to: todo) == ["todos": [item]])
        // An element written as JSON text is parsed where the items are objects.
        #expect(ArgumentValidator.coerced(["todos": [.string(item.jsonText)]], to: todo) == ["todos": [item]])
        let extract = try Self.spec("web_extract").parameters
        #expect(ArgumentValidator.coerced(["urls": "https://a.example"], to: extract) == ["urls": ["https://a.example"]])
        #expect(ArgumentValidator.coerced(["urls": #"["https://a.example"]"#], to: extract) == ["urls": ["https://a.example"]])
        #expect(ArgumentValidator.coerced(["urls": 3], to: extract) == ["urls": [3]])
        #expect(ArgumentValidator.coerced(["urls": .null], to: extract) == ["urls": .null])
        let nullable: JSONValue = ["type": "object", "properties": ["n": ["type": ["integer", "null"]]]]
        #expect(ArgumentValidator.coerced(["n": "null"], to: nullable) == ["n": .null])
        #expect(ArgumentValidator.coerced(["n": "4"], to: nullable) == ["n": 4])
    }

    @Test("validated returns the coerced arguments; validate alone refuses text for a number")
    func validatedCoerces() throws {
        let spec = try Self.spec("search_files")
        let arguments: JSONValue = ["pattern": "x", "limit": "5", "context": "2"]
        #expect(
            try ArgumentValidator.validated(arguments, against: spec.parameters, tool: "search_files") == ["pattern": "x", "limit": 5, "context": 2])
        let error = #expect(throws: ToolError.self) {
            try ArgumentValidator.validate(arguments, against: spec.parameters, tool: "search_files")
        }
        #expect(error?.message.contains("'context' must be of type integer, got string") == true)
        #expect(throws: ToolError.self) {
            try ArgumentValidator.validated(["path": "a", "limit": "2.5"], against: try Self.spec("read_file").parameters, tool: "read_file")
        }
    }

    @Test("a required argument Python's handler defaults is filled in; another missing one is refused")
    func pythonDefaults() throws {
        let memory = try Self.spec("memory").parameters
        #expect(
            try ArgumentValidator.validated(["action": "add", "content": "x"], against: memory, tool: "memory")
                == ["action": "add", "content": "x", "target": "memory"])
        #expect(
            try ArgumentValidator.validated(["action": "add", "content": "x", "target": .null], against: memory, tool: "memory")["target"]
                == "memory")
        #expect(try ArgumentValidator.validated(["path": "a"], against: try Self.spec("patch").parameters, tool: "patch")["mode"] == "replace")
        let error = #expect(throws: ToolError.self) {
            try ArgumentValidator.validated([:], against: try Self.spec("terminal").parameters, tool: "terminal")
        }
        #expect(error?.message.contains("missing required field 'command'") == true)
    }

    @Test("the bounds Python clamps pass to the tool; other bounds are refused")
    func clampedBounds() throws {
        let read = try Self.spec("read_file").parameters
        for arguments: JSONValue in [["path": "a", "limit": 5000], ["path": "a", "offset": 0], ["path": "a", "limit": -3]] {
            #expect(throws: Never.self) { try ArgumentValidator.validated(arguments, against: read, tool: "read_file") }
        }
        let urls: JSONValue = .array((1...7).map { .string("https://\($0).example") })
        #expect(throws: Never.self) {
            try ArgumentValidator.validated(["urls": urls, "char_limit": 10], against: try Self.spec("web_extract").parameters, tool: "web_extract")
        }
        #expect(throws: Never.self) {
            try ArgumentValidator.validated(["query": "q", "limit": 500], against: try Self.spec("web_search").parameters, tool: "web_search")
        }
        // The same schema under another tool's name is checked in full.
        let error = #expect(throws: ToolError.self) { try ArgumentValidator.validated(["path": "a", "limit": 5000], against: read, tool: "other") }
        #expect(error?.message.contains("'limit' must be at most 2000") == true)
        // The type is still checked where the bounds are not.
        #expect(throws: ToolError.self) { try ArgumentValidator.validated(["path": "a", "limit": "lots"], against: read, tool: "read_file") }
    }
}
