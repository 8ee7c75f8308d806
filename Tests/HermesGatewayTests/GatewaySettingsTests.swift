import Foundation
import HermesAgent
import Testing

@testable import HermesGateway

@Suite struct GatewaySettingsTests {
    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func fileThenEnvironment() throws {
        let path = try file(
            """
            port: 0
            api_key: from-file
            model: {base_url: http://file/v1, name: file-model}
            limits: {max_concurrent_turns: 4, agent_idle_ttl: 5m}
            compression: {context_length: 32000, threshold: 0.8, protect_last: 10, summary_timeout: 20s}
            """)
        let settings = try GatewaySettings.load(
            file: path, environment: ["API_SERVER_KEY": "from-env", "HERMES_MODEL": "", "HERMES_DB": "/tmp/x.db"])
        #expect(settings.gateway.port == 0)
        #expect(settings.gateway.apiKey == "from-env")
        #expect(settings.modelBaseURL == "http://file/v1")
        #expect(settings.modelName == "file-model", "an empty variable does not override")
        #expect(settings.databasePath == "/tmp/x.db")
        #expect(settings.gateway.maxConcurrentTurns == 4)
        #expect(settings.gateway.agentIdleTTL == .seconds(300))
        let compression = try #require(settings.compression)
        #expect(compression.contextLength == 32_000 && compression.thresholdPercent == 0.8 && compression.protectLast == 10)
        #expect(compression.summaryTimeout == .seconds(20) && compression.protectFirst == 3)
        #expect(try GatewaySettings.load(file: nil, environment: [:]).compression == nil, "off unless configured")
    }

    @Test func platformsFromFileAndEnvironment() throws {
        let path = try file(
            """
            telegram: {bot_token: file-token, edit_interval: 250ms}
            webhooks: {github: {secret: s, prompt: "PR {pull_request.title}", events: [pull_request]}}
            """)
        let settings = try GatewaySettings.load(
            file: path, environment: ["TELEGRAM_WEBHOOK_SECRET": "sec", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1"])
        #expect(settings.gateway.telegram?.botToken == "file-token")
        #expect(settings.gateway.telegram?.secretToken == "sec")
        #expect(settings.gateway.telegram?.apiBaseURL == "http://127.0.0.1:1")
        #expect(settings.gateway.telegram?.editInterval == .milliseconds(250))
        #expect(settings.gateway.webhooks["github"]?.events == ["pull_request"])
        let fromEnvironment = try GatewaySettings.load(file: nil, environment: ["TELEGRAM_BOT_TOKEN": "env-token"])
        #expect(fromEnvironment.gateway.telegram?.botToken == "env-token")
        #expect(fromEnvironment.gateway.telegram?.apiBaseURL == "https://api.telegram.org")
    }

    @Test(arguments: [
        ("prot: 1", "unknown key \"prot\""),
        ("limits: {max_concurent_turns: 1}", "unknown key \"limits.max_concurent_turns\""),
        ("limits: {agent_idle_ttl: soon}", "limits.agent_idle_ttl: \"soon\" is not a duration"),
        ("limits: {max_concurrent_turns: 0}", "limits.max_concurrent_turns: 0 must be 1 or more"),
        ("port: 70000", "port: 70000 is not a TCP port"),
        ("port: [", "not valid YAML"),
        ("webhooks: {gh: {prompt: x}}", "webhooks.gh.secret is missing"),
        ("webhooks: {telegram: {secret: s}}", "the name is taken by the Telegram webhook"),
        ("telegram: {secret_token: s}", "telegram.bot_token is missing"),
        ("telegram: {bot_token: t, edit_interval: often}", "telegram.edit_interval: \"often\" is not a duration"),
        ("compression: {threshold: 0.5}", "compression.context_length is missing"),
        ("compression: {context_length: 8000, threshold: 50}", "compression.threshold: 50.0 must be a fraction"),
    ])
    func badFilesAreRefusedWithTheKeyAndTheFix(text: String, expected: String) throws {
        let path = try file(text)
        #expect {
            _ = try GatewaySettings.load(file: path, environment: [:])
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.code == .configuration && error.message.hasPrefix(path) && error.message.contains(expected)
        }
    }
}
