import Foundation
import HermesAgent
import HermesCore
import Yams

/// Everything `hermes gateway` needs, from a YAML file, the environment and flags (flags win,
/// then the environment, then the file, then the defaults).
///
/// ```yaml
/// host: 127.0.0.1
/// port: 8642
/// db: ~/.hermes/state.db
/// api_key: secret                 # or API_SERVER_KEY
/// model: {base_url: http://127.0.0.1:8000/v1, api_key: sk-..., name: hermes}
/// agent: {toolsets: [terminal, file, web, todo], max_iterations: 90, system_prompt: "..."}
/// limits: {max_body_bytes: 10000000, max_concurrent_turns: 64, max_queued_per_session: 16, max_pending_turns: 4096,
///          retry_after_seconds: 1, agent_cache_size: 128, agent_idle_ttl: 1h, shutdown_grace_period: 30s}
/// web: {base_url: https://api.tavily.com, api_key: tvly-...}
/// telegram: {bot_token: "123:abc", secret_token: s3cret, api_base_url: https://api.telegram.org, edit_interval: 1s}
/// webhooks: {github: {secret: s3cret, prompt: "Review {pull_request.title}", events: [pull_request]}}
/// compression: {context_length: 128000, threshold: 0.5, protect_first: 3, protect_last: 20, target_ratio: 0.2,
///               summary_model: null, summary_timeout: 60s, failure_cooldown: 10m}
/// ```
public struct GatewaySettings: Sendable {
    /// Listening, limits and scheduling.
    public var gateway = GatewayConfiguration()
    /// The session database; `nil` means `HERMES_DB`, `$HERMES_HOME/state.db` or `~/.hermes/state.db`.
    public var databasePath: String?
    /// The OpenAI-compatible model endpoint (`HERMES_BASE_URL`).
    public var modelBaseURL: String?
    /// Its key (`HERMES_API_KEY`).
    public var modelAPIKey: String?
    /// The model name sent to it (`HERMES_MODEL`).
    public var modelName = "hermes"
    /// Toolsets the agents may use.
    public var toolsets = ["terminal", "file", "web", "todo"]
    /// Most model calls per turn.
    public var maxIterations = 90
    /// The agents' system prompt; `nil` keeps the default.
    public var systemPrompt: String?
    /// The web tools' Tavily-compatible API (`HERMES_WEB_BASE_URL`).
    public var webBaseURL: String?
    /// Its key (`HERMES_WEB_API_KEY` or `TAVILY_API_KEY`).
    public var webAPIKey: String?
    /// Context compression, on when the model's context length is given.
    public var compression: CompressionSettings?

    /// The defaults.
    public init() {}

    /// Settings from `file` (when given) overlaid with `environment`.
    public static func load(file: String?, environment: [String: String]) throws(GatewayError) -> GatewaySettings {
        var settings = GatewaySettings()
        if let file { try settings.apply(file: file) }
        let env = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let key = env("API_SERVER_KEY") { settings.gateway.apiKey = key }
        if let url = env("HERMES_BASE_URL") { settings.modelBaseURL = url }
        if let key = env("HERMES_API_KEY") { settings.modelAPIKey = key }
        if let name = env("HERMES_MODEL") { settings.modelName = name }
        if let path = env("HERMES_DB") { settings.databasePath = path }
        if let url = env("HERMES_WEB_BASE_URL") { settings.webBaseURL = url }
        if let key = env("HERMES_WEB_API_KEY") ?? env("TAVILY_API_KEY") { settings.webAPIKey = key }
        if let token = env("TELEGRAM_BOT_TOKEN") {
            settings.gateway.telegram = settings.gateway.telegram ?? TelegramSettings(botToken: token)
            settings.gateway.telegram?.botToken = token
        }
        if let secret = env("TELEGRAM_WEBHOOK_SECRET") { settings.gateway.telegram?.secretToken = secret }
        if let url = env("TELEGRAM_API_BASE_URL") { settings.gateway.telegram?.apiBaseURL = url }
        return settings
    }

    private mutating func apply(file path: String) throws(GatewayError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw GatewayError(.configuration, "\(path): cannot read the configuration file (\(error.localizedDescription))")
        }
        let file: FileSettings
        do {
            file = try YAMLDecoder().decode(FileSettings.self, from: text.isEmpty ? "{}" : text)
        } catch let error as GatewayError {
            throw GatewayError(.configuration, "\(path): \(error.message)")
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, let ours = context.underlyingError as? GatewayError {
                throw GatewayError(.configuration, "\(path): \(ours.message)")
            }
            throw GatewayError(.configuration, "\(path): \(error.shortDescription)")
        } catch {
            throw GatewayError(.configuration, "\(path): not valid YAML: \(error)")
        }
        file.apply(to: &self)
    }
}

/// The file's shape; every key optional, unknown keys refused with the allowed ones named.
private struct FileSettings: Decodable {
    var host: String?
    var port: Int?
    var db: String?
    var apiKey: String?
    var advertisedModel: String?
    var model: Model?
    var agent: Agent?
    var limits: Limits?
    var compression: Compression?
    var web: Web?
    var telegram: Telegram?
    var webhooks: [String: Webhook]?

    struct Telegram: Decodable {
        var settings: TelegramSettings

        init(from decoder: any Decoder) throws {
            try check(decoder, ["bot_token", "secret_token", "api_base_url", "edit_interval"])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            guard let token = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "bot_token")) else {
                throw GatewayError(.configuration, "telegram.bot_token is missing; write the token BotFather gave you")
            }
            settings = TelegramSettings(botToken: token)
            settings.secretToken = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "secret_token"))
            if let url = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "api_base_url")) {
                settings.apiBaseURL = url
            }
            if let interval = try duration(keys, "edit_interval") { settings.editInterval = interval }
        }
    }

    struct Webhook: Decodable {
        var route: WebhookRoute

        init(from decoder: any Decoder) throws {
            try check(decoder, ["secret", "prompt", "events"])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            let path = decoder.codingPath.map(\.stringValue).joined(separator: ".")
            guard let secret = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "secret")), !secret.isEmpty
            else {
                throw GatewayError(.configuration, "\(path).secret is missing; every webhook route needs its HMAC secret")
            }
            route = WebhookRoute(
                secret: secret, prompt: try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "prompt")) ?? "",
                events: try keys.decodeIfPresent([String].self, forKey: .init(stringValue: "events")) ?? [])
        }
    }

    struct Model: Decodable {
        var baseURL: String?
        var apiKey: String?
        var name: String?

        init(from decoder: any Decoder) throws {
            try check(decoder, ["base_url", "api_key", "name"])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            baseURL = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "base_url"))
            apiKey = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "api_key"))
            name = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "name"))
        }
    }

    struct Agent: Decodable {
        var toolsets: [String]?
        var maxIterations: Int?
        var systemPrompt: String?

        init(from decoder: any Decoder) throws {
            try check(decoder, ["toolsets", "max_iterations", "system_prompt"])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            toolsets = try keys.decodeIfPresent([String].self, forKey: .init(stringValue: "toolsets"))
            maxIterations = try positive(keys, "max_iterations")
            systemPrompt = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "system_prompt"))
        }
    }

    struct Compression: Decodable {
        var settings: CompressionSettings

        init(from decoder: any Decoder) throws {
            try check(decoder, [
                "context_length", "threshold", "protect_first", "protect_last", "target_ratio", "summary_model",
                "summary_timeout", "failure_cooldown",
            ])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            guard let contextLength = try positive(keys, "context_length") else {
                throw GatewayError(
                    .configuration, "compression.context_length is missing: give the model's context window in tokens, e.g. 128000")
            }
            settings = CompressionSettings(contextLength: contextLength)
            if let threshold = try keys.decodeIfPresent(Double.self, forKey: .init(stringValue: "threshold")) {
                guard threshold > 0, threshold < 1 else {
                    throw GatewayError(.configuration, "compression.threshold: \(threshold) must be a fraction between 0 and 1, e.g. 0.5")
                }
                settings.thresholdPercent = threshold
            }
            if let first = try positive(keys, "protect_first", allowZero: true) { settings.protectFirst = first }
            if let last = try positive(keys, "protect_last", allowZero: true) { settings.protectLast = last }
            if let ratio = try keys.decodeIfPresent(Double.self, forKey: .init(stringValue: "target_ratio")) {
                guard (0.1...0.8).contains(ratio) else {
                    throw GatewayError(.configuration, "compression.target_ratio: \(ratio) must be between 0.1 and 0.8")
                }
                settings.summaryTargetRatio = ratio
            }
            settings.summaryModel = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "summary_model"))
            if let timeout = try duration(keys, "summary_timeout") { settings.summaryTimeout = timeout }
            if let cooldown = try duration(keys, "failure_cooldown") { settings.failureCooldown = cooldown }
        }
    }

    struct Limits: Decodable {
        var maxBodyBytes: Int?
        var maxConcurrentTurns: Int?
        var maxQueuedPerSession: Int?
        var maxPendingTurns: Int?
        var retryAfterSeconds: Int?
        var agentCacheSize: Int?
        var agentIdleTTL: Duration?
        var shutdownGracePeriod: Duration?

        init(from decoder: any Decoder) throws {
            try check(decoder, [
                "max_body_bytes", "max_concurrent_turns", "max_queued_per_session", "max_pending_turns", "retry_after_seconds",
                "agent_cache_size", "agent_idle_ttl", "shutdown_grace_period",
            ])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            maxBodyBytes = try positive(keys, "max_body_bytes")
            maxConcurrentTurns = try positive(keys, "max_concurrent_turns")
            maxQueuedPerSession = try positive(keys, "max_queued_per_session", allowZero: true)
            maxPendingTurns = try positive(keys, "max_pending_turns")
            retryAfterSeconds = try positive(keys, "retry_after_seconds", allowZero: true)
            agentCacheSize = try positive(keys, "agent_cache_size")
            agentIdleTTL = try duration(keys, "agent_idle_ttl")
            shutdownGracePeriod = try duration(keys, "shutdown_grace_period")
        }
    }

    struct Web: Decodable {
        var baseURL: String?
        var apiKey: String?

        init(from decoder: any Decoder) throws {
            try check(decoder, ["base_url", "api_key"])
            let keys = try decoder.container(keyedBy: AnyCodingKey.self)
            baseURL = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "base_url"))
            apiKey = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "api_key"))
        }
    }

    init(from decoder: any Decoder) throws {
        try check(decoder, [
            "host", "port", "db", "api_key", "advertised_model", "model", "agent", "limits", "web", "telegram", "webhooks",
            "compression",
        ])
        let keys = try decoder.container(keyedBy: AnyCodingKey.self)
        host = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "host"))
        port = try keys.decodeIfPresent(Int.self, forKey: .init(stringValue: "port"))
        if let port, !(0...65535).contains(port) {
            throw GatewayError(.configuration, "port: \(port) is not a TCP port; write 0...65535 (0 picks a free one)")
        }
        db = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "db"))
        apiKey = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "api_key"))
        advertisedModel = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "advertised_model"))
        model = try keys.decodeIfPresent(Model.self, forKey: .init(stringValue: "model"))
        agent = try keys.decodeIfPresent(Agent.self, forKey: .init(stringValue: "agent"))
        limits = try keys.decodeIfPresent(Limits.self, forKey: .init(stringValue: "limits"))
        compression = try keys.decodeIfPresent(Compression.self, forKey: .init(stringValue: "compression"))
        web = try keys.decodeIfPresent(Web.self, forKey: .init(stringValue: "web"))
        telegram = try keys.decodeIfPresent(Telegram.self, forKey: .init(stringValue: "telegram"))
        webhooks = try keys.decodeIfPresent([String: Webhook].self, forKey: .init(stringValue: "webhooks"))
        if let names = webhooks?.keys, names.contains("telegram") {
            throw GatewayError(.configuration, "webhooks.telegram: the name is taken by the Telegram webhook; choose another")
        }
    }

    func apply(to settings: inout GatewaySettings) {
        if let host { settings.gateway.host = host }
        if let port { settings.gateway.port = port }
        if let db { settings.databasePath = db }
        if let apiKey { settings.gateway.apiKey = apiKey }
        if let advertisedModel { settings.gateway.advertisedModel = advertisedModel }
        if let model {
            settings.modelBaseURL = model.baseURL ?? settings.modelBaseURL
            settings.modelAPIKey = model.apiKey ?? settings.modelAPIKey
            settings.modelName = model.name ?? settings.modelName
        }
        if let compression { settings.compression = compression.settings }
        if let agent {
            settings.toolsets = agent.toolsets ?? settings.toolsets
            settings.maxIterations = agent.maxIterations ?? settings.maxIterations
            settings.systemPrompt = agent.systemPrompt ?? settings.systemPrompt
        }
        if let limits {
            var gateway = settings.gateway
            gateway.maxBodyBytes = limits.maxBodyBytes ?? gateway.maxBodyBytes
            gateway.maxConcurrentTurns = limits.maxConcurrentTurns ?? gateway.maxConcurrentTurns
            gateway.maxQueuedPerSession = limits.maxQueuedPerSession ?? gateway.maxQueuedPerSession
            gateway.maxPendingTurns = limits.maxPendingTurns ?? gateway.maxPendingTurns
            gateway.retryAfterSeconds = limits.retryAfterSeconds ?? gateway.retryAfterSeconds
            gateway.agentCacheSize = limits.agentCacheSize ?? gateway.agentCacheSize
            gateway.agentIdleTTL = limits.agentIdleTTL ?? gateway.agentIdleTTL
            gateway.shutdownGracePeriod = limits.shutdownGracePeriod ?? gateway.shutdownGracePeriod
            settings.gateway = gateway
        }
        if let telegram { settings.gateway.telegram = telegram.settings }
        if let webhooks { settings.gateway.webhooks = webhooks.mapValues(\.route) }
        if let web {
            settings.webBaseURL = web.baseURL ?? settings.webBaseURL
            settings.webAPIKey = web.apiKey ?? settings.webAPIKey
        }
    }
}

private func check(_ decoder: any Decoder, _ known: Set<String>) throws {
    if let path = try decoder.firstUnknownKey(among: known) {
        throw GatewayError(.configuration, "unknown key \"\(path)\"; allowed here: \(known.sorted().joined(separator: ", "))")
    }
}

private func positive(_ keys: KeyedDecodingContainer<AnyCodingKey>, _ name: String, allowZero: Bool = false) throws -> Int? {
    guard let value = try keys.decodeIfPresent(Int.self, forKey: .init(stringValue: name)) else { return nil }
    guard value > 0 || (allowZero && value == 0) else {
        let path = (keys.codingPath.map(\.stringValue) + [name]).joined(separator: ".")
        throw GatewayError(.configuration, "\(path): \(value) must be \(allowZero ? "0 or more" : "1 or more")")
    }
    return value
}

private func duration(_ keys: KeyedDecodingContainer<AnyCodingKey>, _ name: String) throws -> Duration? {
    guard let text = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: name)) else { return nil }
    guard let value = Duration(parsing: text) else {
        let path = (keys.codingPath.map(\.stringValue) + [name]).joined(separator: ".")
        throw GatewayError(.configuration, "\(path): \"\(text)\" is not a duration; write a number with a unit, e.g. 30s, 5m, 1h")
    }
    return value
}
