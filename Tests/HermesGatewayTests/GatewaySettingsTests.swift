import Foundation
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
    }

    @Test(arguments: [
        ("prot: 1", "unknown key \"prot\""),
        ("limits: {max_concurent_turns: 1}", "unknown key \"limits.max_concurent_turns\""),
        ("limits: {agent_idle_ttl: soon}", "limits.agent_idle_ttl: \"soon\" is not a duration"),
        ("limits: {max_concurrent_turns: 0}", "limits.max_concurrent_turns: 0 must be 1 or more"),
        ("port: 70000", "port: 70000 is not a TCP port"),
        ("port: [", "not valid YAML"),
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
