import Foundation
import HermesAgent
import HermesConfig
import HermesGateway
import HermesTools

/// One line of `hermes config show`: a setting, its effective value, and where the value came
/// from (a flag, a variable, `config.yaml:LINE`, or `default`).
public struct SettingRow: Sendable, Hashable {
    /// The setting, by its `config.yaml` key where it has one.
    public var key: String
    /// Its effective value, secrets masked.
    public var value: String
    /// Where the value came from.
    public var source: String

    /// A row.
    public init(key: String, value: String, source: String) {
        self.key = key
        self.value = value
        self.source = source
    }
}

extension RuntimeSettings {
    /// The effective settings with their sources, as `hermes config show` prints them; secrets
    /// are masked as Python masks them (`sk-a...mnop`).
    public func report(registry: ToolRegistry = .builtIn()) -> [SettingRow] {
        var rows: [SettingRow] = []
        func row(_ key: String, _ value: String, source: String? = nil) {
            rows.append(SettingRow(key: key, value: value, source: source ?? describe(sources[key])))
        }
        row("model.provider", model.provider)
        row("model.base_url", model.baseURL ?? "(none: set model.base_url or HERMES_BASE_URL)")
        row("model.default", model.name)
        row("model.api_key", model.apiKey.map(Self.masked) ?? "(none)")
        row(
            "model.context_length",
            compression.map { String($0.contextLength) } ?? "(looked up per session: the endpoint's /v1/models, else Python's model table)")
        row("agent.max_turns", String(maxIterations))
        for platform in ["cli", "api_server", "telegram", "webhook"] {
            row(
                "toolsets.\(platform)", toolsets(for: platform, registry: registry).joined(separator: ", "),
                source: describe(
                    platformToolsets[platform] != nil
                        ? sources["platform_toolsets"] : sources["toolsets"] ?? sources["agent.disabled_toolsets"]))
        }
        row("terminal.cwd", "chat: the current directory; gateway: \(messagingWorkingDirectory)")
        row("terminal.timeout", "\(terminalTimeout.components.seconds)s")
        row("approvals.mode", yolo ? "off (dangerous commands run unasked; hardline ones never)" : "manual")
        row("approvals.timeout", "\(approvalTimeout.components.seconds)s")
        row("display.background_process_notifications", gateway.backgroundNotifications.rawValue)
        if let compression {
            row(
                "compression",
                "on: at \(Int(compression.effectiveThresholdPercent * 100))% of \(compression.contextLength) tokens, keeping \(Int(compression.summaryTargetRatio * 100))% of that as the recent tail, the first \(compression.protectFirst) and last \(compression.protectLast) messages; summaries by \(compression.summaryModel ?? "the main model")"
            )
        } else {
            row(
                "compression",
                compressionEnabled
                    ? "on, at the context length looked up for the model (set model.context_length to fix it)"
                    : "off (compression.enabled: false)",
                source: describe(sources["compression.enabled"]))
        }
        row(
            "memory",
            "MEMORY.md \(memory.memoryEnabled ? "on, \(memory.memoryCharLimit) characters" : "off"); USER.md \(memory.userProfileEnabled ? "on, \(memory.userCharLimit) characters" : "off")"
        )
        row("api_server.host", gateway.host)
        row("api_server.port", String(gateway.port))
        row(
            "api_server.key", apiKey.map(Self.masked) ?? "(none: hermes gateway refuses to start)",
            source: apiKey == nil ? "default" : apiKeySource.description)
        row("api_server.model_name", gateway.advertisedModel)
        row("gateway.api_server.max_concurrent_runs", String(gateway.maxConcurrentTurns))
        row("db", databasePath ?? "(none: nothing is recorded)")
        row("telegram", gateway.telegram == nil ? "off" : "on (bot token set)")
        row(
            "webhooks", gateway.webhooks.isEmpty ? "none" : gateway.webhooks.keys.sorted().joined(separator: ", "),
            source: gateway.webhooks.isEmpty ? "default" : configFile ?? "default")
        row("web", web.baseURL ?? "off (set web.base_url or HERMES_WEB_BASE_URL)")
        row(
            "timezone",
            timeZone?.identifier ?? timeZoneName.map { "\($0) is not a time zone: the machine's is used" } ?? "the machine's")
        row("agent.coding_context", codingContext.rawValue)
        row(
            "agent.coding_instructions",
            codingInstructions.isEmpty ? "(none)" : "\(codingInstructions.split(separator: "\n").count) lines, in the coding posture's prompt")
        row("agent.environment_probe", environmentProbe ? "on" : "off")
        row("agent.system_prompt", systemPrompt.map { "\($0.count) characters, sent after each session's prompt" } ?? "(none)")
        return rows
    }

    /// The keys of `configFile` that nothing here reads, one line each:
    /// `config.yaml:LINE  KEY  what it is`.
    public func unreadKeysReport() -> [String] {
        let file = configFile.map { ($0 as NSString).lastPathComponent } ?? "config.yaml"
        let known = PythonConfigKeys.paths.union(ConfigFileReading.modelKeys).sorted()
        return unreadConfigKeys.map { note in
            let what: String
            if note.knownToPython {
                what = "a Python hermes-agent setting this runtime does not honour yet"
            } else {
                let parent = note.key.split(separator: ".").dropLast().joined(separator: ".")
                let siblings = known.filter { candidate in
                    candidate.split(separator: ".").dropLast().joined(separator: ".") == parent
                }
                what =
                    "not a hermes-agent setting"
                    + (YAMLReader.closest(to: note.key, in: siblings).map { "; did you mean \($0)?" } ?? "; nothing reads it")
            }
            return "\(file):\(note.line)  \(note.key)  \(what)"
        }
    }

    private func describe(_ source: ConfigError.Source?) -> String {
        guard let source else { return "default" }
        switch source {
        case .file(let path, let line): return line > 0 ? "\(path):\(line)" : path
        case .setting: return configFile ?? "config.yaml"
        default: return source.description
        }
    }

    /// `sk-a...mnop`, as Python's `hermes config show` masks a secret; short ones entirely.
    static func masked(_ secret: String) -> String {
        secret.count > 12 ? "\(secret.prefix(4))...\(secret.suffix(4))" : "***"
    }
}
