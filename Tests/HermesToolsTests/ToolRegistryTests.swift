import HermesCore
import HermesTools
import Synchronization
import Testing

@Suite("Tool registry and argument checks")
struct ToolRegistryTests {
    final class Counter: Sendable {
        let made = Mutex(0)
    }

    struct Probe: Tool {
        var spec: ToolSpec { ToolSpec(name: "probe", description: "", parameters: ["type": "object"]) }
        var isParallelSafe: Bool { true }
        func run(_ arguments: JSONValue, context: ToolContext) async throws -> String { "ok" }
    }

    @Test("tools are built on first lookup, once")
    func lazy() {
        let counter = Counter()
        let probe = Probe()
        let registry = ToolRegistry([
            .init(toolset: "x", spec: probe.spec) {
                counter.made.withLock { $0 += 1 }
                return Probe()
            }
        ])
        #expect(counter.made.withLock { $0 } == 0)
        _ = registry.tool(named: "probe")
        _ = registry.tool(named: "probe")
        #expect(counter.made.withLock { $0 } == 1)
        #expect(registry.tool(named: "missing") == nil)
    }

    @Test("spec lists are per toolset selection, sorted, and unknown toolsets are named")
    func specs() throws {
        let registry = ToolRegistry.builtIn()
        #expect(try registry.specs(forToolsets: ["file"]).map(\.name) == ["patch", "read_file", "search_files", "write_file"])
        #expect(try registry.specs(forToolsets: ["todo", "web"]) == registry.specs(forToolsets: ["web", "todo"]))
        #expect(try registry.specs(forToolsets: ["all"]).count == 14)
        let error = #expect(throws: ToolError.self) { try registry.specs(forToolsets: ["files"]) }
        #expect(error?.message.contains("known toolsets: file, memory, session_search, skills, terminal, todo, web, all") == true)
    }

    static let invalidCases: [(JSONValue, String)] = [
        (["path": 1], "'path' must be of type string"),
        ([:], "missing required field 'path'"),
        // A limit past 2000 or an offset under 1 is clamped, as Python clamps them (ArgumentValidatorTests).
        (["path": "a", "limit": "many"], "'limit' must be of type integer, got string"),
        (["path": "a", "offset": 1.5], "'offset' must be of type integer, got number"),
        ("text", "the arguments must be of type object"),
    ]

    @Test("arguments are checked against the schema", arguments: invalidCases)
    func validation(arguments: JSONValue, message: String) throws {
        let spec = try #require(ToolRegistry.builtIn().tool(named: "read_file")?.spec)
        let error = #expect(throws: ToolError.self) {
            try ArgumentValidator.validate(arguments, against: spec.parameters, tool: "read_file")
        }
        #expect(error?.code == .invalidArguments)
        #expect(error?.message.contains(message) == true, "got: \(error?.message ?? "")")
    }

    @Test("valid arguments pass, enums included")
    func validArguments() throws {
        let spec = try #require(ToolRegistry.builtIn().tool(named: "search_files")?.spec)
        try ArgumentValidator.validate(["pattern": "x", "target": "files", "limit": 3], against: spec.parameters, tool: "s")
        #expect(throws: ToolError.self) {
            try ArgumentValidator.validate(["pattern": "x", "target": "dirs"], against: spec.parameters, tool: "s")
        }
    }
}
