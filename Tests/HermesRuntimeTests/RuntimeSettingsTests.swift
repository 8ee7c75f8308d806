import Foundation
import HermesAgent
import HermesConfig
import HermesGateway
import HermesRuntime
import HermesTools
import Testing

@Suite struct RuntimeSettingsTests {
    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("flags win over the environment, the environment over the file, the file over the defaults")
    func precedence() throws {
        let path = try file(
            """
            port: 0
            api_key: from-file
            db: /tmp/from-file.db
            model: {base_url: http://file/v1, name: file-model}
            agent: {toolsets: [file, todo], max_iterations: 12}
            limits: {max_concurrent_turns: 4, agent_idle_ttl: 5m}
            compression: {context_length: 32000, threshold: 0.8, protect_last: 10, summary_timeout: 20s}
            """)
        let settings = try RuntimeSettings.resolve(
            environment: ["API_SERVER_KEY": "from-env", "HERMES_MODEL": "", "HERMES_DB": "/tmp/x.db"], file: path)
        #expect(settings.gateway.port == 0)
        #expect(settings.apiKey == "from-env")
        #expect(settings.model.baseURL == "http://file/v1")
        #expect(settings.model.name == "file-model", "an empty variable does not override")
        #expect(settings.databasePath == "/tmp/x.db")
        #expect(settings.toolsets == ["file", "todo"] && settings.maxIterations == 12)
        #expect(settings.gateway.maxConcurrentTurns == 4)
        #expect(settings.gateway.agentIdleTTL == .seconds(300))
        let compression = try #require(settings.compression)
        #expect(compression.contextLength == 32_000 && compression.thresholdPercent == 0.8 && compression.protectLast == 10)
        #expect(compression.summaryTimeout == .seconds(20) && compression.protectFirst == 3)

        var flags = SettingsFlags()
        flags.port = 9000
        flags.db = "/tmp/flag.db"
        flags.model = "flag-model"
        flags.toolsets = "terminal"
        flags.maxIterations = 3
        flags.contextLength = 64_000
        flags.noStream = true
        let flagged = try RuntimeSettings.resolve(flags: flags, environment: ["HERMES_MODEL": "env-model"], file: path)
        #expect(flagged.gateway.port == 9000 && flagged.databasePath == "/tmp/flag.db" && flagged.model.name == "flag-model")
        #expect(flagged.toolsets == ["terminal"] && flagged.maxIterations == 3 && !flagged.stream)
        #expect(flagged.compression?.contextLength == 64_000 && flagged.compression?.thresholdPercent == 0.8)

        var noStore = SettingsFlags()
        noStore.noStore = true
        #expect(try RuntimeSettings.resolve(flags: noStore, environment: [:], file: path).databasePath == nil)
        let defaults = try RuntimeSettings.resolve(environment: ["HERMES_HOME": "/srv/hermes"])
        #expect(defaults.compression == nil, "off unless configured")
        #expect(defaults.databasePath == "/srv/hermes/state.db" && defaults.gateway.port == 8642 && defaults.maxIterations == 90)
    }

    @Test("platforms and per-platform toolsets from the file and the environment")
    func platforms() throws {
        let path = try file(
            """
            telegram: {bot_token: file-token, edit_interval: 250ms}
            webhooks: {github: {secret: s, prompt: "PR {pull_request.title}", events: [pull_request]}}
            platform_toolsets: {telegram: [web, todo]}
            approvals: {timeout: 300}
            """)
        let settings = try RuntimeSettings.resolve(
            environment: ["TELEGRAM_WEBHOOK_SECRET": "sec", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1"], file: path)
        #expect(settings.approvalTimeout == .seconds(300), "Python's whole seconds")
        #expect(try RuntimeSettings.resolve(environment: [:], file: file("approvals: {timeout: 90s}")).approvalTimeout == .seconds(90))
        #expect(try RuntimeSettings.resolve(environment: [:]).approvalTimeout == .seconds(60))
        #expect(settings.gateway.telegram?.botToken == "file-token")
        #expect(settings.gateway.telegram?.secretToken == "sec")
        #expect(settings.gateway.telegram?.apiBaseURL == "http://127.0.0.1:1")
        #expect(settings.gateway.telegram?.editInterval == .milliseconds(250))
        #expect(settings.gateway.webhooks["github"]?.events == ["pull_request"])
        let registry = ToolRegistry.builtIn()
        #expect(settings.toolsets(for: "telegram", registry: registry) == ["todo", "web"])
        #expect(settings.toolsets(for: "api_server", registry: registry) == ["file", "terminal", "todo", "web"])
        #expect(settings.toolsets(for: "webhook", registry: registry) == ["web"], "a webhook gets the safe list")
        let fromEnvironment = try RuntimeSettings.resolve(environment: ["TELEGRAM_BOT_TOKEN": "env-token"])
        #expect(fromEnvironment.gateway.telegram?.botToken == "env-token")
        #expect(fromEnvironment.gateway.telegram?.apiBaseURL == "https://api.telegram.org")
    }

    @Test(
        "a bad file is refused at its line, with the key and the fix",
        arguments: [
            ("prot: 1", 1, "unknown key \"prot\" — did you mean \"port\"?"),
            ("limits:\n  max_concurent_turns: 1", 2, "unknown key \"limits.max_concurent_turns\""),
            ("limits: {agent_idle_ttl: soon}", 1, "limits.agent_idle_ttl: \"soon\" is not a duration"),
            ("limits: {max_concurrent_turns: 0}", 1, "limits.max_concurrent_turns is 0; it must be at least 1"),
            ("port: 70000", 1, "port: 70000 is not a TCP port"),
            ("port: [", 2, "not valid YAML"),
            ("webhooks: {gh: {prompt: x}}", 1, "webhooks.gh.secret is missing"),
            ("webhooks: {telegram: {secret: s}}", 1, "the name is taken by the Telegram webhook"),
            ("telegram: {secret_token: s}", 1, "telegram.bot_token is missing"),
            ("telegram: {bot_token: t, edit_interval: often}", 1, "telegram.edit_interval: \"often\" is not a duration"),
            ("compression: {threshold: 0.5}", 1, "compression.context_length is missing"),
            ("compression: {context_length: 8000, threshold: 50}", 1, "compression.threshold is 50; it must be between 0.05 and 0.95"),
            ("model: {base_url: localhost:8000}", 1, "model.base_url: \"localhost:8000\" is not an http(s) URL"),
            ("agent:\n  toolsets: [file, nope]", 2, "agent.toolsets: unknown toolset \"nope\""),
            ("approvals: {timeout: soon}", 1, "approvals.timeout: \"soon\" is not a duration"),
            ("approvals: {timeout: -5}", 1, "approvals.timeout must not be negative"),
            ("approvals: {mode: off}", 1, "unknown key \"approvals.mode\""),
        ])
    func badFiles(text: String, line: Int, expected: String) throws {
        let path = try file(text)
        let error = #expect(throws: ConfigError.self) { try RuntimeSettings.resolve(environment: [:], file: path) }
        #expect(error?.source == .file(path, line: line), "\(String(describing: error))")
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("\(path):\(line): ") == true)
    }

    @Test("a bad flag or variable is refused under its own name")
    func badFlagsAndVariables() {
        var port = SettingsFlags()
        port.port = 70_000
        #expect(throws: ConfigError(.flag("--port"), "70000 is not a TCP port; use 0...65535 (0 picks a free one)")) {
            try RuntimeSettings.resolve(flags: port, environment: [:])
        }
        var toolsets = SettingsFlags()
        toolsets.toolsets = "file,nope"
        let unknown = #expect(throws: ConfigError.self) { try RuntimeSettings.resolve(flags: toolsets, environment: [:]) }
        #expect(unknown?.source == .flag("--toolsets") && unknown?.message.contains("unknown toolset \"nope\"") == true)
        var window = SettingsFlags()
        window.contextLength = 10
        #expect(
            (#expect(throws: ConfigError.self) { try RuntimeSettings.resolve(flags: window, environment: [:]) })?.source == .flag("--context-length"))
        let variable = #expect(throws: ConfigError.self) {
            try RuntimeSettings.resolve(environment: ["HERMES_BASE_URL": "127.0.0.1:8000"])
        }
        #expect(variable?.source == .environment("HERMES_BASE_URL"))
        #expect(variable?.description == "HERMES_BASE_URL: \"127.0.0.1:8000\" is not an http(s) URL; write e.g. http://127.0.0.1:8000/v1")
    }

    @Test("a runtime needs a model endpoint, and a gateway a store")
    func requiredSettings() async throws {
        let missing = await #expect(throws: ConfigError.self) { try await HermesRuntime.start(RuntimeSettings()) }
        #expect(missing?.source == .setting("model.base_url"))
        var settings = RuntimeSettings()
        settings.model.baseURL = "http://127.0.0.1:9/v1"
        try await withRuntime(settings) { runtime in
            let error = #expect(throws: ConfigError.self) { try runtime.makeGateway() }
            #expect(error?.source == .setting("db"))
        }
    }

    @Test("the gateway refuses to start without a usable API key, naming where the key came from")
    func apiKeyGuard() async throws {
        let directory = NSTemporaryDirectory() + "hermes-key-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/config.yaml"
        try "port: 0\napi_key: your_api_key_here\n".write(toFile: file, atomically: true, encoding: .utf8)
        func refusal(_ environment: [String: String], file: String? = nil) async throws -> ConfigError? {
            var flags = SettingsFlags()
            flags.db = directory + "/state.db"
            let settings = try RuntimeSettings.resolve(
                flags: flags, environment: environment.merging(["HERMES_BASE_URL": "http://127.0.0.1:9/v1"]) { a, _ in a },
                file: file)
            return try await withRuntime(settings) { runtime -> ConfigError? in
                do throws(ConfigError) {
                    _ = try runtime.makeGateway()
                    return nil
                } catch {
                    return error
                }
            }
        }
        let missing = try await refusal([:])
        #expect(missing?.source == .environment("API_SERVER_KEY"))
        #expect(missing?.message.contains("openssl rand -hex 32") == true)
        let short = try await refusal(["API_SERVER_KEY": "fifteen-chars!!"])
        #expect(short?.source == .environment("API_SERVER_KEY"))
        #expect(short?.message.contains("shorter than 16 characters") == true)
        #expect(try await refusal(["API_SERVER_KEY": "  CHANGEME  "]) != nil)
        let placeholder = try await refusal([:], file: file)
        #expect(placeholder?.source == .file(file, line: 2), "a placeholder is refused whatever its length")
        #expect(try await refusal(["API_SERVER_KEY": "sixteen-chars!!!"], file: file) == nil, "the variable wins over the file")
    }

    @Test("each platform gets Python's own toolset unless platform_toolsets names one; agent.toolsets only narrows")
    func platformToolsets() throws {
        let registry = ToolRegistry.builtIn()
        let defaults = try RuntimeSettings.resolve(environment: [:])
        for platform in ["cli", "api_server", "telegram"] {
            #expect(defaults.toolsets(for: platform, registry: registry) == ["file", "terminal", "todo", "web"], "\(platform)")
        }
        #expect(defaults.toolsets(for: "webhook", registry: registry) == ["web"])
        #expect(defaults.toolsets(for: "somewhere", registry: registry).isEmpty, "a source with no toolset gets no tools")

        let narrowed = try RuntimeSettings.resolve(environment: [:], file: file("agent: {toolsets: [todo, terminal]}"))
        #expect(narrowed.toolsets(for: "api_server", registry: registry) == ["terminal", "todo"])
        #expect(narrowed.toolsets(for: "webhook", registry: registry).isEmpty, "narrowing never widens the webhook")

        let opened = try RuntimeSettings.resolve(
            environment: [:],
            file: file("agent: {toolsets: [todo]}\nplatform_toolsets: {webhook: [web, terminal], telegram: [hermes-webhook]}"))
        #expect(opened.toolsets(for: "webhook", registry: registry) == ["terminal", "web"], "the operator opened it")
        #expect(opened.toolsets(for: "telegram", registry: registry) == ["web"], "a platform toolset by name")
        var flags = SettingsFlags()
        flags.toolsets = "hermes-api-server"
        #expect(try RuntimeSettings.resolve(flags: flags, environment: [:]).toolsets(for: "cli", registry: registry).count == 4)

        let unknown = #expect(throws: ConfigError.self) {
            try RuntimeSettings.resolve(environment: [:], file: file("platform_toolsets: {webhook: [hermes-shell]}"))
        }
        #expect(unknown?.message.contains("unknown toolset \"hermes-shell\"") == true)
        #expect(unknown?.message.contains("hermes-webhook") == true, "the known ones are listed")
    }
}
