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

    @Test("flags win over the environment, the environment over config.yaml, the file over the defaults")
    func precedence() throws {
        let path = try file(
            """
            db: /tmp/from-file.db
            model: {base_url: http://file/v1, default: file-model, context_length: 32000}
            agent: {max_turns: 12, disabled_toolsets: [web]}
            platforms: {api_server: {extra: {port: 0, key: from-file}}}
            limits: {max_concurrent_turns: 4, agent_idle_ttl: 5m}
            compression: {threshold: 0.8, protect_last_n: 10}
            auxiliary: {compression: {timeout: 20}}
            """)
        let settings = try RuntimeSettings.resolve(
            environment: ["API_SERVER_KEY": "from-env", "HERMES_MODEL": "", "HERMES_DB": "/tmp/x.db"], file: path)
        #expect(settings.gateway.port == 0)
        #expect(settings.apiKey == "from-env")
        #expect(settings.model.baseURL == "http://file/v1")
        #expect(settings.model.name == "file-model", "an empty variable does not override")
        #expect(settings.databasePath == "/tmp/x.db")
        #expect(settings.maxIterations == 12 && settings.disabledToolsets == ["web"])
        #expect(settings.toolsets(for: "cli", registry: .builtIn()) == ["file", "memory", "session_search", "skills", "terminal", "todo"])
        #expect(settings.gateway.maxConcurrentTurns == 4)
        #expect(settings.gateway.agentIdleTTL == .seconds(300))
        let compression = try #require(settings.compression, "on: Python's compression.enabled defaults to true")
        #expect(compression.contextLength == 32_000 && compression.thresholdPercent == 0.8 && compression.protectLast == 10)
        #expect(compression.summaryTimeout == .seconds(20) && compression.protectFirst == 3)
        #expect(settings.unreadConfigKeys.isEmpty, "\(settings.unreadConfigKeys)")

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
        #expect(flagged.sources["agent.max_turns"] == .flag("--max-turns") && flagged.sources["db"] == .flag("--db"))

        var noStore = SettingsFlags()
        noStore.noStore = true
        #expect(try RuntimeSettings.resolve(flags: noStore, environment: [:], file: path).databasePath == nil)
        let defaults = try RuntimeSettings.resolve(environment: ["HERMES_HOME": "/srv/hermes"])
        #expect(defaults.compression == nil, "off until the context length is known")
        #expect(defaults.databasePath == "/srv/hermes/state.db" && defaults.gateway.port == 8642 && defaults.maxIterations == 90)
        #expect(defaults.terminalTimeout == .seconds(180) && defaults.sources.isEmpty)
    }

    @Test("agent.max_turns in the file wins over HERMES_MAX_ITERATIONS, and terminal.timeout over TERMINAL_TIMEOUT, as Python's gateway exports them")
    func pythonPrecedence() throws {
        let environment = ["HERMES_MAX_ITERATIONS": "7", "TERMINAL_TIMEOUT": "30"]
        let bare = try RuntimeSettings.resolve(environment: environment)
        #expect(bare.maxIterations == 7 && bare.terminalTimeout == .seconds(30))
        let filed = try RuntimeSettings.resolve(environment: environment, file: file("agent: {max_turns: 50}\nterminal: {timeout: 100}"))
        #expect(filed.maxIterations == 50 && filed.terminalTimeout == .seconds(100))
        let bad = #expect(throws: ConfigError.self) { try RuntimeSettings.resolve(environment: ["TERMINAL_TIMEOUT": "5m"]) }
        #expect(
            bad?.description
                == "TERMINAL_TIMEOUT: Invalid value for TERMINAL_TIMEOUT: '5m' (expected integer). Check ~/.hermes/.env or environment variables.")
    }

    @Test("display.background_process_notifications is read as Python reads it, HERMES_BACKGROUND_NOTIFICATIONS first")
    func backgroundNotifications() throws {
        #expect(try RuntimeSettings.resolve(environment: [:]).gateway.backgroundNotifications == .all)
        let filed = try file("display: {background_process_notifications: Error}")
        #expect(try RuntimeSettings.resolve(environment: [:], file: filed).gateway.backgroundNotifications == .error)
        #expect(
            try RuntimeSettings.resolve(environment: [:], file: file("display: {background_process_notifications: off}")).gateway
                .backgroundNotifications == .off, "PyYAML's off is false: off")
        let variable = ["HERMES_BACKGROUND_NOTIFICATIONS": " result "]
        #expect(try RuntimeSettings.resolve(environment: variable, file: filed).gateway.backgroundNotifications == .result)
        let bad = #expect(throws: ConfigError.self) {
            try RuntimeSettings.resolve(environment: ["HERMES_BACKGROUND_NOTIFICATIONS": "loud"])
        }
        #expect(bad?.description == #"HERMES_BACKGROUND_NOTIFICATIONS: "loud" is not a mode; write all, result, error or off"#)
    }

    @Test("a Python user's config.yaml loads: the keys not read here are listed with their lines, a typo told apart from a Python setting")
    func pythonFile() throws {
        let path = try file(
            """
            _config_version: 33
            model:
              provider: custom
              default: my-model
              base_url: ${LLM_URL}
              api_key: ${LLM_KEY}
              max_tokens: 4096
            agent:
              max_turns: 60
              maxturns: 3
            display:
              skin: default
            terminal: {backend: local, cwd: /srv/project, timeout: 120, persistent_shell: true}
            approvals: {mode: smart, timeout: 30}
            command_allowlist: [recursive delete]
            platforms:
              api_server: {extra: {host: 0.0.0.0, port: 9000, model_name: my-agent}}
              discord: {enabled: true}
            gateway: {api_server: {max_concurrent_runs: 10}}
            """)
        let settings = try RuntimeSettings.resolve(
            environment: ["LLM_URL": "http://127.0.0.1:8000/v1", "HOME": "/home/u"], file: path)
        #expect(settings.model.baseURL == "http://127.0.0.1:8000/v1" && settings.model.name == "my-model")
        #expect(settings.model.apiKey == "${LLM_KEY}", "an unset variable stays as written, as Python leaves it")
        #expect(settings.maxIterations == 60 && settings.terminalTimeout == .seconds(120))
        #expect(settings.messagingWorkingDirectory == "/srv/project" && !settings.yolo && settings.approvalTimeout == .seconds(30))
        #expect(settings.gateway.host == "0.0.0.0" && settings.gateway.port == 9000 && settings.gateway.advertisedModel == "my-agent")
        #expect(settings.gateway.maxConcurrentTurns == 10)
        #expect(settings.sources["model.default"] == .file(path, line: 4) && settings.sources["terminal.cwd"] == .file(path, line: 13))
        #expect(
            settings.unreadConfigKeys.map { "\($0.line) \($0.key) \($0.knownToPython)" } == [
                "7 model.max_tokens true", "10 agent.maxturns false", "12 display.skin true", "13 terminal.persistent_shell true",
                "18 platforms.discord true",
            ])
        let report = settings.unreadKeysReport()
        #expect(report.contains { $0.hasSuffix("agent.maxturns  not a hermes-agent setting; did you mean agent.max_turns?") }, "\(report)")
        let show = settings.report()
        #expect(show.contains(SettingRow(key: "model.default", value: "my-model", source: "\(path):4")))
        #expect(show.contains(SettingRow(key: "agent.max_turns", value: "60", source: "\(path):9")))
        #expect(show.first { $0.key == "model.api_key" }?.value == "***", "a short secret is masked whole")

        let home = try RuntimeSettings.resolve(environment: ["HOME": "/home/u", "MESSAGING_CWD": "/srv/chat"], file: file("terminal: {cwd: .}"))
        #expect(home.messagingWorkingDirectory == "/srv/chat", "a placeholder cwd falls back to MESSAGING_CWD, then $HOME")
        #expect(try RuntimeSettings.resolve(environment: ["HOME": "/home/u"]).messagingWorkingDirectory == "/home/u")
        #expect(try RuntimeSettings.resolve(environment: [:], file: file("approvals: {mode: off}")).yolo, "PyYAML's off is false: mode off")
    }

    @Test("the system prompt's agent keys are read as Python reads them; HERMES_ENVIRONMENT_HINT wins over the file's hint")
    func promptKeys() throws {
        let path = try file(
            """
            agent:
              coding_context: on
              coding_instructions: ["  Keep the diff small. ", "", "Ask first."]
              environment_probe: false
              environment_hint: Behind a proxy.
            """)
        let settings = try RuntimeSettings.resolve(environment: ["HERMES_ENVIRONMENT_HINT": "  "], file: path)
        #expect(settings.codingContext == .on, "PyYAML's bare on is true, which Python's mode reads as on")
        #expect(settings.codingInstructions == "Keep the diff small.\nAsk first.")
        #expect(!settings.environmentProbe && settings.environmentHint == "Behind a proxy.")
        #expect(settings.unreadConfigKeys.isEmpty)
        let overridden = try RuntimeSettings.resolve(environment: ["HERMES_ENVIRONMENT_HINT": "In a sandbox."], file: path)
        #expect(overridden.environmentHint == "In a sandbox.")
        let defaults = try RuntimeSettings.resolve(environment: [:], file: file("agent: {coding_instructions: '  One rule.  '}"))
        #expect(defaults.codingContext == .auto && defaults.codingInstructions == "One rule." && defaults.environmentProbe)
    }

    @Test("the endpoint comes from the provider Python would pick, with the key of its host")
    func providers() throws {
        let path = try file(
            """
            model: {provider: my-llm}
            providers:
              my-llm: {api: "https://api.deepseek.com/v1", default_model: deepseek-chat, context_length: 64000}
              local: {api: "http://127.0.0.1:9000/v1", key_env: LOCAL_KEY}
            custom_providers: [{name: Old Box, base_url: "http://10.0.0.2/v1", model: m}]
            """)
        let deepseek = try RuntimeSettings.resolve(environment: ["DEEPSEEK_API_KEY": "ds-key"], file: path)
        #expect(deepseek.model.baseURL == "https://api.deepseek.com/v1" && deepseek.model.name == "deepseek-chat")
        #expect(deepseek.model.apiKey == "ds-key" && deepseek.sources["model.api_key"] == .environment("DEEPSEEK_API_KEY"))
        #expect(deepseek.compression?.contextLength == 64_000 && deepseek.model.provider == "my-llm")
        var flags = SettingsFlags()
        flags.provider = "local"
        let local = try RuntimeSettings.resolve(flags: flags, environment: ["LOCAL_KEY": "lk", "DEEPSEEK_API_KEY": "x"], file: path)
        #expect(local.model.baseURL == "http://127.0.0.1:9000/v1" && local.model.apiKey == "lk" && local.model.name == "hermes")
        flags.provider = "custom:old-box"
        #expect(try RuntimeSettings.resolve(flags: flags, environment: [:], file: path).model.baseURL == "http://10.0.0.2/v1")
        flags.provider = "anthropic"
        let unknown = #expect(throws: ConfigError.self) { try RuntimeSettings.resolve(flags: flags, environment: [:], file: path) }
        #expect(unknown?.source == .flag("--provider") && unknown?.message.contains("Declared providers: Old Box, local, my-llm") == true)

        let openRouter = try RuntimeSettings.resolve(environment: ["OPENROUTER_API_KEY": "or-key"])
        #expect(openRouter.model.baseURL == "https://openrouter.ai/api/v1" && openRouter.model.apiKey == "or-key")
        let custom = try RuntimeSettings.resolve(
            environment: ["CUSTOM_BASE_URL": "http://127.0.0.1:7/v1", "OPENAI_API_KEY": "sk-openai"],
            file: file("model: {provider: custom, base_url: http://127.0.0.1:8/v1}"))
        #expect(custom.model.baseURL == "http://127.0.0.1:7/v1", "CUSTOM_BASE_URL beats model.base_url, as in Python")
        #expect(custom.model.apiKey == nil, "OpenAI's key goes to OpenAI's host only")
        #expect(RuntimeSettings.hostKey(for: "https://api.deepseek.com.attacker.test/v1") { _ in "k" }?.0 == "ATTACKER_API_KEY")
        #expect(RuntimeSettings.hostKey(for: "http://localhost:8000/v1") { _ in "k" } == nil)
    }

    @Test("platforms and per-platform toolsets from the file and the environment")
    func platforms() throws {
        let path = try file(
            """
            telegram: {bot_token: file-token, edit_interval: 250ms}
            platforms: {webhook: {extra: {routes: {github: {secret: s, prompt: "PR {pull_request.title}", events: [pull_request]}}}}}
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
        #expect(
            settings.toolsets(for: "api_server", registry: registry) == ["file", "memory", "session_search", "skills", "terminal", "todo", "web"])
        #expect(settings.toolsets(for: "webhook", registry: registry) == ["web"], "a webhook gets the safe list")
        let fromEnvironment = try RuntimeSettings.resolve(environment: ["TELEGRAM_BOT_TOKEN": "env-token"])
        #expect(fromEnvironment.gateway.telegram?.botToken == "env-token")
        #expect(fromEnvironment.gateway.telegram?.apiBaseURL == "https://api.telegram.org")
        let disabled = try RuntimeSettings.resolve(
            environment: ["TELEGRAM_BOT_TOKEN": "env-token"], file: file("platforms: {telegram: {enabled: false}}"))
        #expect(disabled.gateway.telegram == nil, "enabled: false wins over a token, as in Python")
    }

    @Test(
        "a bad file is refused at its line, with the key and the fix",
        arguments: [
            ("limits:\n  max_concurent_turns: 1", 2, "unknown key \"limits.max_concurent_turns\""),
            ("limits: {agent_idle_ttl: soon}", 1, "limits.agent_idle_ttl: \"soon\" is not a duration"),
            ("limits: {max_concurrent_turns: 0}", 1, "limits.max_concurrent_turns is 0; it must be at least 1"),
            ("platforms: {api_server: {extra: {port: 70000}}}", 1, "platforms.api_server.extra.port: 70000 is not a TCP port"),
            ("port: [", 2, "not valid YAML"),
            ("agent: {max_turns: ninety}", 1, "agent.max_turns"),
            ("terminal: hello", 1, "terminal must be a mapping of settings"),
            ("terminal:\n  backend: docker", 2, "terminal.backend: \"docker\" is not available here"),
            ("platforms: {webhook: {extra: {routes: {gh: {prompt: x}}}}}", 1, "platforms.webhook.extra.routes.gh.secret is missing"),
            ("platforms: {webhook: {extra: {routes: {telegram: {secret: s}}}}}", 1, "the name is taken by the Telegram webhook"),
            ("telegram: {bot_token: t, edit_interval: often}", 1, "telegram.edit_interval: \"often\" is not a duration"),
            ("model: {context_length: 8000}\ncompression: {threshold: 50}", 2, "compression.threshold is 50; it must be between 0.05 and 0.95"),
            ("model: {base_url: localhost:8000}", 1, "model.base_url: \"localhost:8000\" is not an http(s) URL"),
            ("model: {api_mode: anthropic_messages}", 1, "model.api_mode: \"anthropic_messages\" is not spoken here"),
            ("model: {provider: nous}", 1, "provider \"nous\" is not available here"),
            ("approvals: {timeout: soon}", 1, "approvals.timeout: \"soon\" is not a duration"),
            ("approvals: {timeout: -5}", 1, "approvals.timeout must not be negative"),
            ("approvals: {mode: maybe}", 1, "approvals.mode: \"maybe\" is not a mode"),
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
        try "platforms:\n  api_server:\n    extra: {port: 0, key: your_api_key_here}\n".write(
            toFile: file, atomically: true, encoding: .utf8)
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
        #expect(placeholder?.source == .file(file, line: 3), "a placeholder is refused whatever its length")
        #expect(try await refusal(["API_SERVER_KEY": "sixteen-chars!!!"], file: file) == nil, "the variable wins over the file")
    }

    @Test("each platform gets Python's own toolset unless platform_toolsets names one; --toolsets only narrows, disabled_toolsets subtracts")
    func platformToolsets() throws {
        let registry = ToolRegistry.builtIn()
        let defaults = try RuntimeSettings.resolve(environment: [:])
        for platform in ["cli", "api_server", "telegram"] {
            #expect(
                defaults.toolsets(for: platform, registry: registry) == ["file", "memory", "session_search", "skills", "terminal", "todo", "web"],
                "\(platform)")
        }
        #expect(defaults.toolsets(for: "webhook", registry: registry) == ["web"])
        #expect(defaults.toolsets(for: "somewhere", registry: registry).isEmpty, "a source with no toolset gets no tools")

        var narrowing = SettingsFlags()
        narrowing.toolsets = "todo,terminal"
        let narrowed = try RuntimeSettings.resolve(flags: narrowing, environment: [:])
        #expect(narrowed.toolsets(for: "api_server", registry: registry) == ["terminal", "todo"])
        #expect(narrowed.toolsets(for: "webhook", registry: registry).isEmpty, "narrowing never widens the webhook")

        narrowing.toolsets = "todo"
        let opened = try RuntimeSettings.resolve(
            flags: narrowing, environment: [:],
            file: file("platform_toolsets: {webhook: [web, terminal], telegram: [hermes-webhook]}"))
        #expect(opened.toolsets(for: "webhook", registry: registry) == ["terminal", "web"], "the operator opened it")
        #expect(opened.toolsets(for: "telegram", registry: registry) == ["web"], "a platform toolset by name")
        let disabled = try RuntimeSettings.resolve(
            environment: [:], file: file("agent: {disabled_toolsets: [terminal]}\nplatform_toolsets: {webhook: [web, terminal]}"))
        #expect(disabled.toolsets(for: "webhook", registry: registry) == ["web"], "subtracted last, as in Python")
        var flags = SettingsFlags()
        flags.toolsets = "hermes-api-server"
        #expect(try RuntimeSettings.resolve(flags: flags, environment: [:]).toolsets(for: "cli", registry: registry).count == 7)

        let unknown = #expect(throws: ConfigError.self) {
            try RuntimeSettings.resolve(environment: [:], file: file("platform_toolsets: {webhook: [hermes-shell]}"))
        }
        #expect(unknown?.message.contains("unknown toolset \"hermes-shell\"") == true)
        #expect(unknown?.message.contains("hermes-webhook") == true, "the known ones are listed")
    }
}
