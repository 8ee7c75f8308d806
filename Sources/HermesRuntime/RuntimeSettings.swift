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
    /// The toolsets every platform is narrowed to (`--toolsets`); nil leaves
    /// each platform its own (`PlatformToolsets`: a webhook gets web only).
    public var toolsets: [String]?
    /// Toolsets by platform (`api_server`, `telegram`, `webhook`, `cli`), as the Python
    /// project's `platform_toolsets`: they replace the platform's own, and `toolsets` does not
    /// narrow them. Plain (`web`) and platform (`hermes-telegram`) toolsets may be named.
    public var platformToolsets: [String: [String]] = [:]
    /// Most model calls per turn (`agent.max_turns`, `HERMES_MAX_ITERATIONS`, `--max-turns`; 90).
    public var maxIterations = 90
    /// Toolsets taken out of every platform's (`agent.disabled_toolsets`).
    public var disabledToolsets: [String] = []
    /// The longest tool result the model is given, in characters (`limits.max_tool_result_characters`).
    public var maxToolResultCharacters = 100_000
    /// Python's ephemeral system prompt (`agent.system_prompt`, `HERMES_EPHEMERAL_SYSTEM_PROMPT`),
    /// sent after each session's own prompt and never stored; nil sends none.
    public var systemPrompt: String?
    /// `$HERMES_HOME`, whose `SOUL.md` and memories the system prompt reads; nil (settings
    /// resolved from an environment with neither `HERMES_HOME` nor `HOME`, as the harness's)
    /// reads none.
    public var hermesHome: String?
    /// The profile `hermesHome` belongs to (`default`, or its name), which the prompt names.
    public var profile = "default"
    /// `memory.*`: whether the memory and user-profile stores are on, and their limits.
    public var memory = MemoryConfiguration()
    /// `memory.nudge_interval` and `skills.creation_nudge_interval`: how often a background review
    /// of the memory and the skills follows a turn (Python's defaults, 10 and 10).
    public var reviewNudges = ReviewNudges()
    /// `$HOME`, which the prompt's environment hint names.
    public var userHome = NSHomeDirectory()
    /// `HERMES_ENVIRONMENT_HINT`, else `agent.environment_hint`: text the prompt adds to its
    /// environment hint.
    public var environmentHint: String?
    /// `agent.coding_context` (Python's `auto`): when the prompt takes the coding posture.
    public var codingContext = CodingContextMode.auto
    /// `agent.coding_instructions` (a text or a list, one line each): the coding posture's
    /// standing instructions; "" for none.
    public var codingInstructions = ""
    /// `agent.environment_probe` (on): whether the prompt names the Python toolchain's state.
    public var environmentProbe = true
    /// `HERMES_TIMEZONE` (else config.yaml's `timezone`): the zone of the prompt's date; nil is
    /// the machine's.
    public var timeZone: TimeZone?
    /// Whether model calls stream.
    public var stream = true
    /// Where the agents' tools work: relative paths resolve against it, the terminal starts in it.
    /// `hermes chat` keeps the directory it was started in (as Python's CLI does, whatever
    /// `terminal.cwd` says); `hermes gateway` uses `messagingWorkingDirectory`.
    public var workingDirectory = FileManager.default.currentDirectoryPath
    /// Where the gateway's agents work, as Python's gateway chooses it: `terminal.cwd` when it
    /// names a directory (not `.`, `auto` or `cwd`), else `MESSAGING_CWD`, else `$HOME`.
    public var messagingWorkingDirectory = FileManager.default.currentDirectoryPath
    /// How long a terminal command may run when the call gives no timeout (`terminal.timeout`,
    /// `TERMINAL_TIMEOUT`; 180 s).
    public var terminalTimeout: Duration = .seconds(180)
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

    /// The `config.yaml` that was read, if one was.
    public var configFile: String?
    /// The keys of `configFile` that nothing here reads, for `hermes config check`.
    public var unreadConfigKeys: [ConfigKeyNote] = []
    /// Where each setting of `hermes config show` came from (a flag, a variable, a file line),
    /// by its key; a key not here has its default.
    public var sources: [String: ConfigError.Source] = [:]

    /// `compression.enabled` (Python's default: on, once the context length is known).
    var compressionEnabled = true
    /// `compression.*` and `auxiliary.compression.*`, applied when the context length is known.
    var compressionTuning = CompressionSettings(contextLength: 256)
    /// `configuredWorkingDirectory`: `terminal.cwd`, when it names a directory.
    var configuredWorkingDirectory: String?
    /// `platforms.telegram.enabled: false`: no Telegram even with a token in the environment.
    var telegramDisabled = false
    /// config.yaml's `timezone`, an IANA name.
    var timeZoneName: String?
    /// `agent.environment_hint`, which `HERMES_ENVIRONMENT_HINT` overrides.
    var fileEnvironmentHint: String?

    /// The defaults (no model endpoint: that one has to be given).
    public init() {}

    /// The API server's key, or why it is refused, naming where it came from and how to make one:
    /// the gateway checks it before it serves (`HermesRuntime.makeGateway`), and `hermes gateway`
    /// before it opens anything.
    public func apiServerKey() throws(ConfigError) -> APIServerKey {
        let make =
            "make one with `openssl rand -hex 32` and set API_SERVER_KEY (in $HERMES_HOME/.env, or platforms.api_server.extra.key in config.yaml)"
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
    /// `platformToolsets` names for it, else the platform's own narrowed to `toolsets`; without
    /// `disabledToolsets` either way (Python subtracts them last).
    public func toolsets(for platform: String, registry: ToolRegistry) -> [String] {
        let disabled = Set(registry.plainToolsets(disabledToolsets))
        if let named = platformToolsets[platform] { return registry.plainToolsets(named).filter { !disabled.contains($0) } }
        let own = PlatformToolsets.defaultToolset(for: platform).map { registry.plainToolsets([$0]) } ?? []
        let allowed = toolsets.map { Set(registry.plainToolsets($0)) }
        return own.filter { !disabled.contains($0) && allowed?.contains($0) != false }
    }
}

/// The model endpoint the agents call.
public struct ModelSettings: Sendable, Hashable {
    /// The API root, e.g. `http://127.0.0.1:8000/v1` (`--base-url`, `HERMES_BASE_URL`,
    /// `CUSTOM_BASE_URL`, `model.base_url`, a `providers:` entry); required to start a runtime.
    public var baseURL: String?
    /// Sent as `Authorization: Bearer …` (`HERMES_API_KEY`, `model.api_key`, the entry's
    /// `api_key`/`key_env`, else the variable of the endpoint's host, as Python finds it).
    public var apiKey: String?
    /// The model name sent (`--model`, `HERMES_MODEL`, `model.default`, the entry's `default_model`).
    public var name = "hermes"
    /// The provider it was chosen by (`model.provider`, `--provider`): `custom`, `openrouter`,
    /// or the name of a `providers:` entry.
    public var provider = "custom"

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
    /// `--max-turns` (`--max-iterations`).
    public var maxIterations: Int?
    /// `--provider`.
    public var provider: String?
    /// `--no-stream`.
    public var noStream = false
    /// `--context-length`: turns compression on for a model of that window.
    public var contextLength: Int?

    /// No flags.
    public init() {}
}
