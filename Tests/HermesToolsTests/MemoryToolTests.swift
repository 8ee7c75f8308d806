import Dispatch
import Foundation
import HermesCore
import HermesTesting
import Testing

@testable import HermesTools

#if canImport(Glibc)
    import Glibc
#endif

/// The memory store and tool against the Python project: `scripts/peer/memory-results` ran
/// hermes-agent 0.19.0's `memory_tool` through the scenarios of `python-memory.json`, recording
/// each answer, the files after it and the prompt blocks of each load, which these tests replay.
@Suite("memory tool", .timeLimit(.minutes(1)))
struct MemoryToolTests {
    struct Fixture: Decodable {
        var scenarios: [Scenario]
    }

    struct Scenario: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var memoryLimit: Int?
        var userLimit: Int?
        var store: Bool
        var steps: [Step]
        var modes: [String: String]

        enum CodingKeys: String, CodingKey {
            case name, store, steps, modes
            case memoryLimit = "memory_limit"
            case userLimit = "user_limit"
        }

        var configuration: MemoryConfiguration {
            MemoryConfiguration(memoryCharLimit: memoryLimit ?? 2200, userCharLimit: userLimit ?? 1375)
        }
        var testDescription: String { name }
    }

    /// One step: a call and its answer, a load and its blocks, a turn's start, or another writer's
    /// change to the files (nil: the file deleted).
    struct Step: Decodable, Sendable {
        var call: JSONValue?
        var result: String?
        var files: [String: String?]?
        var backup: String?
        var load: Bool?
        var blocks: [String: String]?
        var reset: Bool?
        var write: [String: String?]?
    }

    static let scenarios: [Scenario] = {
        guard let url = Bundle.module.url(forResource: "python-memory", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url), let fixture = try? JSONDecoder().decode(Fixture.self, from: data)
        else { return [] }
        return fixture.scenarios
    }()

    static let fileNames = ["MEMORY.md", "USER.md"]

    // MARK: - Against Python

    @Test("Python's answers, files and prompt blocks, step by step", arguments: scenarios)
    func replay(_ scenario: Scenario) async throws {
        try await withHome { home in
            let store = scenario.store ? MemoryStore(hermesHome: home, configuration: scenario.configuration) : nil
            let context = ToolContext(sessionID: SessionID("memory-test"), workingDirectory: home, memory: store)
            for (index, step) in scenario.steps.enumerated() {
                if let write = step.write {
                    try seed(write, in: home)
                } else if step.load == true {
                    let snapshot = try await #require(store).snapshot()
                    #expect(snapshot.block(.memory) == step.blocks?["memory"], "step \(index)")
                    #expect(snapshot.block(.user) == step.blocks?["user"], "step \(index)")
                } else if step.reset == true {
                    await store?.resetConsolidationFailures()
                } else if let call = step.call {
                    let answer = try await MemoryTool().run(call, context: context)
                    let result = normalized(answer, home: home)
                    let expected = try #require(step.result)
                    #expect(result == expected, "step \(index): \(call.jsonText)")
                    #expect(result.utf8.elementsEqual(expected.utf8), "step \(index): the same code points")
                    #expect(files(in: home) == step.files, "step \(index)")
                    if let backup = step.backup {
                        let path = try #require(try JSONValue(parsing: answer)["drift_backup"]?.stringValue)
                        #expect(FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } == backup)
                    }
                }
            }
            for (name, mode) in scenario.modes {
                #expect(AtomicFile.mode(of: home + "/memories/" + name).map { "0o" + String($0, radix: 8) } == mode, "\(name)")
            }
        }
    }

    @Test("files Python's store wrote read back as Python reads them", arguments: scenarios.filter(\.store))
    func pythonWrittenFiles(_ scenario: Scenario) async throws {
        var current: [String: String] = [:]
        for (index, step) in scenario.steps.enumerated() {
            if let files = step.files {
                current = files.compactMapValues { $0 }
            } else if let write = step.write {
                for (name, text) in write { current[name] = text }
            } else if step.load == true {
                try await withHome { home in
                    try seed(current.mapValues { Optional($0) }, in: home)
                    let snapshot = try await MemoryStore(hermesHome: home, configuration: scenario.configuration).snapshot()
                    #expect(snapshot.block(.memory) == step.blocks?["memory"], "step \(index)")
                    #expect(snapshot.block(.user) == step.blocks?["user"], "step \(index)")
                }
            }
        }
    }

    @Test("the spec is the schema Python's registry sends, field by field, in toolset memory")
    func specIsPythons() throws {
        let url = try #require(Bundle.module.url(forResource: "python-tool-schemas", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONValue(parsing: String(decoding: try Data(contentsOf: url), as: UTF8.self))
        let python = try #require(fixture["tools"]?["memory"])
        let spec = MemoryTool.spec
        #expect(spec.name == python["schema"]?["name"]?.stringValue)
        let description = try #require(python["schema"]?["description"]?.stringValue)
        #expect(spec.description.utf8.elementsEqual(description.utf8), "the description, byte for byte")
        let parameters = try #require(python["schema"]?["parameters"])
        #expect(spec.parameters == parameters)
        #expect(spec.parameters.jsonText == parameters.jsonText)
        #expect(python["toolset"] == "memory")
        #expect(ToolRegistry.builtIn().tools(inToolset: "memory") == ["memory"])
    }

    @Test("the platforms whose Python toolsets list memory get it; a webhook does not")
    func platformToolsets() {
        let registry = ToolRegistry.builtIn()
        for platform in ["hermes-cli", "hermes-api-server", "hermes-telegram"] {
            #expect(registry.plainToolsets([platform]).contains("memory"), "\(platform)")
        }
        #expect(!registry.plainToolsets(["hermes-webhook"]).contains("memory"))
    }

    // MARK: - Locking

    @Test("two stores writing the same file at once lose nothing: the second waits for the lock, then re-reads")
    func concurrentStores() async throws {
        try await withHome { home in
            let hold = Hold()
            let first = MemoryStore(hermesHome: home, configuration: MemoryConfiguration()) { _ in hold.wait() }
            let second = MemoryStore(hermesHome: home)
            async let firstAnswer = first.add("from the first session", to: .memory)
            await hold.arrived.waitForArrivals()
            #expect(isLocked(home + "/memories/MEMORY.md.lock"), "the first change holds the sidecar lock")
            async let secondAnswer = second.add("from the second session", to: .memory)
            hold.release()
            _ = try await firstAnswer
            #expect(try await secondAnswer.text.contains(#""entry_count": 2"#))
            #expect(files(in: home)["MEMORY.md"] == "from the first session\n§\nfrom the second session")
        }
    }

    @Test("a change waits for another process's lock, and keeps what that process wrote")
    func otherProcessLock() async throws {
        try await withHome { home in
            try FileManager.default.createDirectory(atPath: home + "/memories", withIntermediateDirectories: true)
            let lock = open(home + "/memories/MEMORY.md.lock", O_RDWR | O_CREAT, 0o666)
            #expect(flock(lock, LOCK_EX) == 0)
            let locked = Gate()
            let store = MemoryStore(hermesHome: home, configuration: MemoryConfiguration()) { _ in locked.arrive() }
            async let answer = store.add("mine", to: .memory)
            // As Python does under its lock: rewrite the file, then unlock.
            try seed(["MEMORY.md": "written elsewhere"], in: home)
            #expect(locked.arrivals == 0, "the store cannot have taken the lock yet")
            flock(lock, LOCK_UN)
            close(lock)
            #expect(try await answer.text.contains(#""entry_count": 2"#))
            #expect(files(in: home)["MEMORY.md"] == "written elsewhere\n§\nmine")
        }
    }

    @Test("many changes from several stores at once all land")
    func manyWriters() async throws {
        try await withHome { home in
            let stores = (0..<3).map { _ in MemoryStore(hermesHome: home) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, store) in stores.enumerated() {
                    for entry in 0..<8 {
                        group.addTask { _ = try await store.add("store \(number) entry \(entry)", to: .user) }
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await MemoryStore(hermesHome: home).snapshot().block(.user)
            for number in 0..<3 {
                for entry in 0..<8 { #expect(entries.contains("store \(number) entry \(entry)")) }
            }
            #expect(FileManager.default.fileExists(atPath: home + "/memories/USER.md.lock"), "the sidecar stays")
        }
    }

    // MARK: - Files

    @Test("a disabled target has no block; a store is needed while either target is enabled")
    func disabledTargets() async throws {
        try await withHome { home in
            try seed(["MEMORY.md": "a note", "USER.md": "a person"], in: home)
            let configuration = MemoryConfiguration(memoryEnabled: false)
            let snapshot = try await MemoryStore(hermesHome: home, configuration: configuration).snapshot()
            #expect(snapshot.block(.memory) == "")
            #expect(snapshot.block(.user).hasSuffix("\na person"))
            #expect(configuration.needsStore && !MemoryConfiguration(memoryEnabled: false, userProfileEnabled: false).needsStore)
        }
    }

    @Test("entries are compared code point by code point, as Python compares them")
    func exactComparison() async throws {
        try await withHome { home in
            let store = MemoryStore(hermesHome: home)
            _ = try await store.add("caf\u{E9}", to: .memory)
            let decomposed = try await store.add("cafe\u{301}", to: .memory)
            #expect(decomposed.text.contains(#""entry_count": 2"#) && decomposed.text.contains("Entry added."))
            let removed = try await store.remove("e\u{301}", from: .memory)
            #expect(removed.text.contains("Entry removed."))
            #expect(files(in: home)["MEMORY.md"] == "caf\u{E9}")
        }
    }

    @Test("a symbolic link is written through, not replaced")
    func symbolicLink() async throws {
        try await withHome { home in
            try FileManager.default.createDirectory(atPath: home + "/memories", withIntermediateDirectories: true)
            try Data("kept".utf8).write(to: URL(fileURLWithPath: home + "/elsewhere.md"))
            try FileManager.default.createSymbolicLink(atPath: home + "/memories/MEMORY.md", withDestinationPath: home + "/elsewhere.md")
            _ = try await MemoryStore(hermesHome: home).add("added", to: .memory)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home + "/memories/MEMORY.md") == home + "/elsewhere.md")
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: home + "/elsewhere.md")), as: UTF8.self) == "kept\n§\nadded")
        }
    }

    @Test("a file that is not UTF-8 is an error, as Python's strict decoding makes it")
    func notUTF8() async throws {
        try await withHome { home in
            try FileManager.default.createDirectory(atPath: home + "/memories", withIntermediateDirectories: true)
            try Data([0x66, 0xFF, 0x6F]).write(to: URL(fileURLWithPath: home + "/memories/MEMORY.md"))
            let store = MemoryStore(hermesHome: home)
            await #expect(throws: MemoryStoreError.self) { try await store.snapshot() }
            let context = ToolContext(sessionID: SessionID("memory-test"), workingDirectory: home, memory: store)
            let error = await #expect(throws: ToolError.self) {
                try await MemoryTool().run(["action": "add", "target": "memory", "content": "x"], context: context)
            }
            #expect(error?.message.contains("not valid UTF-8") == true)
        }
    }

    // MARK: - Python's text and JSON

    @Test("answers are written as Python's json.dumps writes them")
    func pythonJSON() {
        let value = PythonJSON.object([
            "a": .string("x\u{1}\u{8}\u{C}\t\n\r\"\\é—😀\u{2028}\u{7F}"), "b": .array([.int(1), .bool(true), .null, .array([])]),
            "c": .object([]),
        ])
        // json.dumps({...}, ensure_ascii=False) of hermes-agent's Python.
        #expect(value.text == "{\"a\": \"x\\u0001\\b\\f\\t\\n\\r\\\"\\\\é—😀\u{2028}\u{7F}\", \"b\": [1, true, null, []], \"c\": {}}")
    }

    @Test("strip, thousands and the floored percentage, as Python computes them")
    func pythonText() {
        #expect(PythonText.strip("\u{1C}\u{A0} x y\u{3000}\n") == "x y")
        #expect(PythonText.strip("\u{FEFF}x") == "\u{FEFF}x", "a BOM is not whitespace to Python")
        #expect(PythonText.grouped(1_234_567) == "1,234,567" && PythonText.grouped(999) == "999" && PythonText.grouped(0) == "0")
        #expect(PythonText.percent(29, of: 100) == 28 && PythonText.percent(500, of: 100) == 100 && PythonText.percent(5, of: 0) == 0)
        #expect(PythonText.split("a\n§\n§\nb\n§\n", separator: "\n§\n") == ["a", "§\nb", ""])
    }

    // MARK: - Helpers

    /// A fresh HERMES_HOME for `body`, removed afterwards.
    func withHome(_ body: (String) async throws -> Void) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-memory-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await body(home)
    }

    /// Writes (or, for nil, deletes) memory files as another writer would.
    func seed(_ files: [String: String?], in home: String) throws {
        try FileManager.default.createDirectory(atPath: home + "/memories", withIntermediateDirectories: true)
        for (name, text) in files {
            let path = home + "/memories/" + name
            if let text {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// The memory files' text as they are on disk (nil: missing).
    func files(in home: String) -> [String: String?] {
        var texts: [String: String?] = [:]
        for name in Self.fileNames {
            let text = FileManager.default.contents(atPath: home + "/memories/" + name).map { String(decoding: $0, as: UTF8.self) }
            texts.updateValue(text, forKey: name)  // a subscript assignment of nil would drop the key
        }
        return texts
    }

    /// A result as the fixture records it: the home and a backup's second written as placeholders.
    func normalized(_ result: String, home: String) -> String {
        let text = result.replacingOccurrences(of: home, with: "$HERMES_HOME")
        let expression = try! NSRegularExpression(pattern: #"\.bak\.\d+"#)
        return expression.stringByReplacingMatches(
            in: text, range: NSRange(location: 0, length: (text as NSString).length), withTemplate: ".bak.<epoch>")
    }

    /// Whether someone holds the `flock` on `path`.
    func isLocked(_ path: String) -> Bool {
        let descriptor = open(path, O_RDWR)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}

/// Holds a memory store's change on the blocking pool, where it runs, until the test lets it go;
/// `arrived` tells the test that it is there.
final class Hold: @unchecked Sendable {
    let arrived = Gate()
    private let semaphore = DispatchSemaphore(value: 0)

    func wait() {
        arrived.arrive()
        semaphore.wait()
    }

    func release() { semaphore.signal() }
}
