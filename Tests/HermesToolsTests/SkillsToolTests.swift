import Foundation
import HermesCore
import Testing

@testable import HermesTools

#if canImport(Glibc)
    import Glibc
#endif

/// The skills tools and the prompt index against the Python project: `scripts/peer/skills-results`
/// ran hermes-agent 0.19.0's `skills_list`, `skill_view`, `skill_manage` and
/// `build_skills_system_prompt` through the scenarios of `python-skills.json`, each on its own
/// HERMES_HOME, recording each answer, the skills directory after each write and the usage
/// counters, which these tests replay on the same files.
@Suite("skills tools", .timeLimit(.minutes(1)))
struct SkillsToolTests {
    struct Fixture: Decodable {
        var sessionID: String
        var scenarios: [Scenario]

        enum CodingKeys: String, CodingKey {
            case scenarios
            case sessionID = "session_id"
        }
    }

    struct Scenario: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: Content]
        var steps: [Step]
        var usage: [String: Usage]
        var skillsDirectoryExists: Bool

        enum CodingKeys: String, CodingKey {
            case name, files, steps, usage
            case skillsDirectoryExists = "skills_directory_exists"
        }

        var testDescription: String { name }
    }

    /// A file's content: text, or bytes in hex.
    struct Content: Decodable, Sendable, Equatable {
        var text: String?
        var hex: String?

        var bytes: [UInt8] {
            if let text { return Array(text.utf8) }
            let digits = Array((hex ?? "").utf8)
            return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        }
    }

    struct Index: Decodable, Sendable {
        var tools: [String]
        var toolsets: [String]
    }

    /// One step: a tool call (`tool`, `args`), a `skill_manage` call (`manage`) with the skills
    /// directory after it (`skills`), or the prompt index for a tool selection (`index`).
    struct Step: Decodable, Sendable {
        var tool: String?
        var args: JSONValue?
        var manage: JSONValue?
        var index: Index?
        var platform: String?
        var result: String
        var skills: [String: Content]?
    }

    struct Usage: Decodable, Sendable, Equatable {
        var viewCount: Int?
        var useCount: Int?
        var patchCount: Int?
        var pinned: Bool?

        enum CodingKeys: String, CodingKey {
            case pinned
            case viewCount = "view_count"
            case useCount = "use_count"
            case patchCount = "patch_count"
        }
    }

    static let fixture: Fixture? = {
        guard let url = Bundle.module.url(forResource: "python-skills", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(Fixture.self, from: data)
    }()

    static let scenarios: [Scenario] = fixture?.scenarios ?? []

    @Test("the fixture was read")
    func fixtureRead() {
        #expect(Self.scenarios.count == 3)
    }

    @Test("every answer, the skills directory after each write and the usage counters are Python's", arguments: scenarios)
    func replay(_ scenario: Scenario) async throws {
        try await withHome { home in
            for (path, content) in scenario.files {
                let full = home + "/" + path
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(content.bytes).write(to: URL(fileURLWithPath: full))
            }
            for (index, step) in scenario.steps.enumerated() {
                // HOME is the home's parent, as in the script, so that Python's `~/…` form of it appears.
                let library = SkillsLibrary(
                    hermesHome: home, userHome: SkillFiles.parent(home), platform: step.platform ?? "", sessionID: Self.fixture?.sessionID)
                if let selection = step.index {
                    let lines = SkillsIndex.listing(library, tools: Set(selection.tools), toolsets: Set(selection.toolsets)).lines
                    #expect(lines.joined(separator: "\n") == Self.indexLines(step.result), "step \(index)")
                } else if let manage = step.manage {
                    let answer = library.manage(SkillManageRequest(manage)).text
                    #expect(normalized(answer, home: home) == step.result, "step \(index): \(manage)")
                    #expect(tree(home + "/skills") == step.skills, "step \(index): the skills directory")
                } else {
                    var context = ToolContext(sessionID: SessionID("fixture-session"), workingDirectory: home)
                    context.skills = library
                    let tool: any Tool = step.tool == "skills_list" ? SkillsListTool() : SkillViewTool()
                    let answer = try await tool.run(step.args ?? .object([:]), context: context)
                    #expect(normalized(answer, home: home) == step.result, "step \(index): \(step.args ?? .null)")
                }
            }
            #expect(usage(home + "/skills") == scenario.usage)
            #expect(SkillFiles.isDirectory(home + "/skills") == scenario.skillsDirectoryExists)
        }
    }

    /// The schemas themselves are compared with Python's by ToolSchemaFixtureTests.
    @Test("the skills tools are registered in toolset skills; skill_manage names the runtime's home")
    func registration() throws {
        #expect(ToolRegistry.builtIn().tools(inToolset: "skills") == ["skills_list", "skill_view", "skill_manage"])
        let registry = ToolRegistry.builtIn(hermesHome: "/home/ada/.hermes/profiles/coder", userHome: "/home/ada")
        let manage = try registry.specs(forToolsets: ["skills"]).first { $0.name == "skill_manage" }
        #expect(manage?.description.contains("New skills go to ~/.hermes/profiles/coder/skills/;") == true)
        #expect(registry.tool(named: "skill_manage")?.spec.description == manage?.description)
    }

    @Test("the platforms whose Python toolsets list the skills tools get them; a webhook does not")
    func platformToolsets() {
        let registry = ToolRegistry.builtIn()
        for platform in ["hermes-cli", "hermes-api-server", "hermes-telegram"] {
            #expect(registry.plainToolsets([platform]).contains("skills"), "\(platform)")
        }
        #expect(!registry.plainToolsets(["hermes-webhook"]).contains("skills"))
    }

    @Test("writes are whole files with Python's mode 0600; a link out of the skill is refused")
    func writesAndLinks() async throws {
        try await withHome { home in
            let outside = home + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            let library = SkillsLibrary(hermesHome: home, userHome: "/nonexistent-home")
            let content = "---\nname: linked\ndescription: d\n---\nBody.\n"
            #expect(
                library.manage(SkillManageRequest(["action": "create", "name": "linked", "content": .string(content)]))["success"] == .bool(true))
            #expect(AtomicFile.mode(of: home + "/skills/linked/SKILL.md") == 0o600)
            try FileManager.default.createDirectory(atPath: home + "/skills/linked/references", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: home + "/skills/linked/references/out", withDestinationPath: outside)
            let write = library.manage(
                SkillManageRequest(["action": "write_file", "name": "linked", "file_path": "references/out/x.md", "file_content": "x"]))
            #expect(write["success"] == .bool(false))
            #expect(write["error"]?.string?.hasPrefix("Path escapes allowed directory:") == true)
            #expect(!FileManager.default.fileExists(atPath: outside + "/x.md"))
            let view = library.view(name: "linked", filePath: "references/out")
            #expect(view["error"]?.string?.hasPrefix("Path escapes allowed directory:") == true)
            #expect(SkillFiles.names(in: home + "/skills/linked").allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary file is left")
        }
    }

    @Test("the prompt index is rebuilt when a skill changes, and served from the cache until then")
    func indexFollowsTheFiles() async throws {
        try await withHome { home in
            let file = home + "/skills/tools/probe/SKILL.md"
            try FileManager.default.createDirectory(atPath: home + "/skills/tools/probe", withIntermediateDirectories: true)
            try Data("---\nname: probe\ndescription: First.\n---\nBody.\n".utf8).write(to: URL(fileURLWithPath: file))
            let library = SkillsLibrary(hermesHome: home, userHome: "/nonexistent-home")
            let tools: Set<String> = ["skill_view"]
            #expect(SkillsIndex.listing(library, tools: tools, toolsets: ["skills"]).lines == ["  tools:", "    - probe: First."])
            #expect(SkillsIndex.listing(library, tools: tools, toolsets: ["skills"]).lines == ["  tools:", "    - probe: First."])
            try Data("---\nname: probe\ndescription: Second, longer.\n---\nBody.\n".utf8).write(to: URL(fileURLWithPath: file))
            #expect(SkillsIndex.listing(library, tools: tools, toolsets: ["skills"]).lines == ["  tools:", "    - probe: Second, longer."])
            try Data("---\ndescription: Tooling\n---\n".utf8).write(to: URL(fileURLWithPath: home + "/skills/tools/DESCRIPTION.md"))
            #expect(SkillsIndex.listing(library, tools: tools, toolsets: ["skills"]).lines.first == "  tools: Tooling")
        }
    }

    @Test("a demoted category is one line of its skills' names, its nested categories with it; the others keep their entries")
    func namesOnlyCategories() async throws {
        try await withHome { home in
            for (folder, name) in [
                ("creative/haiku", "haiku"), ("creative/art/sketch", "sketch"), ("creative/limerick", "limerick"), ("devops/ship", "ship"),
            ] {
                try FileManager.default.createDirectory(atPath: home + "/skills/" + folder, withIntermediateDirectories: true)
                try Data("---\nname: \(name)\ndescription: About \(name).\n---\nBody.\n".utf8)
                    .write(to: URL(fileURLWithPath: home + "/skills/\(folder)/SKILL.md"))
            }
            let library = SkillsLibrary(hermesHome: home, userHome: "/nonexistent-home")
            let focused = SkillsIndex.listing(library, tools: ["skill_view"], toolsets: ["skills"], namesOnly: ["creative", "music"])
            #expect(
                focused.lines == [
                    "  creative [names only]: haiku, limerick", "  creative/art [names only]: sketch", "  devops:", "    - ship: About ship.",
                ])
            #expect(focused.hasNamesOnly)
            let unfocused = SkillsIndex.listing(library, tools: ["skill_view"], toolsets: ["skills"], namesOnly: ["music"])
            #expect(unfocused.lines.first == "  creative:" && !unfocused.hasNamesOnly)
        }
    }

    @Test("without a HERMES_HOME the skills tools say they are not available")
    func noHome() async throws {
        let context = ToolContext(sessionID: SessionID("s"), workingDirectory: "/")
        let answer = try await SkillsListTool().run(.object([:]), context: context)
        #expect(answer.contains("Skills are not available"))
    }

    // MARK: - Helpers

    func withHome(_ body: (String) async throws -> Void) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-skills-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await body(SkillFiles.resolved(home))
    }

    /// A result as the fixture records it: the home, and its `~/…` form, written as placeholders.
    func normalized(_ result: String, home: String) -> String {
        result.replacingOccurrences(of: home, with: "$HERMES_HOME").replacingOccurrences(of: "~/" + SkillFiles.name(home), with: "$DISPLAY_HOME")
    }

    /// The index lines of Python's skills prompt (between `<available_skills>` and its end tag).
    static func indexLines(_ prompt: String) -> String {
        guard let start = prompt.range(of: "<available_skills>\n"), let end = prompt.range(of: "\n</available_skills>") else { return "" }
        return String(prompt[start.upperBound..<end.lowerBound])
    }

    /// Every file under the skills directory but the usage sidecar, as the fixture records them.
    func tree(_ directory: String) -> [String: Content] {
        var files: [String: Content] = [:]
        for path in SkillFiles.allFiles(under: directory) where !SkillFiles.name(path).hasPrefix(".usage") {
            let bytes = SkillFiles.readBytes(path) ?? []
            let relative = SkillFiles.relative(path, to: directory)!
            if let text = String(validating: bytes, as: UTF8.self) {
                files[relative] = Content(text: text)
            } else {
                files[relative] = Content(hex: bytes.map { String(format: "%02x", $0) }.joined())
            }
        }
        return files
    }

    /// The counters of `.usage.json`.
    func usage(_ directory: String) -> [String: Usage] {
        guard let data = FileManager.default.contents(atPath: directory + "/.usage.json"),
            let decoded = try? JSONDecoder().decode([String: Usage].self, from: data)
        else { return [:] }
        return decoded
    }
}
