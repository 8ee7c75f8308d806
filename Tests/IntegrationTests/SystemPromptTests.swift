import AsyncHTTPClient
import Foundation
import HermesCore
import HermesSimulators
import HermesTesting
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A Python user's `~/.hermes` (Fixtures/hermes-home: config.yaml with a custom endpoint, .env,
/// SOUL.md, two memory entries and a user-profile entry, skills in three categories, one of them
/// described, one for another OS, one disabled in config.yaml) and projects (Fixtures/project,
/// with a `.hermes.md`; Fixtures/code-project, made a git repository with two commits and a
/// changed working tree by Fixtures/make-code-workspace), run by our binaries against the LLM
/// simulator: the system prompt the simulator receives is the one Python's own builder makes for
/// them (Fixtures/python-system-prompts.json, written by `scripts/peer/prompt-text`), but for the
/// machine's lines (host, paths, date). Our binaries run with only git on `PATH`, as Python did,
/// so that the toolchain probe says the same on every machine.
@Suite("the system prompt, as Python builds it")
struct SystemPromptTests {
    struct Case: Decodable {
        var platform: String
        var model: String
        var toolsets: [String]
        var project: String
        var config: String
        var prompt: String
    }

    struct Fixture: Decodable {
        var cases: [Case]
    }

    /// A copy of the fixture home and projects in a new directory, the code project made a git
    /// repository, and a `PATH` of git only: (`HOME`, `HERMES_HOME`, the folder of the projects, `PATH`).
    private func workspace() async throws -> (home: String, hermesHome: String, projects: String, path: String) {
        let root = NSTemporaryDirectory() + "hermes-prompt-\(UUID().uuidString)"
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).path
        for folder in ["home", "bin"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: fixtures + "/hermes-home", toPath: root + "/home/.hermes")
        for project in ["project", "code-project"] {
            try FileManager.default.copyItem(atPath: fixtures + "/" + project, toPath: root + "/" + project)
        }
        let made = try await runProcess("/bin/sh", [fixtures + "/make-code-workspace", root + "/code-project"])
        #expect(made.status == 0, "\(made.standardError)")
        let git = try await runProcess("/bin/sh", ["-c", "command -v git"])
        try FileManager.default.createSymbolicLink(
            atPath: root + "/bin/git", withDestinationPath: git.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(FileManager.default.fileExists(atPath: root + "/home/.hermes/.env"), "the fixture's hidden files are copied")
        return (root + "/home", root + "/home/.hermes", root, root + "/bin")
    }

    private func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/python-system-prompts", withExtension: "json"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).cases
    }

    /// Python's prompt for `platform`, `model` and `toolsets` in `project` (under `projects`)
    /// with `config` as the home's config.yaml, with this machine's lines in it.
    private func expected(
        _ platform: String, model: String, toolsets: [String] = ["terminal", "file", "web", "todo", "memory", "skills", "session_search"],
        project name: String = "project", config: String = "hermes-home/config.yaml", home: String, hermesHome: String, projects: String
    ) throws -> String {
        let found = try #require(
            try cases().first {
                $0.platform == platform && $0.model == model && $0.toolsets == toolsets && $0.project == name && $0.config == config
            })
        let project = projects + "/" + name
        var system = utsname()
        uname(&system)
        let release = withUnsafeBytes(of: system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return found.prompt.replacing("{HERMES_HOME}", with: hermesHome).replacing("{CWD}", with: project)
            .replacing("{HOME}", with: home).replacing("{HOST}", with: "Linux (\(release))")
    }

    /// `prompt` with its date line written as the fixture writes it.
    private func dated(_ prompt: String?) -> String {
        (prompt ?? "(no system prompt)").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("Conversation started: ") ? "{DATE}" : String($0) }.joined(separator: "\n")
    }

    /// The system message of each request the simulator received, in order.
    private func systemPrompts(_ simulator: LLMSimulator) throws -> [String?] {
        let requests = try JSONValue(parsing: simulator.recentRequests())
        return (requests.arrayValue ?? []).map { $0["messages"]?.arrayValue?.first?["content"]?.stringValue }
    }

    @Test("hermes chat in the project sends Python's cli prompt; continued with --session, the stored prompt word for word")
    func chat() async throws {
        let (home, hermesHome, projects, path) = try await workspace()
        defer { try? FileManager.default.removeItem(atPath: projects) }
        let project = projects + "/project"
        let simulator = LLMSimulator(config: LLMSimulatorConfig())
        let prompts = try await simulator.withServer { llm in
            let environment = ["HOME": home, "HERMES_HOME": hermesHome, "FIXTURE_LLM_URL": llm, "PATH": path]
            let first = try await runProcess(Executables.hermes, ["chat", "hello"], environment: environment, in: project)
            #expect(first.status == 0, "\(first.standardError)")
            let session = try #require(
                first.standardError.split(separator: "\n").first { $0.hasPrefix("session ") }?.split(separator: " ").dropFirst().first)
            // What the prompt is made of changes; a continued session keeps the prompt it was given.
            try "You are someone else now.\n".write(toFile: hermesHome + "/SOUL.md", atomically: true, encoding: .utf8)
            let second = try await runProcess(
                Executables.hermes, ["chat", "--session", String(session), "again"], environment: environment, in: project)
            #expect(second.status == 0, "\(second.standardError)")
            // Another model: the prompt is rebuilt, from the new SOUL.md, and stored in place of the old one,
            // so the next continuation keeps it even though SOUL.md changed again.
            for soul in ["You are a third one.\n", "You are a fourth one.\n"] {
                let other = try await runProcess(
                    Executables.hermes, ["chat", "--session", String(session), "-m", "other-model", "and again"], environment: environment,
                    in: project)
                #expect(other.status == 0, "\(other.standardError)")
                try soul.write(toFile: hermesHome + "/SOUL.md", atomically: true, encoding: .utf8)
            }
            return try systemPrompts(simulator)
        }
        #expect(prompts.count == 4)
        let python = try expected("cli", model: "fixture-model", home: home, hermesHome: hermesHome, projects: projects)
        #expect(dated(prompts.first ?? nil) == python)
        #expect(prompts[1] == prompts[0], "the stored prompt, date included, not one rebuilt from the new SOUL.md")
        #expect(prompts[2]?.hasPrefix("You are someone else now.") == true && prompts[2]?.contains("Model: other-model") == true)
        #expect(prompts[3] == prompts[2], "the rebuilt prompt was stored, and is kept word for word")
    }

    @Test(
        "hermes chat in a code workspace sends Python's coding posture: the brief for the model's family, the git snapshot, focus mode's index"
    )
    func codingPosture() async throws {
        let (home, hermesHome, projects, path) = try await workspace()
        defer { try? FileManager.default.removeItem(atPath: projects) }
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).path
        let simulator = LLMSimulator(config: LLMSimulatorConfig())
        let prompts = try await simulator.withServer { llm in
            let environment = ["HOME": home, "HERMES_HOME": hermesHome, "FIXTURE_LLM_URL": llm, "PATH": path]
            for arguments in [["chat", "hello"], ["chat", "-m", "gpt-4o", "hello"]] {
                let chat = try await runProcess(Executables.hermes, arguments, environment: environment, in: projects + "/code-project")
                #expect(chat.status == 0, "\(chat.standardError)")
            }
            try FileManager.default.removeItem(atPath: hermesHome + "/config.yaml")
            try FileManager.default.copyItem(atPath: fixtures + "/focus-config.yaml", toPath: hermesHome + "/config.yaml")
            let focused = try await runProcess(Executables.hermes, ["chat", "hello"], environment: environment, in: projects + "/code-project")
            #expect(focused.status == 0, "\(focused.standardError)")
            return try systemPrompts(simulator)
        }
        #expect(prompts.count == 3)
        let wanted = [("fixture-model", "hermes-home/config.yaml"), ("gpt-4o", "hermes-home/config.yaml"), ("fixture-model", "focus-config.yaml")]
        for (index, (model, config)) in wanted.enumerated() where index < prompts.count {
            let python = try expected(
                "cli", model: model, project: "code-project", config: config, home: home, hermesHome: hermesHome, projects: projects)
            #expect(dated(prompts[index]) == python, "\(model) with \(config)")
        }
    }

    @Test("hermes gateway sends Python's api_server prompt for its working directory")
    func gateway() async throws {
        let (home, hermesHome, projects, path) = try await workspace()
        defer { try? FileManager.default.removeItem(atPath: projects) }
        let project = projects + "/project"
        let simulator = LLMSimulator(config: LLMSimulatorConfig())
        let key = TestKeys.apiServer
        let prompts = try await simulator.withServer { llm in
            let (_, status, errors) = try await withChildProcess(
                Executables.hermes, ["gateway", "--port", "0"],
                environment: [
                    "HOME": home, "HERMES_HOME": hermesHome, "FIXTURE_LLM_URL": llm, "API_SERVER_KEY": key, "MESSAGING_CWD": project,
                    "PATH": path,
                ]
            ) { gateway in
                var chat = HTTPClientRequest(url: try await gateway.listeningURL() + "/v1/chat/completions")
                chat.method = .POST
                chat.headers.add(name: "Authorization", value: "Bearer \(key)")
                chat.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"hello"}]}"#))
                let answer = try await HTTPClient.shared.execute(chat, timeout: .seconds(60))
                _ = try await answer.body.collect(upTo: 1 << 20)
                #expect(answer.status == .ok)
            }
            #expect(status == 0, "\(errors)")
            return try systemPrompts(simulator)
        }
        let python = try expected("api_server", model: "fixture-model", home: home, hermesHome: hermesHome, projects: projects)
        #expect(dated(prompts.first ?? nil) == python)
    }
}
