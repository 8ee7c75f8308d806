import Foundation
import HermesAgent
import HermesConfig
import HermesGateway
import HermesTools

/// Everything the runtime is assembled from, resolved once by `resolve(flags:environment:file:)`
/// in one precedence for every entry point: flags first, then the environment, then the
/// configuration file, then the defaults. `hermes gateway`, `hermes chat`, the harness's
/// in-process targets and the tests all build their runtime from a value of this type.
public struct RuntimeSettings: Sendable {
    /// Listening, limits, platforms.
    public var gateway = GatewayConfiguration()
    /// The API server's bearer key (`API_SERVER_KEY`, `api_key:`); the gateway refuses to start
    /// without a usable one (`APIServerKey`). `hermes chat` needs none.
    public var apiKey: String?
    /// Where `apiKey` came from, to name it when it is refused.
    public var apiKeySource = ConfigError.Source.environment("API_SERVER_KEY")
    /// The session database's path, resolved (`--db`, `HERMES_DB`, `db:`, else
    /// `$HERMES_HOME/state.db`); nil records nothing (`hermes chat --no-store`, the harness's
    /// agent target).
    public var databasePath: String?
    /// The OpenAI-compatible model endpoint.
    public var model = ModelSettings()
    /// The toolsets every platform is narrowed to (`--toolsets`, `agent.toolsets`); nil leaves
    /// each platform its own (`PlatformToolsets`: a webhook gets web only).
    public var toolsets: [String]?
    /// Toolsets by platform (`api_server`, `telegram`, `webhook`, `cli`), as the Python
    /// project's `platform_toolsets`: they replace the platform's own, and `toolsets` does not
    /// narrow them. Plain (`web`) and platform (`hermes-telegram`) toolsets may be named.
    public var platformToolsets: [String: [String]] = [:]
    /// Most model calls per turn.
    public var maxIterations = 90
    /// The longest tool result the model is given, in characters (`limits.max_tool_result_characters`).
    public var maxToolResultCharacters = 100_000
    /// The agents' system prompt; nil keeps the default.
    public var systemPrompt: String?
    /// Whether model calls stream.
    public var stream = true
    /// Where the agents' tools work: relative paths resolve against it, the terminal starts in it.
    public var workingDirectory = FileManager.default.currentDirectoryPath
    /// The web tools' Tavily-compatible API.
    public var web = WebConfiguration()
    /// Context compression, on when the model's context length is given.
    public var compression: CompressionSettings?
    /// `HERMES_YOLO_MODE`: dangerous terminal commands run without approval (hardline ones never
    /// do). Read once, when the settings are resolved, so nothing a turn runs can turn it on.
    public var yolo = false
    /// How long a chat turn's dangerous command waits for `/approve` or `/deny` before it is
    /// refused (`approvals.timeout`, Python's 60 s).
    public var approvalTimeout: Duration = .seconds(60)
    /// The Python project's `config.yaml` (`$HERMES_HOME/config.yaml`), whose `command_allowlist`
    /// holds the kinds of dangerous command approved always; nil keeps them in memory only.
    public var commandAllowlistFile: String?
    /// What the terminal tool refuses or asks about, with this process's home folded in.
    public var commandGuard = CommandGuard(home: nil, hermesHome: nil)
    /// Where the file tools refuse to write, with this process's home folded in.
    public var pathGuard = PathGuard(home: nil, hermesHome: nil)
    /// Masks secrets in tool output and file content (`HERMES_REDACT_SECRETS=false` turns it off).
    public var redactor = Redactor()

    /// The defaults (no model endpoint: that one has to be given).
    public init() {}

    /// The API server's key, or why it is refused, naming where it came from and how to make one:
    /// the gateway checks it before it serves (`HermesRuntime.makeGateway`), and `hermes gateway`
    /// before it opens anything.
    public func apiServerKey() throws(ConfigError) -> APIServerKey {
        let make =
            "make one with `openssl rand -hex 32` and set API_SERVER_KEY (or api_key: in the --config file)"
        do {
            return try APIServerKey(apiKey)
        } catch {
            switch error {
            case .missing:
                throw ConfigError(
                    apiKeySource,
                    "no API key: the API server runs agents with the terminal and file tools and refuses to start without one, on loopback too; \(make)"
                )
            case .weak:
                throw ConfigError(
                    apiKeySource,
                    "the API key is a placeholder or shorter than \(APIServerKey.minimumLength) characters, and a guessable key is remote code execution here; \(make)"
                )
            }
        }
    }

    /// The plain toolsets of agents serving `platform` (a session's source), sorted: the ones
    /// `platformToolsets` names for it, else the platform's own narrowed to `toolsets`.
    public func toolsets(for platform: String, registry: ToolRegistry) -> [String] {
        if let named = platformToolsets[platform] { return registry.plainToolsets(named) }
        let own = PlatformToolsets.defaultToolset(for: platform).map { registry.plainToolsets([$0]) } ?? []
        guard let toolsets else { return own }
        let allowed = Set(registry.plainToolsets(toolsets))
        return own.filter(allowed.contains)
    }
}

/// The model endpoint the agents call.
public struct ModelSettings: Sendable, Hashable {
    /// The API root, e.g. `http://127.0.0.1:8000/v1` (`HERMES_BASE_URL`, `model.base_url`,
    /// `--base-url`); required to start a runtime.
    public var baseURL: String?
    /// Sent as `Authorization: Bearer …` (`HERMES_API_KEY`, `model.api_key`).
    public var apiKey: String?
    /// The model name sent (`HERMES_MODEL`, `model.name`, `--model`).
    public var name = "hermes"

    /// Makes settings.
    public init(baseURL: String? = nil, apiKey: String? = nil, name: String = "hermes") {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.name = name
    }
}

/// The command-line options that settings take, as the executables parse them; nil (or false)
/// leaves the setting to the environment, the file and the defaults.
public struct SettingsFlags: Sendable {
    /// `--host`.
    public var host: String?
    /// `--port`.
    public var port: Int?
    /// `--db`.
    public var db: String?
    /// `--no-store`: record nothing.
    public var noStore = false
    /// `--base-url`.
    public var baseURL: String?
    /// `--model`.
    public var model: String?
    /// `--toolsets`, comma-separated.
    public var toolsets: String?
    /// `--max-iterations`.
    public var maxIterations: Int?
    /// `--no-stream`.
    public var noStream = false
    /// `--context-length`: turns compression on for a model of that window.
    public var contextLength: Int?

    /// No flags.
    public init() {}
}
