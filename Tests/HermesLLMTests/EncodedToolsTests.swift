import Foundation
import HermesCore
import Testing

@testable import HermesLLM

/// The tools' JSON is the same bytes in every process: a provider's prompt cache keys on them.
@Suite struct EncodedToolsTests {
    @Test("every object's keys come out sorted, slashes as they are, and a second request reuses the bytes")
    func toolsAreEncodedCanonically() throws {
        let spec = ToolSpec(
            name: "read_file", description: "Read a file under ~/project/src.",
            parameters: [
                "type": "object", "required": ["path"],
                "properties": ["path": ["type": "string", "description": "a/b"], "limit": ["type": "integer", "maximum": 2000]],
            ])
        let tools = EncodedTools()
        let bytes = try tools.json(for: [spec])
        let expected =
            #"[{"function":{"description":"Read a file under ~/project/src.","name":"read_file","parameters":"#
            + #"{"properties":{"limit":{"maximum":2000,"type":"integer"},"path":{"description":"a/b","type":"string"}},"#
            + #""required":["path"],"type":"object"}},"type":"function"}]"#
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(try tools.json(for: [spec]) == bytes)

        var changed = spec
        changed.description = "Read a file."
        let other = String(decoding: try tools.json(for: [changed]), as: UTF8.self)
        #expect(other.contains(#""description":"Read a file.""#), "the same names with other specs are encoded afresh")
    }
}
