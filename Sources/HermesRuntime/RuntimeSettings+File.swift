import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesGateway
import HermesTools
import Yams

/// What `config.yaml` says about the model endpoint, resolved with the environment and the flags
/// by `RuntimeSettings.resolveModel`.
struct FileModel {
    var name: String?
    var nameSource: ConfigError.Source?
    var apiKeySource: ConfigError.Source?
    var contextLengthSource: ConfigError.Source?
    var provider: String?
    var providerSource: ConfigError.Source?
    var baseURL: (String, ConfigError.Source)?
    var apiKey: String?
    var contextLength: Int?
    /// `providers:` and `custom_providers:` entries, by the names they may be selected by.
    var providers: [String: ProviderEntry] = [:]
}

/// One declared endpoint (`providers.NAME`, or an item of the legacy `custom_providers` list).
struct ProviderEntry {
    var name: String
    var baseURL: String
    var source: ConfigError.Source
    var apiKey: String?
    var apiKeySource: ConfigError.Source?
    var model: String?
    var modelSource: ConfigError.Source?
    var contextLength: Int?
    var contextLengthSource: ConfigError.Source?
}

/// The Python project's `$HERMES_HOME/config.yaml` (`hermes_cli/config.py`), read as Python reads
/// it, so a Python user's file works unchanged:
///
/// ```yaml
/// model: {provider: custom, default: my-model, base_url: http://127.0.0.1:8000/v1, api_key: sk-..., context_length: 128000}
/// providers: {my-llm: {api: https://llm.example/v1, key_env: MY_LLM_KEY, default_model: m}}   # model.provider: my-llm
/// agent: {max_turns: 90, disabled_toolsets: [web]}
/// platform_toolsets: {telegram: [web, todo]}
/// terminal: {backend: local, cwd: /srv/project, timeout: 180}
/// approvals: {mode: manual, timeout: 60}
/// command_allowlist: [recursive delete]
/// compression: {enabled: true, threshold: 0.5, target_ratio: 0.2, protect_last_n: 20, protect_first_n: 3}
/// auxiliary: {compression: {model: small-model, timeout: 120}}
/// platforms:
///   api_server: {extra: {host: 127.0.0.1, port: 8642, key: "...", model_name: hermes-agent}}
///   telegram: {enabled: true, token: "123:abc"}
///   webhook: {extra: {routes: {github: {secret: s3cret, prompt: "Review {pull_request.title}", events: [pull_request]}}}}
/// gateway: {api_server: {max_concurrent_runs: 64}}
/// ```
///
/// and this implementation's own keys, which Python keeps and ignores: `db`, `limits`,
/// `web.base_url`/`web.api_key`, `telegram.bot_token`/`secret_token`/`api_base_url`/`edit_interval`,
/// `compression.failure_cooldown`.
///
/// Keys of the file that nothing here reads are kept in `unreadConfigKeys` for `hermes config
/// check`, not refused: a Python user's file must load. A value of the wrong type, for a key that
/// is read, is refused with `config.yaml:LINE`, the key and what to write instead.
extension RuntimeSettings {
    /// What the file sets, applied over the defaults; what it says of the model and the
    /// database path, for `resolve` to weigh against the environment and the flags.
    mutating func apply(
        file path: String, environment: [String: String], toolsetNames: Set<String>
    ) throws(ConfigError) -> (model: FileModel, database: String?) {
        guard let root = try YAMLReader.load(path: path) else { return (FileModel(), nil) }
        let file = ConfigFileReading(file: path, environment: environment)
        guard let top = try file.section(root, at: "") else { return (FileModel(), nil) }
        configFile = path
        let model = try Self.model(top, file: file)
        try applyAgent(top)
        try applyTerminal(top)
        try applyApprovals(top)
        try applyCompression(top)
        try applyPlatforms(top)
        try applyMemory(top)
        try applyDisplay(top)
        try applyExtensions(top)
        if let list = top.take("platform_toolsets") {
            guard let mapping = list.mapping else {
                throw file.reader.error(list, "platform_toolsets must map a platform to its toolsets, e.g. {telegram: [web, todo]}")
            }
            for (key, value) in mapping {
                guard let platform = key.string else { throw file.reader.error(key, "platform_toolsets has a key that is not text") }
                let at = "platform_toolsets.\(platform)"
                platformToolsets[platform] = try Self.toolsets(file.reader.strings(value, at: at), known: toolsetNames) { message in
                    file.reader.error(value, "\(at): \(message)")
                }
                sources["platform_toolsets"] = file.reader.source(key)
            }
        }
        // Read by the approvals' allowlist file (`CommandAllowlistFile`), and by no setting here.
        _ = top.take("command_allowlist")
        _ = top.take("_config_version")
        // Read by the skills tools and the prompt's index at each use (`SkillsLibrary`), as Python reads them.
        if top.members["skills"]?.mapping != nil, let skills = try top.section("skills") {
            for key in ["disabled", "platform_disabled", "external_dirs", "template_vars"] { _ = skills.take(key) }
            // Python reads any whole number here; 0 or less turns the nudge off.
            if let calls = try skills.int("creation_nudge_interval", atLeast: .min) {
                reviewNudges.skillCalls = max(0, calls)
                sources["skills.creation_nudge_interval"] = skills.source("creation_nudge_interval")
            }
        }
        // As in Python, a name that is not a zone falls back to the machine's (`hermes config show` says so).
        if let zone = try top.string("timezone"), !zone.isEmpty {
            timeZoneName = zone
            sources["timezone"] = top.source("timezone")
        }
        let database = try top.string("db")
        if database != nil { sources["db"] = top.source("db") }
        unreadConfigKeys = file.unread(root)
        return (model, database)
    }

    private static func model(_ top: ConfigSection, file: ConfigFileReading) throws(ConfigError) -> FileModel {
        var model = FileModel()
        // Python's root-level keys of old files fill what `model:` leaves empty.
        if let provider = try top.string("provider") {
            model.provider = provider
            model.providerSource = top.source("provider")
        }
        if let url = try top.string("base_url") { model.baseURL = (url, top.source("base_url")) }
        model.contextLength = try top.int("context_length", atLeast: 256)
        if model.contextLength != nil { model.contextLengthSource = top.source("context_length") }
        if let node = top.members["model"], node.scalar != nil, !file.reader.isNull(node) {
            model.name = try top.string("model")
            model.nameSource = top.source("model")
        } else if let section = try top.section("model") {
            if let (name, node) = section.take(anyOf: ["default", "model", "name"]) {
                model.name = try section.string(node, at: section.key(name))
                model.nameSource = file.reader.source(node)
            }
            if let provider = try section.string("provider") {
                model.provider = provider
                model.providerSource = section.source("provider")
            }
            if let (name, node) = section.take(anyOf: ["base_url", "api_base"]) {
                model.baseURL = (try section.string(node, at: section.key(name)), file.reader.source(node))
            }
            if let (name, node) = section.take(anyOf: ["api_key", "api"]) {
                model.apiKey = try section.string(node, at: section.key(name))
                model.apiKeySource = file.reader.source(node)
            }
            if let length = try section.int("context_length", atLeast: 256) {
                model.contextLength = length
                model.contextLengthSource = section.source("context_length")
            }
            if let mode = try section.string("api_mode"), mode != "chat_completions" {
                throw file.reader.error(
                    section.members["api_mode"],
                    "model.api_mode: \"\(mode)\" is not spoken here; this runtime calls OpenAI-compatible chat completions (api_mode: chat_completions)"
                )
            }
        }
        if let providers = try top.section("providers") {
            for name in providers.members.keys.sorted() {
                guard let entry = try providers.section(name) else { continue }
                guard let (key, url) = entry.take(anyOf: ["api", "url", "base_url"]) else {
                    throw file.reader.error(entry.node, "providers.\(name) has no api: URL; write e.g. api: http://127.0.0.1:8000/v1")
                }
                var provider = ProviderEntry(
                    name: name, baseURL: try entry.string(url, at: entry.key(key)), source: file.reader.source(url))
                provider.apiKey = try entry.string("api_key")
                if let variable = try entry.string("key_env"), let value = file.environment[variable], !value.isEmpty {
                    provider.apiKey = value
                }
                if let (key, node) = entry.take(anyOf: ["default_model", "model"]) {
                    provider.model = try entry.string(node, at: entry.key(key))
                }
                provider.contextLength = try entry.int("context_length", atLeast: 256)
                provider.contextLengthSource = entry.source("context_length")
                if provider.apiKey != nil { provider.apiKeySource = entry.source(entry.members["key_env"] != nil ? "key_env" : "api_key") }
                if provider.model != nil { provider.modelSource = entry.source(entry.members["default_model"] != nil ? "default_model" : "model") }
                if let transport = entry.take(anyOf: ["transport", "api_mode"]),
                    try entry.string(transport.node, at: entry.key(transport.name)) != "chat_completions"
                {
                    throw file.reader.error(
                        transport.node,
                        "providers.\(name).\(transport.name): only chat_completions is spoken here (OpenAI-compatible chat completions)")
                }
                if try entry.bool("enabled") == false { continue }
                model.providers[name] = provider
                model.providers[name.lowercased().replacingOccurrences(of: " ", with: "-")] = provider
            }
        }
        if let list = top.take("custom_providers") {
            for (index, item) in try file.reader.sequence(list, at: "custom_providers").enumerated() {
                guard let entry = try file.section(item, at: "custom_providers[\(index)]") else { continue }
                guard let name = try entry.string("name"), let url = entry.take("base_url") else {
                    throw file.reader.error(item, "custom_providers[\(index)] needs a name and a base_url")
                }
                var provider = ProviderEntry(
                    name: name, baseURL: try entry.string(url, at: entry.key("base_url")), source: file.reader.source(url))
                provider.apiKey = try entry.string("api_key")
                provider.model = try entry.string("model")
                let normalized = name.lowercased().replacingOccurrences(of: " ", with: "-")
                if model.providers[normalized] == nil {
                    model.providers[normalized] = provider
                    model.providers[name] = provider
                }
            }
        }
        return model
    }

    private mutating func applyAgent(_ top: ConfigSection) throws(ConfigError) {
        if let turns = try top.int("max_turns", atLeast: 1) {
            maxIterations = turns
            sources["agent.max_turns"] = top.source("max_turns")
        }
        guard let agent = try top.section("agent") else { return }
        if let turns = try agent.int("max_turns", atLeast: 1) {
            maxIterations = turns
            sources["agent.max_turns"] = agent.source("max_turns")
        }
        // Python's gateway reads it (not its defaults): a prompt sent with every call, never stored.
        if let prompt = try agent.string("system_prompt"), !prompt.isEmpty {
            systemPrompt = prompt
            sources["agent.system_prompt"] = agent.source("system_prompt")
        }
        if let names = try agent.strings("disabled_toolsets") {
            disabledToolsets = names
            sources["agent.disabled_toolsets"] = agent.source("disabled_toolsets")
        }
        try applyPrompt(agent)
    }

    /// The `agent` keys of the system prompt, as Python reads them: `coding_context` by its text
    /// (a bare on or off included), `coding_instructions` as a text or a list of lines,
    /// `environment_hint` as text.
    private mutating func applyPrompt(_ agent: ConfigSection) throws(ConfigError) {
        if let node = agent.take("coding_context") {
            codingContext = CodingContextMode(configured: try agent.string(node, at: "agent.coding_context"))
            sources["agent.coding_context"] = agent.source("coding_context")
        }
        if let node = agent.take("coding_instructions") {
            let lines =
                if node.sequence != nil {
                    try agent.reader.strings(node, at: "agent.coding_instructions").map(agent.file.expanded)
                } else {
                    [try agent.string(node, at: "agent.coding_instructions")]
                }
            codingInstructions = lines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                .joined(separator: "\n")
            sources["agent.coding_instructions"] = agent.source("coding_instructions")
        }
        if let probe = try agent.bool("environment_probe") {
            environmentProbe = probe
            sources["agent.environment_probe"] = agent.source("environment_probe")
        }
        if let hint = try agent.string("environment_hint") { fileEnvironmentHint = hint }
    }

    private mutating func applyTerminal(_ top: ConfigSection) throws(ConfigError) {
        guard let terminal = try top.section("terminal") else { return }
        if let backend = try terminal.string("backend"), backend != "local" {
            throw terminal.reader.error(
                terminal.members["backend"],
                "terminal.backend: \"\(backend)\" is not available here; commands would run on this machine instead, so the runtime refuses to start. Use backend: local, or the Python project for \(backend)"
            )
        }
        if let cwd = try terminal.string("cwd"), !["", ".", "auto", "cwd"].contains(cwd) {
            configuredWorkingDirectory = cwd
            sources["terminal.cwd"] = terminal.source("cwd")
        }
        if let seconds = try terminal.int("timeout", atLeast: 1) {
            terminalTimeout = .seconds(seconds)
            sources["terminal.timeout"] = terminal.source("timeout")
        }
    }

    private mutating func applyApprovals(_ top: ConfigSection) throws(ConfigError) {
        guard let approvals = try top.section("approvals") else { return }
        if let node = approvals.take("mode") {
            // PyYAML reads a bare `off` as false and `on` as true, and Python maps them back.
            let mode: String
            if let flag = node.bool { mode = flag ? "manual" : "off" } else { mode = try approvals.string(node, at: "approvals.mode").lowercased() }
            switch mode {
            case "off": yolo = true
            case "manual", "smart": yolo = false
            default:
                throw approvals.reader.error(node, "approvals.mode: \"\(mode)\" is not a mode; write manual, smart or off")
            }
            sources["approvals.mode"] = approvals.source("mode")
        }
        if let timeout = approvals.take("timeout") {
            // Python's file gives whole seconds; a duration with a unit is read too.
            if let seconds = Int(timeout.scalar?.string ?? "") {
                approvalTimeout = .seconds(seconds)
            } else {
                approvalTimeout = try approvals.reader.duration(timeout, at: "approvals.timeout", positive: false)
            }
            guard approvalTimeout >= .zero else { throw approvals.reader.error(timeout, "approvals.timeout must not be negative") }
            sources["approvals.timeout"] = approvals.source("timeout")
        }
    }

    private mutating func applyCompression(_ top: ConfigSection) throws(ConfigError) {
        if let section = try top.section("compression") {
            if let enabled = try section.bool("enabled") {
                compressionEnabled = enabled
                sources["compression.enabled"] = section.source("enabled")
            }
            if let value = try section.double("threshold", in: 0.05...0.95) { compressionTuning.thresholdPercent = value }
            if let value = try section.double("target_ratio", in: 0.1...0.8) { compressionTuning.summaryTargetRatio = value }
            if let value = try section.int("protect_last_n", atLeast: 0) { compressionTuning.protectLast = value }
            if let value = try section.int("protect_first_n", atLeast: 0) { compressionTuning.protectFirst = value }
            // Python moved the summary model to auxiliary.compression (config version 17); old files still name it here.
            if let model = try section.string("summary_model"), !model.isEmpty { compressionTuning.summaryModel = model }
            if let node = section.take("failure_cooldown") {
                compressionTuning.failureCooldown = try section.reader.duration(node, at: "compression.failure_cooldown", positive: false)
            }
        }
        if let auxiliary = try top.section("auxiliary")?.section("compression") {
            if let model = try auxiliary.string("model"), !model.isEmpty { compressionTuning.summaryModel = model }
            if let seconds = try auxiliary.int("timeout", atLeast: 1) { compressionTuning.summaryTimeout = .seconds(seconds) }
        }
    }

    private mutating func applyMemory(_ top: ConfigSection) throws(ConfigError) {
        guard let section = try top.section("memory") else { return }
        if let on = try section.bool("memory_enabled") { memory.memoryEnabled = on }
        if let on = try section.bool("user_profile_enabled") { memory.userProfileEnabled = on }
        if let limit = try section.int("memory_char_limit", atLeast: 1) { memory.memoryCharLimit = limit }
        if let limit = try section.int("user_char_limit", atLeast: 1) { memory.userCharLimit = limit }
        if let turns = try section.int("nudge_interval", atLeast: .min) { reviewNudges.memoryTurns = max(0, turns) }
        sources["memory"] = .file(section.reader.file, line: section.node.mark?.line ?? 0)
    }

    private mutating func applyPlatforms(_ top: ConfigSection) throws(ConfigError) {
        let platforms = try top.section("platforms")
        if let server = try platforms?.section("api_server"), let extra = try server.section("extra") {
            if let host = try extra.string("host") {
                gateway.host = host
                sources["api_server.host"] = extra.source("host")
            }
            if let node = extra.take("port") {
                gateway.port = try Self.port(node, reader: extra.reader, at: "platforms.api_server.extra.port")
                sources["api_server.port"] = extra.source("port")
            }
            if let key = try extra.string("key") {
                apiKey = key
                apiKeySource = extra.source("key")
            }
            if let name = try extra.string("model_name") {
                gateway.advertisedModel = name
                sources["api_server.model_name"] = extra.source("model_name")
            }
        }
        if let server = try top.section("gateway")?.section("api_server"), let runs = try server.int("max_concurrent_runs", atLeast: 1) {
            gateway.maxConcurrentTurns = runs
            sources["gateway.api_server.max_concurrent_runs"] = server.source("max_concurrent_runs")
        }
        if let telegram = try platforms?.section("telegram") {
            if try telegram.bool("enabled") == false { telegramDisabled = true }
            if let token = try telegram.string("token") {
                gateway.telegram = TelegramSettings(botToken: token)
                sources["telegram"] = telegram.source("token")
            }
        }
        if let webhook = try platforms?.section("webhook"), let extra = try webhook.section("extra") {
            let secret = try extra.string("secret")
            if let routes = try extra.section("routes") {
                gateway.webhooks = try Self.webhooks(routes, secret: secret)
            }
        }
    }

    private mutating func applyDisplay(_ top: ConfigSection) throws(ConfigError) {
        guard let display = try top.section("display"), let node = display.take("background_process_notifications") else { return }
        // PyYAML reads a bare `off` as false, which Python takes for off.
        let mode = try node.bool == false ? "off" : display.string(node, at: "display.background_process_notifications")
        guard let value = Self.backgroundNotifications(mode) else {
            throw display.reader.error(node, "display.background_process_notifications: \(Self.notAMode(mode))")
        }
        gateway.backgroundNotifications = value
        sources["display.background_process_notifications"] = display.source("background_process_notifications")
    }

    /// A `display.background_process_notifications` mode, read as Python reads it (trimmed, any
    /// case). Python falls back to `all` past a warning; a mistyped mode is refused here, as other
    /// settings are.
    static func backgroundNotifications(_ text: String) -> BackgroundNotifications? {
        BackgroundNotifications(rawValue: text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    static func notAMode(_ text: String) -> String { "\"\(text)\" is not a mode; write all, result, error or off" }

    private mutating func applyExtensions(_ top: ConfigSection) throws(ConfigError) {
        if let node = top.take("limits") { try applyLimits(node, reader: top.reader) }
        if let web = try top.section("web") {
            if let url = try web.string("base_url") {
                self.web.baseURL = try Self.httpURL(url, source: web.source("base_url"), key: "web.base_url")
            }
            if let key = try web.string("api_key") { self.web.apiKey = key }
        }
        if let telegram = try top.section("telegram") {
            var settings = gateway.telegram ?? TelegramSettings(botToken: "")
            if let token = try telegram.string("bot_token") {
                settings.botToken = token
                sources["telegram"] = telegram.source("bot_token")
            }
            if let secret = try telegram.string("secret_token") { settings.secretToken = secret }
            if let url = try telegram.string("api_base_url") {
                settings.apiBaseURL = try Self.httpURL(url, source: telegram.source("api_base_url"), key: "telegram.api_base_url")
            }
            if let node = telegram.take("edit_interval") {
                settings.editInterval = try telegram.reader.duration(node, at: "telegram.edit_interval", positive: false)
            }
            if !settings.botToken.isEmpty { gateway.telegram = settings }
        }
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

    /// `platforms.webhook.extra.routes`, as Python's webhook adapter reads them; `secret` is the
    /// adapter's own `extra.secret`, used by a route that names none.
    private static func webhooks(_ routes: ConfigSection, secret fallback: String?) throws(ConfigError) -> [String: WebhookRoute] {
        var result: [String: WebhookRoute] = [:]
        for name in routes.members.keys.sorted() {
            guard let route = try routes.section(name) else { continue }
            guard name != "telegram" else {
                throw routes.reader.error(route.node, "\(route.path): the name is taken by the Telegram webhook; choose another")
            }
            guard let secret = try route.string("secret") ?? fallback, !secret.isEmpty else {
                throw routes.reader.error(route.node, "\(route.path).secret is missing; every webhook route needs its HMAC secret")
            }
            result[name] = WebhookRoute(secret: secret, prompt: try route.string("prompt") ?? "", events: try route.strings("events") ?? [])
        }
        return result
    }

    private static func port(_ node: Node, reader: YAMLReader, at path: String) throws(ConfigError) -> Int {
        let value = try reader.int(node, at: path, atLeast: 0)
        guard value <= 65535 else {
            throw reader.error(node, "\(path): \(value) is not a TCP port; write 0...65535 (0 picks a free one)")
        }
        return value
    }
}
