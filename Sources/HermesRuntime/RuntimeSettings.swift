import Foundation
import HermesAgent
import HermesGateway
import HermesTools

/// Everything the runtime is assembled from, resolved once by `resolve(flags:environment:file:)`
/// in one precedence for every entry point: flags first, then the environment, then the
/// configuration file, then the defaults. `hermes gateway`, `hermes chat`, the harness's
/// in-process targets and the tests all build their runtime from a value of this type.
public struct RuntimeSettings: Sendable {
    /// Listening, authentication, limits, platforms.
    public var gateway = GatewayConfiguration()
    /// The session database's path, resolved (`--db`, `HERMES_DB`, `db:`, else
    /// `$HERMES_HOME/state.db`); nil records nothing (`hermes chat --no-store`, the harness's
    /// agent target).
    public var databasePath: String?
    /// The OpenAI-compatible model endpoint.
    public var model = ModelSettings()
    /// Toolsets the agents may use, unless `platformToolsets` names the platform.
    public var toolsets = ["terminal", "file", "web", "todo"]
    /// Toolsets by platform (`api_server`, `telegram`, `webhook`, `cli`), as the Python
    /// project's `platform_toolsets`.
    public var platformToolsets: [String: [String]] = [:]
    /// Most model calls per turn.
    public var maxIterations = 90
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

    /// The defaults (no model endpoint: that one has to be given).
    public init() {}

    /// The toolsets of agents serving `platform` (a session's source).
    public func toolsets(for platform: String) -> [String] {
        platformToolsets[platform] ?? toolsets
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
