import Foundation
import HermesAgent
import HermesConfig
import HermesGateway
import HermesTools

extension RuntimeSettings {
    /// The settings of one runtime, resolved once: `flags` first, then `environment` (an empty
    /// variable counts as unset), then the configuration `file` (the Python project's
    /// `config.yaml`, read as `apply(file:)` says), then the defaults. One exception follows
    /// Python: `agent.max_turns` in the file beats `HERMES_MAX_ITERATIONS`, and `terminal.timeout`
    /// beats `TERMINAL_TIMEOUT`, since Python's gateway exports them over the environment.
    ///
    /// A value that cannot be used is refused with a `ConfigError` naming where it came from
    /// (`--port`, `HERMES_BASE_URL`, `config.yaml:12`) and what to write instead.
    ///
    /// | setting | flag | environment | file |
    /// | --- | --- | --- | --- |
    /// | listen address | `--host`, `--port` | `API_SERVER_HOST`, `API_SERVER_PORT` | `platforms.api_server.extra.host`, `.port` |
    /// | session database | `--db`, `--no-store` | `HERMES_DB`, `HERMES_HOME` | `db` |
    /// | API key | | `API_SERVER_KEY` | `platforms.api_server.extra.key` |
    /// | model | `--base-url`, `--model`, `--provider` | `HERMES_BASE_URL`, `CUSTOM_BASE_URL`, `HERMES_API_KEY`, `HERMES_MODEL`, `HERMES_INFERENCE_PROVIDER`, the host's `…_API_KEY` | `model`, `providers`, `custom_providers` |
    /// | tools | `--toolsets`, `--max-turns` | `HERMES_MAX_ITERATIONS` | `agent.max_turns`, `agent.disabled_toolsets`, `platform_toolsets` |
    /// | terminal | | `TERMINAL_TIMEOUT`, `MESSAGING_CWD` | `terminal.backend`, `.cwd`, `.timeout` |
    /// | process notifications | | `HERMES_BACKGROUND_NOTIFICATIONS` | `display.background_process_notifications` |
    /// | streaming | `--no-stream` | | |
    /// | compression | `--context-length` | | `compression`, `auxiliary.compression`, `model.context_length` |
    /// | web tools | | `HERMES_WEB_BASE_URL`, `HERMES_WEB_API_KEY` (`TAVILY_API_KEY`) | `web` |
    /// | Telegram | | `TELEGRAM_BOT_TOKEN`, `TELEGRAM_WEBHOOK_SECRET`, `TELEGRAM_API_BASE_URL` | `platforms.telegram`, `telegram` |
    /// | who may talk | | `GATEWAY_ALLOW_ALL_USERS`, `GATEWAY_ALLOWED_USERS`, `TELEGRAM_ALLOW_ALL_USERS`, `TELEGRAM_ALLOWED_USERS`, `TELEGRAM_GROUP_ALLOWED_USERS`, `TELEGRAM_GROUP_ALLOWED_CHATS`; pairing under `HERMES_HOME` | |
    /// | system prompt | | `HERMES_ENVIRONMENT_HINT`, `HERMES_EPHEMERAL_SYSTEM_PROMPT`, `HERMES_TIMEZONE` | `agent.environment_hint`, `.system_prompt`, `.coding_context`, `.coding_instructions`, `.environment_probe`, `timezone` |
    /// | safety | | `HERMES_YOLO_MODE`, `HOME`, `HERMES_HOME`, `SUDO_PASSWORD`, `HERMES_WRITE_SAFE_ROOT`, `HERMES_REDACT_SECRETS` | `approvals`, `command_allowlist` |
    public static func resolve(
        flags: SettingsFlags = SettingsFlags(), environment: [String: String], file: String? = nil
    ) throws(ConfigError) -> RuntimeSettings {
        var settings = RuntimeSettings()
        let toolsetNames = ToolRegistry.builtIn().knownToolsetNames
        let variable = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let maxTurnsVariable = try variable("HERMES_MAX_ITERATIONS").map { text throws(ConfigError) in
            guard let turns = Int(text), turns >= 1 else {
                throw ConfigError(.environment("HERMES_MAX_ITERATIONS"), "\"\(text)\" must be a whole number of at least 1")
            }
            return turns
        }
        if let turns = maxTurnsVariable {
            settings.maxIterations = turns
            settings.sources["agent.max_turns"] = .environment("HERMES_MAX_ITERATIONS")
        }
        if let text = variable("TERMINAL_TIMEOUT") {
            guard let seconds = Int(text), seconds >= 1 else {
                throw ConfigError(
                    .environment("TERMINAL_TIMEOUT"),
                    "Invalid value for TERMINAL_TIMEOUT: '\(text)' (expected integer). Check ~/.hermes/.env or environment variables.")
            }
            settings.terminalTimeout = .seconds(seconds)
            settings.sources["terminal.timeout"] = .environment("TERMINAL_TIMEOUT")
        }
        var fileModel = FileModel()
        var databasePath: String?
        if let file {
            (fileModel, databasePath) = try settings.apply(file: file, environment: environment, toolsetNames: toolsetNames)
        }
        // Python's gateway reads the variable before the file.
        if let text = variable("HERMES_BACKGROUND_NOTIFICATIONS") {
            guard let mode = backgroundNotifications(text) else {
                throw ConfigError(.environment("HERMES_BACKGROUND_NOTIFICATIONS"), notAMode(text))
            }
            settings.gateway.backgroundNotifications = mode
            settings.sources["display.background_process_notifications"] = .environment("HERMES_BACKGROUND_NOTIFICATIONS")
        }
        func url(_ name: String) throws(ConfigError) -> String? {
            try variable(name).map { text throws(ConfigError) in try httpURL(text, source: .environment(name)) }
        }
        if ["1", "true", "yes", "on"].contains(variable("HERMES_YOLO_MODE")?.lowercased().trimmingCharacters(in: .whitespaces)) {
            settings.yolo = true
            settings.sources["approvals.mode"] = .environment("HERMES_YOLO_MODE")
        }
        settings.commandGuard = CommandGuard.forEnvironment(environment)
        settings.pathGuard = PathGuard.forEnvironment(environment)
        settings.redactor = Redactor.forEnvironment(environment)
        settings.gateway.access = AccessPolicy.fromEnvironment(environment)
        let home = HermesHome.unprofiled(environment)
        if variable("HERMES_HOME") != nil || variable("HOME") != nil {
            settings.hermesHome = home.path
            settings.profile = home.profile == "custom" ? "default" : home.profile
        }
        if let path = variable("HOME") { settings.userHome = path }
        // Python's embedder variable wins over the file's key; a hint of spaces counts as none.
        settings.environmentHint = [variable("HERMES_ENVIRONMENT_HINT"), settings.fileEnvironmentHint].compactMap { $0 }
            .first { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        if let prompt = environment["HERMES_EPHEMERAL_SYSTEM_PROMPT"], !prompt.isEmpty {
            settings.systemPrompt = prompt
            settings.sources["agent.system_prompt"] = .environment("HERMES_EPHEMERAL_SYSTEM_PROMPT")
        }
        if let zone = variable("HERMES_TIMEZONE") {
            settings.timeZoneName = zone
            settings.sources["timezone"] = .environment("HERMES_TIMEZONE")
        }
        settings.timeZone = settings.timeZoneName.flatMap(TimeZone.init(identifier:))
        settings.gateway.pairingDirectory = PairingStore.directory(hermesHome: home.path)
        settings.commandAllowlistFile = home.configFile
        settings.messagingWorkingDirectory =
            settings.configuredWorkingDirectory ?? variable("MESSAGING_CWD") ?? variable("HOME") ?? NSHomeDirectory()
        if let key = variable("API_SERVER_KEY") {
            settings.apiKey = key
            settings.apiKeySource = .environment("API_SERVER_KEY")
        }
        if let host = variable("API_SERVER_HOST") {
            settings.gateway.host = host
            settings.sources["api_server.host"] = .environment("API_SERVER_HOST")
        }
        if let text = variable("API_SERVER_PORT") {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ConfigError(.environment("API_SERVER_PORT"), "\"\(text)\" is not a TCP port; use 0...65535 (0 picks a free one)")
            }
            settings.gateway.port = port
            settings.sources["api_server.port"] = .environment("API_SERVER_PORT")
        }
        if let name = variable("API_SERVER_MODEL_NAME") {
            settings.gateway.advertisedModel = name
            settings.sources["api_server.model_name"] = .environment("API_SERVER_MODEL_NAME")
        }
        if let path = variable("HERMES_DB") {
            databasePath = path
            settings.sources["db"] = .environment("HERMES_DB")
        }
        if let base = try url("HERMES_WEB_BASE_URL") { settings.web.baseURL = base }
        if let key = variable("HERMES_WEB_API_KEY") ?? variable("TAVILY_API_KEY") { settings.web.apiKey = key }
        if let token = variable("TELEGRAM_BOT_TOKEN") {
            settings.gateway.telegram = settings.gateway.telegram ?? TelegramSettings(botToken: token)
            settings.gateway.telegram?.botToken = token
            settings.sources["telegram"] = .environment("TELEGRAM_BOT_TOKEN")
        }
        if let secret = variable("TELEGRAM_WEBHOOK_SECRET") { settings.gateway.telegram?.secretToken = secret }
        if let base = try url("TELEGRAM_API_BASE_URL") { settings.gateway.telegram?.apiBaseURL = base }
        if settings.telegramDisabled {
            settings.gateway.telegram = nil
            settings.sources["telegram"] = nil
        }

        if let host = flags.host {
            settings.gateway.host = host
            settings.sources["api_server.host"] = .flag("--host")
        }
        if let port = flags.port {
            guard (0...65535).contains(port) else {
                throw ConfigError(.flag("--port"), "\(port) is not a TCP port; use 0...65535 (0 picks a free one)")
            }
            settings.gateway.port = port
            settings.sources["api_server.port"] = .flag("--port")
        }
        if let path = flags.db {
            databasePath = path
            settings.sources["db"] = .flag("--db")
        }
        let contextLength = try settings.resolveModel(fileModel, flags: flags, variable: variable)
        if let list = flags.toolsets {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            settings.toolsets = try toolsets(names, known: toolsetNames) { ConfigError(.flag("--toolsets"), $0) }
            settings.sources["toolsets"] = .flag("--toolsets")
        }
        if let limit = flags.maxIterations {
            guard limit >= 1 else { throw ConfigError(.flag("--max-turns"), "\(limit) must be at least 1") }
            settings.maxIterations = limit
            settings.sources["agent.max_turns"] = .flag("--max-turns")
        }
        if flags.noStream { settings.stream = false }
        if let length = flags.contextLength {
            guard length >= 256 else {
                throw ConfigError(
                    .flag("--context-length"), "\(length) is too small for a conversation; give the model's window, e.g. 128000")
            }
            settings.sources["model.context_length"] = .flag("--context-length")
        }
        if let length = flags.contextLength ?? (settings.compressionEnabled ? contextLength : nil) {
            var compression = settings.compressionTuning
            compression.contextLength = length
            settings.compression = compression
            settings.sources["compression"] = settings.sources["model.context_length"]
        }
        settings.databasePath = flags.noStore ? nil : DatabaseLocation.resolve(databasePath, environment: environment)
        return settings
    }

    /// The model endpoint, as Python's `runtime_provider` picks it for an OpenAI-compatible
    /// one: the provider (`--provider`, `model.provider`, `HERMES_INFERENCE_PROVIDER`, else
    /// `auto`) chooses the URL (`custom`/`auto`: `CUSTOM_BASE_URL`, else `model.base_url`;
    /// `openrouter`: OpenRouter's; a `providers:` entry: its `api`), and the key is the one
    /// given, else the variable of the URL's host (`OPENROUTER_API_KEY` for openrouter.ai,
    /// `OPENAI_API_KEY` for openai.com, `DEEPSEEK_API_KEY` for api.deepseek.com). Our own
    /// `HERMES_BASE_URL`, `HERMES_API_KEY`, `HERMES_MODEL` and the flags win over all of it.
    /// Returns the model's context length when the file gives one.
    private mutating func resolveModel(
        _ file: FileModel, flags: SettingsFlags, variable: (String) -> String?
    ) throws(ConfigError) -> Int? {
        let (provider, providerSource): (String, ConfigError.Source) =
            if let name = flags.provider { (name, .flag("--provider")) } else if let name = file.provider {
                (name, file.providerSource ?? .setting("model.provider"))
            } else if let name = variable("HERMES_INFERENCE_PROVIDER") {
                (name, .environment("HERMES_INFERENCE_PROVIDER"))
            } else { ("auto", .setting("model.provider")) }
        let chosen = provider.lowercased().trimmingCharacters(in: .whitespaces)
        var base: (String, ConfigError.Source)?
        var (key, keySource) = (file.apiKey, file.apiKeySource)
        var (name, nameSource) = (file.name, file.nameSource)
        var (contextLength, contextSource) = (file.contextLength, file.contextLengthSource)
        let openRouter = "https://openrouter.ai/api/v1"
        switch chosen {
        case "auto", "", "custom", "ollama", "vllm", "llamacpp", "llama.cpp":
            model.provider = "custom"
            if let url = variable("CUSTOM_BASE_URL") {
                base = (url, .environment("CUSTOM_BASE_URL"))
            } else {
                base = file.baseURL
            }
            if base == nil, chosen == "auto", variable("OPENROUTER_API_KEY") ?? variable("OPENAI_API_KEY") != nil {
                base = (variable("OPENROUTER_BASE_URL") ?? openRouter, .environment("OPENROUTER_API_KEY"))
                model.provider = "openrouter"
            }
        case "openrouter":
            model.provider = "openrouter"
            base = (variable("OPENROUTER_BASE_URL") ?? openRouter, providerSource)
        default:
            let wanted = chosen.hasPrefix("custom:") ? String(chosen.dropFirst("custom:".count)) : chosen
            guard let entry = file.providers[wanted] ?? file.providers[wanted.replacingOccurrences(of: " ", with: "-")] else {
                let declared = Set(file.providers.values.map(\.name)).sorted()
                throw ConfigError(
                    providerSource,
                    "provider \"\(provider)\" is not available here: this runtime calls OpenAI-compatible chat completions endpoints. "
                        + (declared.isEmpty
                            ? "Use provider: custom with model.base_url, or declare the endpoint under providers: (api:, api_key:)"
                            : "Declared providers: \(declared.joined(separator: ", ")); or use provider: custom with model.base_url"))
            }
            model.provider = entry.name
            base = (entry.baseURL, entry.source)
            if entry.apiKey != nil { (key, keySource) = (entry.apiKey, entry.apiKeySource) }
            if name == nil { (name, nameSource) = (entry.model, entry.modelSource) }
            if contextLength == nil { (contextLength, contextSource) = (entry.contextLength, entry.contextLengthSource) }
        }
        sources["model.provider"] = chosen == "auto" || chosen.isEmpty ? nil : providerSource
        if let (url, source) = base {
            model.baseURL = try Self.httpURL(url, source: source, key: source.isFile ? "model.base_url" : nil)
            sources["model.base_url"] = source
        }
        if let url = variable("HERMES_BASE_URL") {
            model.baseURL = try Self.httpURL(url, source: .environment("HERMES_BASE_URL"))
            sources["model.base_url"] = .environment("HERMES_BASE_URL")
        }
        if let url = flags.baseURL {
            model.baseURL = try Self.httpURL(url, source: .flag("--base-url"))
            sources["model.base_url"] = .flag("--base-url")
        }
        if let given = variable("HERMES_API_KEY") {
            model.apiKey = given
            sources["model.api_key"] = .environment("HERMES_API_KEY")
        } else if let key, !key.isEmpty {
            model.apiKey = key
            sources["model.api_key"] = keySource
        } else if let url = model.baseURL, let (variableName, value) = Self.hostKey(for: url, variable: variable) {
            model.apiKey = value
            sources["model.api_key"] = .environment(variableName)
        }
        if let given = flags.model {
            model.name = given
            sources["model.default"] = .flag("--model")
        } else if let given = variable("HERMES_MODEL") {
            model.name = given
            sources["model.default"] = .environment("HERMES_MODEL")
        } else if let name {
            model.name = name
            sources["model.default"] = nameSource
        }
        if contextLength != nil { sources["model.context_length"] = contextSource }
        return contextLength
    }

    /// The variable that holds the key of the endpoint at `url`, and its value, as Python
    /// chooses it: OpenRouter's and OpenAI's keys go to their own hosts only; another host
    /// `api.VENDOR.tld` uses `VENDOR_API_KEY`; a loopback or numeric host none.
    package static func hostKey(for url: String, variable: (String) -> String?) -> (String, String)? {
        guard let host = URL(string: url)?.host?.lowercased() else { return nil }
        if host == "openrouter.ai" || host.hasSuffix(".openrouter.ai") {
            for name in ["OPENROUTER_API_KEY", "OPENAI_API_KEY"] {
                if let value = variable(name) { return (name, value) }
            }
            return nil
        }
        if host == "api.openai.com" || host.hasSuffix(".openai.com") || host.hasSuffix(".openai.azure.com") {
            return variable("OPENAI_API_KEY").map { ("OPENAI_API_KEY", $0) }
        }
        var labels = host.split(separator: ".").map(String.init)
        guard let last = labels.last, last.first?.isNumber == false, host != "localhost", !host.contains(":") else { return nil }
        while let first = labels.first, first == "api" || first == "www" { labels.removeFirst() }
        guard labels.count >= 2 else { return nil }
        let vendor = String(labels[labels.count - 2].map { $0.isLetter || $0.isNumber ? Character($0.uppercased()) : "_" })
        guard vendor.first?.isLetter == true, !["OPENAI", "OPENROUTER", "OLLAMA"].contains(vendor) else { return nil }
        let name = vendor + "_API_KEY"
        return variable(name).map { (name, $0) }
    }

    /// `names` when every one is a known toolset; else `error` with the unknown one and the known ones.
    static func toolsets(
        _ names: [String], known: Set<String>, error: (String) -> ConfigError
    ) throws(ConfigError) -> [String] {
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw error("unknown toolset \"\(unknown)\"; known toolsets: \(known.sorted().joined(separator: ", "))")
        }
        return names
    }

    /// `text` when it is an http(s) URL with a host; else an error from `source` (naming `key`,
    /// the setting in a file).
    static func httpURL(_ text: String, source: ConfigError.Source, key: String? = nil) throws(ConfigError) -> String {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            let setting = key.map { "\($0): " } ?? ""
            throw ConfigError(source, "\(setting)\"\(text)\" is not an http(s) URL; write e.g. http://127.0.0.1:8000/v1")
        }
        return text
    }
}
