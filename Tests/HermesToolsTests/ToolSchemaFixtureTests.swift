import Foundation
import HermesCore
import HermesTools
import Testing

/// Every built-in tool's spec, as the JSON the model is sent, against the one Python 0.19.0's
/// registry sends (`Fixtures/python-tool-schemas.json`, written by `scripts/peer/tool-schemas`).
@Suite("Tool schemas equal Python's")
struct ToolSchemaFixtureTests {
    /// As `scripts/peer/tool-schemas` exported them, with HOME=$home and HERMES_HOME=$home/hermes:
    /// `skill_manage`'s description names that home `~/hermes`.
    static let registry = ToolRegistry.builtIn(hermesHome: "/home/fixture/hermes", userHome: "/home/fixture")
    static let toolNames = registry.toolsetNames.flatMap { registry.tools(inToolset: $0) ?? [] }.sorted()

    static func fixture() throws -> [String: JSONValue] {
        let url = try #require(Bundle.module.url(forResource: "python-tool-schemas", withExtension: "json", subdirectory: "Fixtures"))
        let document = try JSONValue(parsing: String(decoding: try Data(contentsOf: url), as: UTF8.self))
        return try #require(document["tools"]?.objectValue)
    }

    @Test("the spec sent to the model is Python's schema, field by field", arguments: toolNames)
    func schema(tool name: String) throws {
        let python = try #require(try Self.fixture()[name], "\(name): not among Python's tools in the fixture")
        let sent = try #require(try Self.registry.specs(forToolsets: ["all"]).first { $0.name == name })
        // Encoded as the chat-completions request encodes `tools` (OpenAIClient: JSONEncoder).
        let wire = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(sent))
        #expect(wire["type"] == "function", "\(name): sent as \(wire["type"]?.jsonText ?? "nothing"), not a function")
        let differences = Self.differences(wire["function"] ?? .null, python["schema"] ?? .null, at: "")
        #expect(
            differences.isEmpty,
            "\(name): \(differences.count) difference(s) from Python's schema:\n\(differences.joined(separator: "\n"))")
        let toolset = Self.registry.toolsetNames.first { Self.registry.tools(inToolset: $0)?.contains(name) == true }
        #expect(toolset == python["toolset"]?.stringValue, "\(name): toolset \(toolset ?? "none"), Python's \(python["toolset"]?.jsonText ?? "none")")
        let built = try #require(Self.registry.tool(named: name))
        #expect(built.spec == sent, "\(name): the tool's own spec differs from its registry entry's")
    }

    /// One line per path where `ours` and `python` differ: `parameters.properties.limit.maximum:
    /// ours 1000, Python's absent`.
    static func differences(_ ours: JSONValue, _ python: JSONValue, at path: String) -> [String] {
        func show(_ value: JSONValue?) -> String {
            guard let text = value?.jsonText else { return "absent" }
            return text.count > 160 ? String(text.prefix(160)) + "…" : text
        }
        func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch (ours, python) {
        case (.object(let left), .object(let right)):
            return Set(left.keys).union(right.keys).sorted().flatMap { key -> [String] in
                guard let mine = left[key], let theirs = right[key] else {
                    return ["\(child(key)): ours \(show(left[key])), Python's \(show(right[key]))"]
                }
                return differences(mine, theirs, at: child(key))
            }
        case (.array(let left), .array(let right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { differences($1.0, $1.1, at: "\(path)[\($0)]") }
        default:
            return ours == python ? [] : ["\(path.isEmpty ? "(whole spec)" : path): ours \(show(ours)), Python's \(show(python))"]
        }
    }

    @Test("the comparison names the differing path")
    func differencesNamePaths() {
        let ours: JSONValue = ["parameters": ["properties": ["limit": ["type": "integer", "maximum": 1000]]], "name": "x"]
        let python: JSONValue = ["parameters": ["properties": ["limit": ["type": "integer", "default": 50]]], "name": "x"]
        #expect(
            Self.differences(ours, python, at: "") == [
                "parameters.properties.limit.default: ours absent, Python's 50",
                "parameters.properties.limit.maximum: ours 1000, Python's absent",
            ])
        #expect(Self.differences(["required": ["a", "b"]], ["required": ["a", "c"]], at: "") == [#"required[1]: ours "b", Python's "c""#])
    }
}
