import Foundation
import HermesAgent
import HermesConfig
import HermesGateway
import HermesTools

extension RuntimeSettings {
    /// The settings of one runtime, resolved once: `flags` first, then `environment` (an empty
    /// variable counts as unset), then the configuration `file`, then the defaults.
    ///
    /// A value that cannot be used is refused with a `ConfigError` naming where it came from
    /// (`--port`, `HERMES_BASE_URL`, `config.yaml:12`) and what to write instead.
    ///
    /// | setting | flag | environment | file |
    /// | --- | --- | --- | --- |
    /// | listen address | `--host`, `--port` | | `host`, `port` |
    /// | session database | `--db`, `--no-store` | `HERMES_DB`, `HERMES_HOME` | `db` |
    /// | API key | | `API_SERVER_KEY` | `api_key` |
    /// | model | `--base-url`, `--model` | `HERMES_BASE_URL`, `HERMES_API_KEY`, `HERMES_MODEL` | `model` |
    /// | tools | `--toolsets`, `--max-iterations` | | `agent`, `platform_toolsets` |
    /// | streaming | `--no-stream` | | |
    /// | compression | `--context-length` | | `compression` |
    /// | web tools | | `HERMES_WEB_BASE_URL`, `HERMES_WEB_API_KEY` (`TAVILY_API_KEY`) | `web` |
    /// | Telegram | | `TELEGRAM_BOT_TOKEN`, `TELEGRAM_WEBHOOK_SECRET`, `TELEGRAM_API_BASE_URL` | `telegram` |
    /// | who may talk | | `GATEWAY_ALLOW_ALL_USERS`, `GATEWAY_ALLOWED_USERS`, `TELEGRAM_ALLOW_ALL_USERS`, `TELEGRAM_ALLOWED_USERS`, `TELEGRAM_GROUP_ALLOWED_USERS`, `TELEGRAM_GROUP_ALLOWED_CHATS`; pairing under `HERMES_HOME` | |
    /// | safety | | `HERMES_YOLO_MODE`, `HOME`, `HERMES_HOME`, `SUDO_PASSWORD`, `HERMES_WRITE_SAFE_ROOT`, `HERMES_REDACT_SECRETS` | |
    public static func resolve(
        flags: SettingsFlags = SettingsFlags(), environment: [String: String], file: String? = nil
    ) throws(ConfigError) -> RuntimeSettings {
        var settings = RuntimeSettings()
        let toolsetNames = ToolRegistry.builtIn().knownToolsetNames
        var databasePath = try file.flatMap { path throws(ConfigError) in
            try settings.apply(file: path, toolsetNames: toolsetNames)
        }
        let variable = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func url(_ name: String) throws(ConfigError) -> String? {
            try variable(name).map { text throws(ConfigError) in try httpURL(text, source: .environment(name)) }
        }
        settings.yolo =
            variable("HERMES_YOLO_MODE").map { ["1", "true", "yes", "on"].contains($0.lowercased().trimmingCharacters(in: .whitespaces)) } ?? false
        settings.commandGuard = CommandGuard.forEnvironment(environment)
        settings.pathGuard = PathGuard.forEnvironment(environment)
        settings.redactor = Redactor.forEnvironment(environment)
        settings.gateway.access = AccessPolicy.fromEnvironment(environment)
        settings.gateway.pairingDirectory = PairingStore.directory(hermesHome: DatabaseLocation.hermesHome(environment))
        settings.commandAllowlistFile = DatabaseLocation.hermesHome(environment) + "/config.yaml"
        if let key = variable("API_SERVER_KEY") {
            settings.apiKey = key
            settings.apiKeySource = .environment("API_SERVER_KEY")
        }
        if let base = try url("HERMES_BASE_URL") { settings.model.baseURL = base }
        if let key = variable("HERMES_API_KEY") { settings.model.apiKey = key }
        if let name = variable("HERMES_MODEL") { settings.model.name = name }
        if let path = variable("HERMES_DB") { databasePath = path }
        if let base = try url("HERMES_WEB_BASE_URL") { settings.web.baseURL = base }
        if let key = variable("HERMES_WEB_API_KEY") ?? variable("TAVILY_API_KEY") { settings.web.apiKey = key }
        if let token = variable("TELEGRAM_BOT_TOKEN") {
            settings.gateway.telegram = settings.gateway.telegram ?? TelegramSettings(botToken: token)
            settings.gateway.telegram?.botToken = token
        }
        if let secret = variable("TELEGRAM_WEBHOOK_SECRET") { settings.gateway.telegram?.secretToken = secret }
        if let base = try url("TELEGRAM_API_BASE_URL") { settings.gateway.telegram?.apiBaseURL = base }

        if let host = flags.host { settings.gateway.host = host }
        if let port = flags.port {
            guard (0...65535).contains(port) else {
                throw ConfigError(.flag("--port"), "\(port) is not a TCP port; use 0...65535 (0 picks a free one)")
            }
            settings.gateway.port = port
        }
        if let path = flags.db { databasePath = path }
        if let base = flags.baseURL { settings.model.baseURL = try httpURL(base, source: .flag("--base-url")) }
        if let name = flags.model { settings.model.name = name }
        if let list = flags.toolsets {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            settings.toolsets = try toolsets(names, known: toolsetNames) { ConfigError(.flag("--toolsets"), $0) }
        }
        if let limit = flags.maxIterations {
            guard limit >= 1 else { throw ConfigError(.flag("--max-iterations"), "\(limit) must be at least 1") }
            settings.maxIterations = limit
        }
        if flags.noStream { settings.stream = false }
        if let length = flags.contextLength {
            guard length >= 256 else {
                throw ConfigError(
                    .flag("--context-length"), "\(length) is too small for a conversation; give the model's window, e.g. 128000")
            }
            var compression = settings.compression ?? CompressionSettings(contextLength: length)
            compression.contextLength = length
            settings.compression = compression
        }
        settings.databasePath = flags.noStore ? nil : DatabaseLocation.resolve(databasePath, environment: environment)
        return settings
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
