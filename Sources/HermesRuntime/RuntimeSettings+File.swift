import HermesAgent
import HermesConfig
import HermesCore
import HermesGateway
import HermesTools
import Yams

/// The configuration file (`--config FILE`), every key optional:
///
/// ```yaml
/// host: 127.0.0.1
/// port: 8642
/// db: ~/.hermes/state.db
/// api_key: secret                 # or API_SERVER_KEY
/// advertised_model: hermes-agent
/// model: {base_url: http://127.0.0.1:8000/v1, api_key: sk-..., name: hermes}
/// agent: {toolsets: [terminal, file, web, todo], max_iterations: 90, system_prompt: "..."}
/// platform_toolsets: {telegram: [web, todo]}
/// limits: {max_body_bytes: 10000000, max_concurrent_turns: 64, max_queued_per_session: 16, max_pending_turns: 4096,
///          retry_after_seconds: 1, agent_cache_size: 128, agent_idle_ttl: 1h, shutdown_grace_period: 30s,
///          max_messages: 1000, max_request_characters: 2000000, max_connections: 1024, idle_timeout: 60s,
///          max_tool_result_characters: 100000}
/// web: {base_url: https://api.tavily.com, api_key: tvly-...}
/// approvals: {timeout: 60}        # seconds a chat's dangerous command waits for /approve
/// telegram: {bot_token: "123:abc", secret_token: s3cret, api_base_url: https://api.telegram.org, edit_interval: 1s}
/// webhooks: {github: {secret: s3cret, prompt: "Review {pull_request.title}", events: [pull_request]}}
/// compression: {context_length: 128000, threshold: 0.5, protect_first: 3, protect_last: 20, target_ratio: 0.2,
///               summary_model: null, summary_timeout: 60s, failure_cooldown: 10m}
/// ```
///
/// A mistake is refused with `FILE:LINE`, the key and what to write instead.
extension RuntimeSettings {
    static let fileKeys = [
        "host", "port", "db", "api_key", "advertised_model", "model", "agent", "platform_toolsets", "limits", "web",
        "telegram", "webhooks", "compression", "approvals",
    ]

    /// What the file sets, applied over the defaults; the database path it names, if any.
    mutating func apply(file path: String, toolsetNames: Set<String>) throws(ConfigError) -> String? {
        guard let root = try YAMLReader.load(path: path) else { return nil }
        let reader = YAMLReader(file: path)
        let top = try reader.mapping(root, at: "", allowed: Self.fileKeys)
        if let host = top["host"] { gateway.host = try reader.string(host, at: "host") }
        if let port = top["port"] { gateway.port = try Self.port(port, reader: reader) }
        if let key = top["api_key"] {
            apiKey = try reader.optionalString(key, at: "api_key")
            apiKeySource = reader.source(key)
        }
        if let name = top["advertised_model"] { gateway.advertisedModel = try reader.string(name, at: "advertised_model") }
        if let node = top["model"] {
            let members = try reader.mapping(node, at: "model", allowed: ["base_url", "api_key", "name"])
            if let url = members["base_url"] {
                model.baseURL = try reader.optionalString(url, at: "model.base_url").map { text throws(ConfigError) in
                    try Self.httpURL(text, source: reader.source(url), key: "model.base_url")
                }
            }
            if let key = members["api_key"] { model.apiKey = try reader.optionalString(key, at: "model.api_key") }
            if let name = members["name"] { model.name = try reader.string(name, at: "model.name") }
        }
        if let node = top["agent"] {
            let members = try reader.mapping(node, at: "agent", allowed: ["toolsets", "max_iterations", "system_prompt"])
            if let list = members["toolsets"] {
                toolsets = try Self.toolsets(reader.strings(list, at: "agent.toolsets"), known: toolsetNames) { message in
                    reader.error(list, "agent.toolsets: \(message)")
                }
            }
            if let limit = members["max_iterations"] {
                maxIterations = try reader.int(limit, at: "agent.max_iterations", atLeast: 1)
            }
            if let prompt = members["system_prompt"] { systemPrompt = try reader.optionalString(prompt, at: "agent.system_prompt") }
        }
        if let node = top["platform_toolsets"] {
            guard let mapping = node.mapping else {
                throw reader.error(node, "platform_toolsets must map a platform to its toolsets, e.g. {telegram: [web, todo]}")
            }
            for (key, list) in mapping {
                guard let platform = key.string else { throw reader.error(key, "platform_toolsets has a key that is not text") }
                let path = "platform_toolsets.\(platform)"
                platformToolsets[platform] = try Self.toolsets(reader.strings(list, at: path), known: toolsetNames) { message in
                    reader.error(list, "\(path): \(message)")
                }
            }
        }
        if let node = top["limits"] { try applyLimits(node, reader: reader) }
        if let node = top["approvals"] {
            let members = try reader.mapping(node, at: "approvals", allowed: ["timeout"])
            if let timeout = members["timeout"] {
                // Python's file gives whole seconds; a duration with a unit is read too.
                if let seconds = Int(timeout.scalar?.string ?? "") {
                    approvalTimeout = .seconds(seconds)
                } else {
                    approvalTimeout = try reader.duration(timeout, at: "approvals.timeout", positive: false)
                }
                guard approvalTimeout >= .zero else { throw reader.error(timeout, "approvals.timeout must not be negative") }
            }
        }
        if let node = top["web"] {
            let members = try reader.mapping(node, at: "web", allowed: ["base_url", "api_key"])
            if let url = members["base_url"] {
                web.baseURL = try reader.optionalString(url, at: "web.base_url").map { text throws(ConfigError) in
                    try Self.httpURL(text, source: reader.source(url), key: "web.base_url")
                }
            }
            if let key = members["api_key"] { web.apiKey = try reader.optionalString(key, at: "web.api_key") }
        }
        if let node = top["telegram"] { gateway.telegram = try Self.telegram(node, reader: reader) }
        if let node = top["webhooks"] { gateway.webhooks = try Self.webhooks(node, reader: reader) }
        if let node = top["compression"] { compression = try CompressionSettings(node, reader: reader, at: "compression") }
        return try top["db"].flatMap { node throws(ConfigError) in try reader.optionalString(node, at: "db") }
    }

    private mutating func applyLimits(_ node: Node, reader: YAMLReader) throws(ConfigError) {
        let members = try reader.mapping(
            node, at: "limits",
            allowed: [
                "max_body_bytes", "max_concurrent_turns", "max_queued_per_session", "max_pending_turns", "retry_after_seconds",
                "agent_cache_size", "agent_idle_ttl", "shutdown_grace_period", "max_messages", "max_request_characters",
                "max_connections", "idle_timeout", "max_tool_result_characters",
            ])
        func int(_ key: String, atLeast minimum: Int) throws(ConfigError) -> Int? {
            try members[key].map { node throws(ConfigError) in try reader.int(node, at: "limits.\(key)", atLeast: minimum) }
        }
        func duration(_ key: String) throws(ConfigError) -> Duration? {
            try members[key].map { node throws(ConfigError) in try reader.duration(node, at: "limits.\(key)", positive: false) }
        }
        if let value = try int("max_body_bytes", atLeast: 1) { gateway.maxBodyBytes = value }
        if let value = try int("max_concurrent_turns", atLeast: 1) { gateway.maxConcurrentTurns = value }
        if let value = try int("max_queued_per_session", atLeast: 0) { gateway.maxQueuedPerSession = value }
        if let value = try int("max_pending_turns", atLeast: 1) { gateway.maxPendingTurns = value }
        if let value = try int("retry_after_seconds", atLeast: 0) { gateway.retryAfterSeconds = value }
        if let value = try int("agent_cache_size", atLeast: 1) { gateway.agentCacheSize = value }
        if let value = try duration("agent_idle_ttl") { gateway.agentIdleTTL = value }
        if let value = try duration("shutdown_grace_period") { gateway.shutdownGracePeriod = value }
        if let value = try int("max_messages", atLeast: 1) { gateway.maxMessages = value }
        if let value = try int("max_request_characters", atLeast: 1) { gateway.maxRequestCharacters = value }
        if let value = try int("max_connections", atLeast: 1) { gateway.maxConnections = value }
        if let value = try duration("idle_timeout") { gateway.idleTimeout = value }
        if let value = try int("max_tool_result_characters", atLeast: 1000) { maxToolResultCharacters = value }
    }

    private static func telegram(_ node: Node, reader: YAMLReader) throws(ConfigError) -> TelegramSettings {
        let members = try reader.mapping(
            node, at: "telegram", allowed: ["bot_token", "secret_token", "api_base_url", "edit_interval"])
        guard let tokenNode = members["bot_token"], let token = try reader.optionalString(tokenNode, at: "telegram.bot_token")
        else {
            throw reader.error(node, "telegram.bot_token is missing; write the token BotFather gave you")
        }
        var settings = TelegramSettings(botToken: token)
        if let secret = members["secret_token"] {
            settings.secretToken = try reader.optionalString(secret, at: "telegram.secret_token")
        }
        if let url = members["api_base_url"] {
            settings.apiBaseURL = try httpURL(
                reader.string(url, at: "telegram.api_base_url"), source: reader.source(url),
                key: "telegram.api_base_url")
        }
        if let interval = members["edit_interval"] {
            settings.editInterval = try reader.duration(interval, at: "telegram.edit_interval", positive: false)
        }
        return settings
    }

    private static func webhooks(_ node: Node, reader: YAMLReader) throws(ConfigError) -> [String: WebhookRoute] {
        guard let mapping = node.mapping else {
            throw reader.error(node, "webhooks must map a route name to its settings, e.g. {github: {secret: s3cret}}")
        }
        var routes: [String: WebhookRoute] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw reader.error(key, "webhooks has a key that is not text") }
            guard name != "telegram" else {
                throw reader.error(key, "webhooks.telegram: the name is taken by the Telegram webhook; choose another")
            }
            let path = "webhooks.\(name)"
            let members = try reader.mapping(value, at: path, allowed: ["secret", "prompt", "events"])
            guard let secretNode = members["secret"], let secret = try reader.optionalString(secretNode, at: "\(path).secret"),
                !secret.isEmpty
            else {
                throw reader.error(value, "\(path).secret is missing; every webhook route needs its HMAC secret")
            }
            routes[name] = WebhookRoute(
                secret: secret, prompt: try members["prompt"].map { node throws(ConfigError) in try reader.string(node, at: "\(path).prompt") } ?? "",
                events: try members["events"].map { node throws(ConfigError) in try reader.strings(node, at: "\(path).events") } ?? [])
        }
        return routes
    }

    private static func port(_ node: Node, reader: YAMLReader) throws(ConfigError) -> Int {
        let value = try reader.int(node, at: "port", atLeast: 0)
        guard value <= 65535 else {
            throw reader.error(node, "port: \(value) is not a TCP port; write 0...65535 (0 picks a free one)")
        }
        return value
    }
}
