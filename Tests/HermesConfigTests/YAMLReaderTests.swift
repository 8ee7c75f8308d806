import HermesConfig
import HermesCore
import Testing
import Yams

@Suite struct YAMLReaderTests {
    private let reader = YAMLReader(file: "settings.yaml")

    private func document(_ text: String) throws -> Node {
        try #require(try YAMLReader.compose(text, file: "settings.yaml"))
    }

    @Test("an error names its source the way a person looks it up")
    func sources() {
        #expect(ConfigError(file: "a.yaml", line: 3, "bad").description == "a.yaml:3: bad")
        #expect(ConfigError(file: "a.yaml", line: 0, "unreadable").description == "a.yaml: unreadable")
        #expect(ConfigError(.flag("--port"), "no port").description == "--port: no port")
        #expect(ConfigError(.environment("API_SERVER_KEY"), "too short").description == "API_SERVER_KEY: too short")
        #expect(ConfigError(.setting("model.base_url"), "missing").description == "model.base_url: missing")
        #expect(ConfigError(file: "a.yaml", line: 3, "bad").line == 3 && ConfigError(.flag("--db"), "x").file == nil)
    }

    @Test("a misspelt key is refused at its own line, with the nearest known key")
    func unknownKeys() throws {
        let root = try document("limits:\n  max_turns: 3\n  agent_idle_tll: 1h\n")
        let limits = try #require(try reader.mapping(root, at: "", allowed: ["limits"])["limits"])
        let error = #expect(throws: ConfigError.self) {
            try reader.mapping(limits, at: "limits", allowed: ["max_turns", "agent_idle_ttl"])
        }
        #expect(error?.source == .file("settings.yaml", line: 3))
        #expect(error?.message.hasPrefix("unknown key \"limits.agent_idle_tll\" — did you mean \"agent_idle_ttl\"?") == true)
    }

    @Test("values are read with their units and bounds, null is not set, and a YAML value becomes JSON")
    func values() throws {
        let root = try document(
            """
            timeout: 30s
            share: 2%
            ratio: 0.25
            model: null
            names: [a, b]
            one: c
            arguments: {path: a.txt, limit: 3, exact: true, weight: 1.5, none: ~}
            """)
        let members = try reader.mapping(
            root, at: "", allowed: ["timeout", "share", "ratio", "model", "names", "one", "arguments"])
        #expect(try reader.duration(members["timeout"]!, at: "timeout") == .seconds(30))
        #expect(try reader.fraction(members["share"]!, at: "share") == 0.02)
        #expect(try reader.fraction(members["ratio"]!, at: "ratio") == 0.25)
        #expect(try reader.optionalString(members["model"]!, at: "model") == nil)
        #expect(try reader.strings(members["names"]!, at: "names") == ["a", "b"])
        #expect(try reader.strings(members["one"]!, at: "one") == ["c"])
        #expect(reader.json(members["arguments"]!) == ["path": "a.txt", "limit": 3, "exact": true, "weight": 1.5, "none": .null])
        #expect(throws: ConfigError.self) { try reader.duration(members["ratio"]!, at: "ratio") }
        #expect(throws: ConfigError.self) { try reader.int(members["ratio"]!, at: "ratio", atLeast: 0) }
    }

    @Test("a syntax error names its line; an empty document is nothing")
    func syntax() throws {
        let error = #expect(throws: ConfigError.self) { try YAMLReader.compose("a: 1\nb: [\n", file: "broken.yaml") }
        #expect(error?.file == "broken.yaml" && (error?.line ?? 0) >= 2 && error?.message.hasPrefix("not valid YAML") == true)
        #expect(try YAMLReader.compose("", file: "empty.yaml") == nil)
        let missing = #expect(throws: ConfigError.self) { try YAMLReader.load(path: "/nonexistent/settings.yaml") }
        #expect(missing?.source == .file("/nonexistent/settings.yaml", line: 0))
    }
}
