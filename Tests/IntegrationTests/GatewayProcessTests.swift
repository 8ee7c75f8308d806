import AsyncHTTPClient
import Foundation
import HermesCore
import HermesSimulators
import HermesStore
import HermesTesting
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hermes gateway` run as people run it: a real process, stopped with SIGTERM.
@Suite("hermes gateway process", .timeLimit(.minutes(2)))
struct GatewayProcessTests {
    @Test("SIGTERM during 50 in-flight API turns and 10 Telegram turns: every one is answered and stored; exit 0")
    func gracefulShutdownLosesNothing() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .milliseconds(1500))
        let simulator = LLMSimulator(config: config)
        let platform = PlatformSimulator()
        let directory = NSTemporaryDirectory() + "hermes-gateway-process-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await platform.withServer { platformURL in
            try await simulator.withServer { llm in
                let (statuses, status, errors) = try await withChildProcess(
                    Executables.hermes, ["gateway", "--port", "0", "--db", directory + "/state.db"],
                    environment: [
                        "HERMES_BASE_URL": llm, "API_SERVER_KEY": TestKeys.apiServer, "TELEGRAM_BOT_TOKEN": "1:t",
                        "TELEGRAM_API_BASE_URL": platformURL, "TELEGRAM_ALLOW_ALL_USERS": "true",
                    ]
                ) { gateway in
                    let baseURL = try await gateway.listeningURL()
                    #expect(baseURL.hasPrefix("http://127.0.0.1:"))
                    // One connection per request: the shared client's pool (8 per host) would queue them.
                    var clientConfiguration = HTTPClient.Configuration()
                    clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
                    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
                    defer { _ = client.shutdown() }
                    return try await withThrowingTaskGroup(of: Int.self) { group in
                        for index in 0..<50 {
                            group.addTask {
                                var request = HTTPClientRequest(url: baseURL + "/v1/chat/completions")
                                request.method = .POST
                                request.headers.add(name: "Authorization", value: TestKeys.authorization)
                                request.headers.add(name: "X-Hermes-Session-Id", value: "inflight-\(index)")
                                request.body = .bytes(ByteBuffer(string: #"{"messages":[{"role":"user","content":"turn \#(index)"}]}"#))
                                let response = try await client.execute(request, timeout: .seconds(60))
                                _ = try await response.body.collect(upTo: 1 << 20)
                                return Int(response.status.code)
                            }
                        }
                        for chat in 100..<110 {
                            var update = HTTPClientRequest(url: baseURL + "/webhook/telegram")
                            update.method = .POST
                            update.body = .bytes(
                                ByteBuffer(
                                    string:
                                        #"{"update_id":\#(chat),"message":{"message_id":1,"chat":{"id":\#(chat),"type":"private"},"from":{"id":\#(chat)},"text":"hi"}}"#
                                ))
                            let response = try await client.execute(update, timeout: .seconds(10))
                            #expect(response.status.code == 200)
                        }
                        // Every turn is waiting for its model reply: now stop the gateway.
                        await simulator.waitForRequests(60)
                        gateway.signal(SIGTERM)
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                }
                #expect(statuses == Array(repeating: 200, count: 50))
                #expect(status == 0, "stderr: \(errors)")
                #expect(Set(platform.calls().map(\.chatID)) == Set(100..<110), "every Telegram reply was delivered")
            }
        }
        try await withSessionStore(at: directory + "/state.db") { store in
            for index in 0..<50 {
                let history = try await store.history(of: SessionID("inflight-\(index)"))
                #expect(history.map(\.role) == [.user, .assistant], "session inflight-\(index)")
            }
            for chat in 100..<110 {
                #expect(try await store.history(of: SessionID("telegram-\(chat)")).count == 2, "chat \(chat)")
            }
        }
    }

    @Test("a bad configuration file stops start-up with the file, the key and exit status 2")
    func badConfiguration() async throws {
        let path = NSTemporaryDirectory() + "hermes-gateway-\(UUID().uuidString).yaml"
        try "limits: {max_concurent_turns: 4}\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await runProcess(
            Executables.hermes, ["gateway", "--config", path], environment: ["HERMES_BASE_URL": "http://127.0.0.1:9/v1"])
        let errors = result.standardError
        #expect(result.status == 2)
        #expect(errors.contains(path))
        #expect(errors.contains("unknown key \"limits.max_concurent_turns\""))
    }

    @Test(
        "without a usable API key the gateway does not start: one line naming API_SERVER_KEY and how to make one, exit 2",
        arguments: ["", "short-key"])
    func keylessStart(key: String) async throws {
        let directory = NSTemporaryDirectory() + "hermes-keyless-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await runProcess(
            Executables.hermes, ["gateway", "--port", "0", "--db", directory + "/state.db"],
            environment: ["HERMES_BASE_URL": "http://127.0.0.1:9/v1", "API_SERVER_KEY": key])
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty, "it never listened: \(result.standardOutput)")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("hermes: API_SERVER_KEY: "), "\(result.standardError)")
        #expect(result.standardError.contains("openssl rand -hex 32"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/state.db"), "nothing was opened")
    }
}
