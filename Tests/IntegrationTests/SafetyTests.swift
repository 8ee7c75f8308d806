import Foundation
import HermesCore
import HermesGateway
import HermesLLM
import HermesRuntime
import HermesSimulators
import HermesStore
import HermesTesting
import HermesTools
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The safety rules over a real gateway: what a model asks for and what actually runs.
@Suite("safety rules in a running gateway", .timeLimit(.minutes(2)))
struct SafetyTests {
    /// A model that asks for `call` with `arguments` once, then answers "done".
    private func insisting(on tool: String, _ arguments: String) -> ScriptedModel {
        ScriptedModel { request, _ in
            guard request.messages.last?.role == .user else { return ChatCompletion(message: .assistant("done"), finishReason: "stop") }
            let call = ToolCall(id: "call_1", name: tool, arguments: arguments)
            return ChatCompletion(message: Message(role: .assistant, content: nil, toolCalls: [call]), finishReason: "tool_calls")
        }
    }

    /// A plain TCP connection to the gateway, for requests no HTTP client would send.
    private func rawConnection(to gateway: RunningGateway) throws -> Int32 {
        let port = try #require(URL(string: gateway.baseURL)?.port)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(socket) }
        try #require(connected == 0, "connect to 127.0.0.1:\(port): errno \(errno)")
        return socket
    }

    private func toolResult(in gateway: RunningGateway, session: String) async throws -> String? {
        try await gateway.store.history(of: SessionID(session)).first { $0.role == .tool }?.content
    }

    @Test(
        "a hardline command, however rewritten, is refused as the tool result and nothing runs",
        arguments: ["rm -rf ~", "r''m -rf \"$HOME\"", "bash -c 'rm -rf ~/'"])
    func hardline(command: String) async throws {
        let marker = NSTemporaryDirectory() + "hermes-hardline-\(UUID().uuidString)"
        // Were the guard to miss it, `false` would still stop the shell before the delete.
        let arguments = JSONValue.object(["command": .string("touch \(marker) && false && \(command)")]).jsonText
        try await withGateway(model: insisting(on: "terminal", arguments), settings: { $0.toolsets = ["terminal"] }) { gateway in
            let answer = try await gateway.send(
                "/v1/chat/completions", body: RunningGateway.chat("clean up"), headers: ["X-Hermes-Session-Id": "hardline"])
            #expect(answer.status == 200)
            let result = try #require(try await toolResult(in: gateway, session: "hardline"))
            #expect(result.contains("BLOCKED (hardline)") && result.contains(#""status":"blocked""#), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: marker), "nothing of the command ran")
        }
    }

    @Test("a dangerous command from the API server waits for an approval nobody can give there: refused, nothing runs")
    func dangerousOnTheAPIServer() async throws {
        let directory = NSTemporaryDirectory() + "hermes-dangerous-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/build", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = JSONValue.object(["command": .string("rm -r \(directory)/build")]).jsonText
        try await withGateway(model: insisting(on: "terminal", arguments), settings: { $0.toolsets = ["terminal"] }) { gateway in
            _ = try await gateway.send(
                "/v1/chat/completions", body: RunningGateway.chat("clean up"), headers: ["X-Hermes-Session-Id": "dangerous"])
            let result = try #require(try await toolResult(in: gateway, session: "dangerous"))
            #expect(result.contains("potentially dangerous (delete in root path)"), "\(result)")
            #expect(FileManager.default.fileExists(atPath: directory + "/build"))
        }
    }

    @Test(
        "a Telegram turn's dangerous command is put to its chat and waits: /approve runs it, /deny refuses it with the reason",
        arguments: ["/approve", "/deny not on this machine"])
    func telegramApproval(answer: String) async throws {
        let directory = NSTemporaryDirectory() + "hermes-approval-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/build", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = JSONValue.object(["command": .string("rm -r \(directory)/build")]).jsonText
        let platform = PlatformSimulator()
        let delivered = Gate()
        try await platform.withServer { platformURL in
            var configuration = GatewayConfiguration(
                telegram: TelegramSettings(botToken: "123:abc", apiBaseURL: platformURL, editInterval: .zero))
            configuration.access = .open
            try await withGateway(
                configuration, model: insisting(on: "terminal", arguments), settings: { $0.toolsets = ["terminal"] },
                onDelivery: { _ in delivered.arrive() }
            ) { gateway in
                func message(_ id: Int, _ text: String) -> String {
                    #"{"update_id":\#(id),"message":{"message_id":\#(id),"chat":{"id":7,"type":"private"},"from":{"id":7},"text":"\#(text)"}}"#
                }
                #expect(try await gateway.send("/webhook/telegram", body: message(1, "clean up")).status == 200)
                await platform.waitForCalls(1)
                let prompt = try #require(platform.calls().first)
                #expect(prompt.chatID == 7 && prompt.text.hasPrefix("⚠️ **Dangerous command requires approval:**\n```\nrm -r "), "\(prompt.text)")
                #expect(prompt.text.contains("Reason: delete in root path"), "\(prompt.text)")
                #expect(FileManager.default.fileExists(atPath: directory + "/build"), "nothing runs before the answer")

                #expect(try await gateway.send("/webhook/telegram", body: message(2, answer)).status == 200)
                await delivered.waitForArrivals(1)
                await platform.waitForCalls(3)
                let texts = platform.calls().map(\.text)
                let result = try #require(try await toolResult(in: gateway, session: "telegram-7"))
                if answer == "/approve" {
                    #expect(texts.contains("✅ Command approved. The agent is resuming..."), "\(texts)")
                    #expect(!FileManager.default.fileExists(atPath: directory + "/build"), "approved, it ran")
                    #expect(!result.contains("BLOCKED"), "\(result)")
                } else {
                    #expect(texts.contains(#"❌ Command denied. Reason relayed to the agent: "not on this machine""#), "\(texts)")
                    #expect(FileManager.default.fileExists(atPath: directory + "/build"), "denied, nothing ran")
                    #expect(result.contains(#"BLOCKED: Command denied by user. Reason given by the user: \"not on this machine\"."#), "\(result)")
                }
                let history = try await gateway.store.history(of: SessionID("telegram-7"))
                #expect(!history.contains { $0.content?.hasPrefix("/") == true }, "the answer is not a turn of its own")
            }
        }
    }

    @Test("write_file refuses the Hermes .env, ~/.ssh and /etc, naming the path")
    func protectedWrites() async throws {
        let home = NSTemporaryDirectory() + "hermes-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.hermes", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        for (index, path) in [home + "/.hermes/.env", home + "/.ssh/authorized_keys", "/etc/hermes-test"].enumerated() {
            let arguments = JSONValue.object(["path": .string(path), "content": "X=1"]).jsonText
            try await withGateway(
                model: insisting(on: "write_file", arguments),
                settings: {
                    $0.toolsets = ["file"]
                    $0.pathGuard = PathGuard(home: home, hermesHome: home + "/.hermes")
                }
            ) { gateway in
                _ = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("save it"), headers: ["X-Hermes-Session-Id": "write-\(index)"])
                let result = try #require(try await toolResult(in: gateway, session: "write-\(index)"))
                #expect(result.contains(path) && (result.contains("denied") || result.contains("Refusing")), "\(result)")
                #expect(!FileManager.default.fileExists(atPath: path))
            }
        }
    }

    @Test("hermes chat with no terminal to ask on refuses a dangerous command (fail closed), and HERMES_YOLO_MODE runs it")
    func chatWithoutATerminal() async throws {
        let directory = NSTemporaryDirectory() + "hermes-chat-safety-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/build", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        config.replyText = "done"
        config.toolCalls = [.init(tool: "terminal", arguments: ["command": .string("rm -r \(directory)/build")])]
        try await LLMSimulator(config: config).withServer { llm in
            let refused = try await runProcess(
                Executables.hermes, ["chat", "--base-url", llm, "--db", directory + "/state.db", "--toolsets", "terminal", "clean"],
                environment: ["HERMES_YOLO_MODE": ""], input: "o\n")
            #expect(refused.status == 0, "\(refused.standardError)")
            #expect(FileManager.default.fileExists(atPath: directory + "/build"), "nobody could approve it: an answer piped in is not a person")
            try await withSessionStore(at: directory + "/state.db") { store in
                let id = try #require(try await store.sessions(SessionListQuery()).first?.id)
                let result = try await store.history(of: id).first { $0.role == .tool }?.content ?? ""
                #expect(result.contains("no interactive user or gateway is present to approve it"), "\(result)")
            }
            let yolo = try await runProcess(
                Executables.hermes, ["chat", "--base-url", llm, "--no-store", "--toolsets", "terminal", "clean"],
                environment: ["HERMES_YOLO_MODE": "true"])
            #expect(yolo.status == 0, "\(yolo.standardError)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/build"), "YOLO mode ran it")
        }
    }

    @Test("an .env-style secret a tool prints is masked before the model or the store sees it")
    func secretsInToolOutput() async throws {
        let directory = NSTemporaryDirectory() + "hermes-secrets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "OPENAI_API_KEY=sk-proj-0123456789abcdefghij\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let command = "export X=1; cat \(directory)/.env; echo DEPLOY_TOKEN=abcdef0123456789xyz"
        let model = insisting(on: "terminal", JSONValue.object(["command": .string(command)]).jsonText)
        try await withGateway(model: model, settings: { $0.toolsets = ["terminal"] }) { gateway in
            _ = try await gateway.send(
                "/v1/chat/completions", body: RunningGateway.chat("show the config"), headers: ["X-Hermes-Session-Id": "secrets"])
            let result = try #require(try await toolResult(in: gateway, session: "secrets"))
            #expect(!result.contains("sk-proj-0123456789abcdefghij") && !result.contains("abcdef0123456789xyz"), "\(result)")
            #expect(result.contains("OPENAI_API_KEY=***") && result.contains("DEPLOY_TOKEN=***"), "as Python masks them: \(result)")
            let sent = try #require(model.requests.last?.messages.last?.content)
            #expect(!sent.contains("abcdef0123456789xyz"), "the model got the masked output")
        }
    }

    @Test("an unknown Telegram user gets a pairing code and no turn; after hermes pairing approve their next message runs one")
    func telegramPairing() async throws {
        let home = NSTemporaryDirectory() + "hermes-pairing-home-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let platform = PlatformSimulator()
        let llm = LLMSimulator()
        let delivered = Gate()
        try await platform.withServer { platformURL in
            try await llm.withServer { llmURL in
                var configuration = GatewayConfiguration(
                    telegram: TelegramSettings(botToken: "123:abc", apiBaseURL: platformURL, editInterval: .zero))
                configuration.pairingDirectory = PairingStore.directory(hermesHome: home)
                try await withGateway(configuration, model: simulatorModel(llmURL), onDelivery: { _ in delivered.arrive() }) { gateway in
                    func message(_ id: Int, _ text: String) -> String {
                        #"{"update_id":\#(id),"message":{"message_id":\#(id),"chat":{"id":7,"type":"private"},"from":{"id":7,"first_name":"Ada"},"text":"\#(text)"}}"#
                    }
                    #expect(try await gateway.send("/webhook/telegram", body: message(1, "hello")).status == 200)
                    await platform.waitForCalls(1)
                    let offer = try #require(platform.calls().first?.text)
                    #expect(offer.hasPrefix("Hi~ I don't recognize you yet!"), "\(offer)")
                    let code = try #require(offer.split(separator: "`").dropFirst().first.map(String.init))
                    #expect(try await gateway.send("/webhook/telegram", body: message(2, "hello?")).status == 200)
                    #expect(llm.recentRequests() == "[]", "no model request for a stranger")
                    #expect(try await gateway.store.sessions(SessionListQuery()).isEmpty, "nothing stored")
                    let metrics = try await gateway.send("/metrics", method: .GET).body
                    #expect(metrics.contains(#"hermes_unauthorized_messages_total{platform="telegram"} 2"#))

                    let approval = try await runProcess(
                        Executables.hermes, ["pairing", "approve", "telegram", code], environment: ["HERMES_HOME": home])
                    #expect(approval.status == 0 && approval.standardOutput.contains("Approved! User Ada (7) on telegram"), "\(approval)")
                    let mode = try FileManager.default.attributesOfItem(atPath: configuration.pairingDirectory! + "/telegram-approved.json")[
                        .posixPermissions]
                    #expect(mode as? Int == 0o600)

                    #expect(try await gateway.send("/webhook/telegram", body: message(3, "hello again")).status == 200)
                    await delivered.waitForArrivals(1)
                    #expect(try await gateway.store.history(of: SessionID("telegram-7")).first?.content == "hello again")
                    #expect(llm.stats().requests == 1)
                }
            }
        }
    }

    @Test("limits: too many messages, too many characters; each refused with its code, counted, and the gateway serves on")
    func requestLimits() async throws {
        var configuration = GatewayConfiguration()
        configuration.maxMessages = 3
        configuration.maxRequestCharacters = 100
        try await withGateway(configuration, model: ScriptedModel(reply: "ok")) { gateway in
            let four =
                #"{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":"c"},{"role":"user","content":"d"}]}"#
            let many = try await gateway.send("/v1/chat/completions", body: four)
            #expect(many.status == 400 && many.body.contains(#""code":"too_many_messages""#), "\(many.body)")
            let long = try await gateway.send("/v1/chat/completions", body: RunningGateway.chat(String(repeating: "x", count: 101)))
            #expect(long.status == 400 && long.body.contains(#""code":"request_too_long""#), "\(long.body)")
            let fine = try await gateway.send("/v1/chat/completions", body: RunningGateway.chat("hi"))
            #expect(fine.status == 200)
            let metrics = try await gateway.send("/metrics", method: .GET).body
            #expect(metrics.contains(#"hermes_rejected_requests_total{reason="too_many_messages"} 1"#))
            #expect(metrics.contains(#"hermes_rejected_requests_total{reason="request_too_long"} 1"#))
        }
    }

    @Test("a client that trickles its body holds a connection, never a turn slot: with one slot, others are answered meanwhile")
    func slowClient() async throws {
        var configuration = GatewayConfiguration()
        configuration.maxConcurrentTurns = 1
        try await withGateway(configuration, model: ScriptedModel(reply: "ok")) { gateway in
            let socket = try rawConnection(to: gateway)
            defer { close(socket) }
            let head =
                "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(TestKeys.authorization)\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"messages\":"
            #expect(head.withCString { send(socket, $0, strlen($0), 0) } > 0)
            for index in 0..<3 {
                let answer = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("meanwhile \(index)"), headers: ["X-Hermes-Session-Id": "other-\(index)"])
                #expect(answer.status == 200)
            }
        }
    }

    @Test("headers past the parser's 80 KiB bound get 400 (or a reset), a closed connection and a count; the gateway serves on")
    func oversizedHeaders() async throws {
        try await withGateway(model: ScriptedModel(reply: "ok")) { gateway in
            let socket = try rawConnection(to: gateway)
            defer { close(socket) }
            let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n"
            _ = request.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            var buffer = [UInt8](repeating: 0, count: 512)
            let received = recv(socket, &buffer, buffer.count, 0)
            // The 400 can be overtaken by the reset of a connection closed with the rest unread.
            let answer = String(decoding: buffer.prefix(max(received, 0)), as: UTF8.self)
            #expect(received <= 0 || answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
            #expect(try await gateway.send("/health", method: .GET).status == 200)
            let metrics = try await gateway.send("/metrics", method: .GET).body
            #expect(metrics.contains(#"hermes_rejected_requests_total{reason="headers_too_large"} 1"#), "counted before the 400 went out")
        }
    }
}
