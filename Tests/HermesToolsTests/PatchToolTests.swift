import Foundation
import HermesCore
import Testing

@testable import HermesTools

/// `patch` and `write_file` against the Python project: `python-patch-cases.json`, written by
/// `scripts/peer/patch-cases` from hermes-agent 0.19.0's own `fuzzy_match`, `difflib`,
/// `patch_parser` and tool handlers, replayed here case by case.
@Suite("patch and write_file, as Python's")
struct PatchToolTests {
    static let fixture: JSONValue = {
        guard let url = Bundle.module.url(forResource: "python-patch-cases", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url), let value = try? JSONValue(parsing: String(decoding: data, as: UTF8.self))
        else { return .null }
        return value
    }()

    /// One named entry of a fixture section.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let value: JSONValue
        var testDescription: String { name }
    }

    static func cases(_ section: String) -> [Case] {
        (fixture[section]?.arrayValue ?? []).enumerated().map { index, value in
            Case(name: value["name"]?.stringValue ?? "\(section) \(index)", value: value)
        }
    }

    /// Equal down to the code point: `String ==` would call canonically equivalent text equal.
    static func same(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): a.unicodeScalars.elementsEqual(b.unicodeScalars)
        default: false
        }
    }

    @Test("the fixture is there, from hermes-agent 0.19.0")
    func fixtureLoads() {
        #expect(Self.fixture["hermes_agent_version"] == "0.19.0")
        for section in ["fuzzy", "ratios", "diffs", "parse", "tool"] {
            #expect(!Self.cases(section).isEmpty, "\(section)")
        }
    }

    // MARK: - Schemas

    @Test("the specs are the schemas Python's registry sends, in toolset file", arguments: ["patch", "write_file"])
    func specIsPythons(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "python-tool-schemas", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONValue(parsing: String(decoding: try Data(contentsOf: url), as: UTF8.self))
        let python = try #require(fixture["tools"]?[name])
        let spec = try #require(ToolRegistry.builtIn().tool(named: name)).spec
        #expect(spec.name == python["schema"]?["name"]?.stringValue)
        #expect(Self.same(spec.description, python["schema"]?["description"]?.stringValue), "the description, byte for byte")
        let parameters = try #require(python["schema"]?["parameters"])
        #expect(spec.parameters == parameters)
        #expect(spec.parameters.jsonText.utf8.elementsEqual(parameters.jsonText.utf8))
        #expect(python["toolset"] == "file")
        let toolset: [String]? = ToolRegistry.builtIn().tools(inToolset: "file")
        #expect(toolset?.contains(name) == true)
    }

    // MARK: - The pure parts

    @Test("fuzzy_find_and_replace and its did-you-mean hint", arguments: cases("fuzzy"))
    func fuzzy(_ entry: Case) {
        let python = entry.value
        let content = python["content"]?.stringValue ?? ""
        let old = python["old_string"]?.stringValue ?? ""
        let outcome = FuzzyMatch.findAndReplace(
            in: content, old: old, new: python["new_string"]?.stringValue ?? "", replaceAll: python["replace_all"]?.boolValue ?? false)
        #expect(Self.same(outcome.content, python["result"]?.stringValue), "content: \(outcome.content.debugDescription)")
        #expect(outcome.count == python["count"]?.intValue)
        #expect(outcome.strategy?.rawValue == python["strategy"]?.stringValue)
        #expect(Self.same(outcome.error, python["error"]?.stringValue), "\(outcome.error ?? "nil")")
        let hint = FuzzyMatch.noMatchHint(error: outcome.error, count: outcome.count, old: old, content: content)
        #expect(Self.same(hint, python["hint"]?.stringValue), "\(hint)")
    }

    @Test("SequenceMatcher.ratio, autojunk included", arguments: cases("ratios"))
    func ratio(_ entry: Case) {
        let a = PyText.scalars(entry.value["a"]?.stringValue ?? "")
        let b = PyText.scalars(entry.value["b"]?.stringValue ?? "")
        let python: Double? =
            switch entry.value["ratio"] {
            case .double(let value)?: value
            case .int(let value)?: Double(value)
            default: nil
            }
        #expect(SequenceMatcher(a, b).ratio() == python)
        if let python { #expect(SequenceMatcher(a, b).ratioReaches(python)) }
    }

    @Test("unified diffs", arguments: cases("diffs"))
    func diff(_ entry: Case) {
        let diff = UnifiedDiff.make(
            from: entry.value["old"]?.stringValue ?? "", to: entry.value["new"]?.stringValue ?? "", fromFile: "a/f.txt", toFile: "b/f.txt")
        #expect(Self.same(diff, entry.value["diff"]?.stringValue), "\(diff.debugDescription)")
    }

    @Test("parse_v4a_patch, and the header paths patch_tool checks before it", arguments: cases("parse"))
    func parse(_ entry: Case) {
        let python = entry.value
        let headers = V4APatch.headerPaths(in: python["patch"]?.stringValue ?? "")
        #expect(JSONValue.array(headers.map(JSONValue.string)).jsonText == python["header_paths"]?.jsonText, "\(headers)")
        switch V4APatch.parse(python["patch"]?.stringValue ?? "") {
        case .failure(let error):
            #expect(Self.same(error.message, python["error"]?.stringValue))
        case .success(let patch):
            #expect(python["error"] == .null)
            let operations: [JSONValue] = patch.operations.map { operation in
                [
                    "operation": .string(operation.kind.rawValue), "file_path": .string(operation.path),
                    "new_path": operation.newPath.map(JSONValue.string) ?? .null, "content": .null,
                    "hunks": .array(
                        operation.hunks.map { hunk in
                            [
                                "context_hint": hunk.contextHint.map(JSONValue.string) ?? .null,
                                "lines": .array(hunk.lines.map { [.string(String($0.prefix)), .string($0.content)] }),
                            ]
                        }),
                ]
            }
            let expected = python["operations"] ?? .null
            #expect(JSONValue.array(operations).jsonText.utf8.elementsEqual(expected.jsonText.utf8), "\(JSONValue.array(operations).jsonText)")
        }
    }

    // MARK: - Whole calls

    @Test("tool calls: results and files", arguments: cases("tool"))
    func toolCalls(_ entry: Case) async throws {
        try await withTemporaryHome { home in
            let work = home + "/work"
            for (path, text) in entry.value["files"]?.objectValue ?? [:] {
                try writeFixtureFile(text.stringValue ?? "", to: home + "/" + path)
            }
            let context = ToolContext(
                sessionID: SessionID("patch-cases"), workingDirectory: work,
                pathGuard: PathGuard(home: home, hermesHome: home + "/.hermes/profiles/coder"))
            func real(_ value: JSONValue) -> JSONValue {
                Self.substituting(value) { $0.replacingOccurrences(of: "$WORK", with: work).replacingOccurrences(of: "$HOME", with: home) }
            }
            func placeholders(_ value: JSONValue) -> JSONValue {
                Self.substituting(value) { $0.replacingOccurrences(of: work, with: "$WORK").replacingOccurrences(of: home, with: "$HOME") }
            }
            for (index, call) in (entry.value["calls"]?.arrayValue ?? []).enumerated() {
                let name = call["tool"]?.stringValue ?? ""
                let answer = await Self.run(name, real(call["arguments"] ?? .null), context: context)
                var expected = call["result"]?.objectValue ?? [:]
                // Python's syntax check of the edited files is not run here.
                expected["lint"] = nil
                let ours = placeholders(try JSONValue(parsing: answer))
                #expect(
                    ours.jsonText.utf8.elementsEqual(JSONValue.object(expected).jsonText.utf8),
                    "call \(index):\n ours:   \(ours.jsonText)\n python: \(JSONValue.object(expected).jsonText)")
            }
            let after = try Self.tree(home)
            let expected = entry.value["files_after"]?.objectValue?.mapValues { $0.stringValue ?? "" } ?? [:]
            #expect(after.keys.sorted() == expected.keys.sorted())
            for (path, text) in expected {
                #expect(Self.same(after[path], text), "\(path): \(after[path]?.debugDescription ?? "missing")")
            }
        }
    }

    /// A call as the tool executor makes it: the schema check, then the tool; a `ToolError` is
    /// its `{"error": …}` text.
    static func run(_ name: String, _ arguments: JSONValue, context: ToolContext) async -> String {
        do {
            let tool = try #require(ToolRegistry.builtIn().tool(named: name))
            try ArgumentValidator.validate(arguments, against: tool.spec.parameters, tool: name)
            return try await tool.run(arguments, context: context)
        } catch let error as ToolError {
            return error.resultText
        } catch {
            return JSONValue.object(["unexpected": .string("\(error)")]).jsonText
        }
    }

    static func substituting(_ value: JSONValue, _ change: (String) -> String) -> JSONValue {
        switch value {
        case .string(let text): .string(change(text))
        case .array(let items): .array(items.map { substituting($0, change) })
        case .object(let members): .object(Dictionary(uniqueKeysWithValues: members.map { (change($0.key), substituting($0.value, change)) }))
        default: value
        }
    }

    /// The files under the fixture's roots, by path under the home, as text.
    static func tree(_ home: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let roots = ["work", "outside", ".hermes/skills", ".hermes/memories", ".hermes/profiles/other", ".hermes/profiles/coder/skills"]
        for root in roots {
            guard let walker = FileManager.default.enumerator(atPath: home + "/" + root) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = home + "/" + root + "/" + relative
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files[root + "/" + relative] = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            }
        }
        return files
    }
}

/// A fresh home directory (symbolic links resolved, as the tools report paths), removed after.
private func withTemporaryHome(_ body: (String) async throws -> Void) async throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-patch-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: base + "/work", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: base + "/.hermes/profiles/coder", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: base) }
    try await body(PathGuard.resolved(base))
}

private func writeFixtureFile(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// What the fixture cannot show: the path guard on every file a V4A patch names, and what a
/// refused or failed patch leaves on disk.
@Suite("patch and write_file, the guards")
struct PatchGuardTests {
    /// A session in `home/work` whose Hermes home is profile `coder`.
    static func context(_ home: String) -> ToolContext {
        ToolContext(
            sessionID: SessionID("patch-guards"), workingDirectory: home + "/work",
            pathGuard: PathGuard(home: home, hermesHome: home + "/.hermes/profiles/coder"))
    }

    static func patch(_ text: String, _ home: String, crossProfile: Bool = false) async -> JSONValue {
        let arguments: JSONValue = ["mode": "patch", "patch": .string(text), "cross_profile": .bool(crossProfile)]
        return (try? JSONValue(parsing: await PatchToolTests.run("patch", arguments, context: context(home)))) ?? .null
    }

    @Test("a V4A patch that touches one protected path changes no file, whichever end of a move it is")
    func protectedPathsInV4A() async throws {
        try await withTemporaryHome { home in
            try writeFixtureFile("keep\n", to: home + "/work/a.txt")
            try writeFixtureFile("key\n", to: home + "/.ssh/id_ed25519")
            try FileManager.default.createSymbolicLink(atPath: home + "/work/keys", withDestinationPath: home + "/.ssh")
            let refusals = [
                "*** Update File: a.txt\n-keep\n+changed\n*** Move File: a.txt -> \(home)/.ssh/authorized_keys\n",
                "*** Update File: a.txt\n-keep\n+changed\n*** Add File: keys/config\n+Host *\n",
                "*** Update File: a.txt\n-keep\n+changed\n*** Add File: \(home)/.hermes/profiles/coder/.env\n+X=1\n",
                "*** Update File: a.txt\n-keep\n+changed\n*** Delete File: keys/id_ed25519\n",
                "*** Update File: a.txt\n-keep\n+changed\n*** Add File: /etc/hermes-v4a-guard\n+x\n",
            ]
            for text in refusals {
                let result = await Self.patch(text, home)
                let error = result["error"]?.stringValue ?? ""
                #expect(error.contains("denied") || error.contains("Refusing"), "\(text): \(result.jsonText)")
                #expect(result["success"] == nil, "refused before anything ran: \(result.jsonText)")
            }
            #expect(try String(contentsOfFile: home + "/work/a.txt", encoding: .utf8) == "keep\n")
            #expect(try String(contentsOfFile: home + "/.ssh/id_ed25519", encoding: .utf8) == "key\n")
            #expect(!FileManager.default.fileExists(atPath: home + "/.ssh/authorized_keys"))
            #expect(!FileManager.default.fileExists(atPath: home + "/.ssh/config"))
            #expect(!FileManager.default.fileExists(atPath: home + "/.hermes/profiles/coder/.env"))
        }
    }

    @Test("a header only the parser reads (Python's pre-check regex runs across the line break) is checked too")
    func headerSplitAcrossLines() async throws {
        try await withTemporaryHome { home in
            let result = await Self.patch("*** Update File:\n*** Add File: /etc/hermes-v4a-split\n+x\n", home)
            #expect(
                result["error"]?.stringValue?.hasPrefix("Refusing to write to sensitive system path: /etc/hermes-v4a-split") == true,
                "\(result.jsonText)")
            #expect(!FileManager.default.fileExists(atPath: "/etc/hermes-v4a-split"))
        }
    }

    @Test("files a patch reads pass the read rules: their content would come back in the diff")
    func readRules() async throws {
        try await withTemporaryHome { home in
            try writeFixtureFile("TOKEN=1\n", to: home + "/work/.env")
            let result = await Self.patch("*** Update File: .env\n-TOKEN=1\n+TOKEN=2\n", home)
            #expect(result["error"]?.stringValue?.contains("secret-bearing environment file") == true, "\(result.jsonText)")
            let replace = await PatchToolTests.run(
                "patch", ["mode": "replace", "path": ".env", "old_string": "TOKEN=1", "new_string": "TOKEN=2"], context: Self.context(home))
            #expect(replace.contains("secret-bearing environment file"), "\(replace)")
            #expect(try String(contentsOfFile: home + "/work/.env", encoding: .utf8) == "TOKEN=1\n")
        }
    }

    @Test("a move into another profile's memories needs cross_profile; then it lands, creating the directory")
    func crossProfileMove() async throws {
        try await withTemporaryHome { home in
            try writeFixtureFile("note\n", to: home + "/work/n.md")
            let target = home + "/.hermes/profiles/other/memories/n.md"
            let refused = await Self.patch("*** Move File: n.md -> \(target)\n", home)
            #expect(
                refused["error"]?.stringValue?.hasPrefix("Cross-profile write blocked by soft guard: \(target) belongs to Hermes profile 'other'")
                    == true)
            let moved = await Self.patch("*** Move File: n.md -> \(target)\n", home, crossProfile: true)
            #expect(moved["success"] == true, "\(moved.jsonText)")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "note\n")
            #expect(!FileManager.default.fileExists(atPath: home + "/work/n.md"))
        }
    }

    @Test("writes keep the file's permission bits, go through a link to its target, and leave no temporary file")
    func atomicWrites() async throws {
        try await withTemporaryHome { home in
            let work = home + "/work"
            try writeFixtureFile("secret = 1\n", to: work + "/conf.txt")
            #expect(chmod(work + "/conf.txt", 0o600) == 0)
            try FileManager.default.createSymbolicLink(atPath: work + "/link.txt", withDestinationPath: work + "/conf.txt")
            let written = await PatchToolTests.run("write_file", ["path": "link.txt", "content": "secret = 2\n"], context: Self.context(home))
            #expect(written.contains("\"resolved_path\":\"\(work)/conf.txt\""), "\(written)")
            _ = await PatchToolTests.run(
                "patch", ["mode": "replace", "path": "conf.txt", "old_string": "2", "new_string": "3"], context: Self.context(home))
            #expect(try String(contentsOfFile: work + "/conf.txt", encoding: .utf8) == "secret = 3\n")
            #expect(AtomicFile.mode(of: work + "/conf.txt") == 0o600)
            #expect((try FileManager.default.destinationOfSymbolicLink(atPath: work + "/link.txt")) == work + "/conf.txt", "still a link")
            #expect(try FileManager.default.contentsOfDirectory(atPath: work).sorted() == ["conf.txt", "link.txt"])
        }
    }

    @Test("a V4A delete removes a link, not the file it points to")
    func deleteLink() async throws {
        try await withTemporaryHome { home in
            try writeFixtureFile("target\n", to: home + "/work/real.txt")
            try FileManager.default.createSymbolicLink(atPath: home + "/work/link.txt", withDestinationPath: home + "/work/real.txt")
            let result = await Self.patch("*** Delete File: link.txt\n", home)
            #expect(result["files_deleted"] == ["link.txt"], "\(result.jsonText)")
            #expect(try String(contentsOfFile: home + "/work/real.txt", encoding: .utf8) == "target\n")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: home + "/work/link.txt")) == nil)
        }
    }

    @Test("binary files are not patched: rewriting them through text would corrupt them")
    func binaryRefused() async throws {
        try await withTemporaryHome { home in
            let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0xFF]
            try Data(bytes).write(to: URL(fileURLWithPath: home + "/work/b.bin"))
            let result = await Self.patch("*** Update File: b.bin\n-PNG\n+JPG\n", home)
            #expect(result["error"] == "Patch validation failed (no files were modified):\n  • b.bin: Binary file — cannot display as text.")
            #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/work/b.bin")) == Data(bytes))
        }
    }
}
