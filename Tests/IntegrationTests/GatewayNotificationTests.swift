import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesRuntime
import HermesSimulators
import HermesStore
import HermesTesting
import Testing

/// Background-process notifications over a running gateway: a `notify_on_complete` process
/// started in a Telegram chat becomes, once it has exited and the turn that started it has
/// ended, a new turn of that chat's session whose message is Python's notification, and whose
/// reply the chat receives; unless the agent had already taken the result with `process` wait.
/// Each step is awaited (the platform's calls, the router's counts); nothing sleeps.
@Suite("background process notifications in a running gateway", .timeLimit(.minutes(2)))
struct GatewayNotificationTests {
    private static let secret = "telegram-secret"

    private func configuration(platform: String) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(
            telegram: TelegramSettings(botToken: "123:abc", secretToken: Self.secret, apiBaseURL: platform, editInterval: .milliseconds(10)))
        configuration.access = .open
        return configuration
    }

    private func message(_ gateway: RunningGateway, _ text: String) async throws {
        let update =
            #"{"update_id":1,"message":{"message_id":1,"chat":{"id":42,"type":"private"},"from":{"id":7},"text":\#(jsonQuoted(text))}}"#
        let answer = try await gateway.send("/webhook/telegram", body: update, headers: ["X-Telegram-Bot-Api-Secret-Token": Self.secret])
        #expect(answer.status == 200)
    }

    @Test("the completion of echo done becomes a turn with Python's message, and the chat receives its reply")
    func completionBecomesATurn() async throws {
        let platform = PlatformSimulator()
        let model = ScriptedModel { request, _ in
            let last = request.messages.last
            if last?.role == .tool { return ChatCompletion(message: .assistant("started"), finishReason: "stop") }
            if last?.content?.hasPrefix("[IMPORTANT: Background process ") == true {
                return ChatCompletion(message: .assistant("It printed done."), finishReason: "stop")
            }
            return Self.call("terminal", #"{"command":"echo done","background":true,"notify_on_complete":true}"#)
        }
        try await platform.withServer { platformURL in
            try await withGateway(configuration(platform: platformURL), model: model, settings: { $0.toolsets = ["terminal"] }) { gateway in
                try await message(gateway, "run echo done in the background")
                await platform.waitForCalls(2)
                // The notification's turn may start while the first reply is on its way: either may come first.
                let calls = platform.calls()
                #expect(Set(calls.map(\.text)) == ["started", "It printed done."])
                #expect(calls.allSatisfy { $0.chatID == 42 && $0.method == "sendMessage" })

                await gateway.gateway.runner.router.waitUntil { $0.admittedTurns == 0 }
                let history = try await gateway.store.history(of: SessionID("telegram-42"))
                let id = try #require(Self.processID(in: history))
                try #require(
                    history.map(\.role) == [.user, .assistant, .tool, .assistant, .user, .assistant], "\(history.map(\.role))")
                #expect(
                    history[4].content
                        == "[IMPORTANT: Background process \(id) completed normally (exit code 0).\nCommand: echo done\nOutput:\ndone\n]")
                #expect(model.calls == 3)
            }
        }
    }

    @Test("a process(action=wait) that took the result suppresses the turn; the chat gets Python's plain message instead")
    func waitSuppressesTheTurn() async throws {
        let platform = PlatformSimulator()
        let model = ScriptedModel { request, _ in
            guard let last = request.messages.last, last.role == .tool else {
                return Self.call("terminal", #"{"command":"echo done","background":true,"notify_on_complete":true}"#)
            }
            if let id = Self.processID(in: [last]), last.content?.contains("Background process started") == true {
                return Self.call("process", #"{"action":"wait","session_id":"\#(id)"}"#)
            }
            return ChatCompletion(message: .assistant("it printed done"), finishReason: "stop")
        }
        try await platform.withServer { platformURL in
            try await withGateway(configuration(platform: platformURL), model: model, settings: { $0.toolsets = ["terminal"] }) { gateway in
                try await message(gateway, "run echo done and wait for it")
                await platform.waitForCalls(2)
                await gateway.gateway.runner.router.waitUntil { $0.admittedTurns == 0 }
                let history = try await gateway.store.history(of: SessionID("telegram-42"))
                let id = try #require(Self.processID(in: history))
                let calls = platform.calls()
                #expect(
                    Set(calls.map(\.text)) == [
                        "it printed done", "[Background process \(id) finished with exit code 0~ Here's the final output:\ndone\n]",
                    ])
                #expect(model.calls == 3, "no notification turn")
                #expect(history.filter { $0.role == .user }.count == 1)
            }
        }
    }

    @Test("a one-shot hermes chat session cannot be told later: notify_on_complete is refused with Python's note")
    func chatRefusesNotifications() async throws {
        var settings = RuntimeSettings()
        settings.databasePath = nil
        settings.toolsets = ["terminal"]
        settings.workingDirectory = "/tmp"
        let model = ScriptedModel { request, _ in
            if request.messages.last?.role == .tool { return ChatCompletion(message: .assistant("started"), finishReason: "stop") }
            return Self.call("terminal", #"{"command":"echo done","background":true,"notify_on_complete":true}"#)
        }
        try await withRuntime(settings, model: model) { runtime in
            let result = try await runtime.sessions.run(
                TurnRequest(session: NewSession(id: SessionID("chat"), source: "cli"), text: "run echo done in the background"))
            let answer = try JSONValue(parsing: try #require(result.messages.first { $0.role == .tool }?.content))
            #expect(answer["notify_on_complete"] == false)
            #expect(answer["notify_unsupported"]?.stringValue?.hasPrefix("notify_on_complete / watch_patterns are not available") == true)
        }
    }

    private static func call(_ tool: String, _ arguments: String) -> ChatCompletion {
        ChatCompletion(
            message: Message(role: .assistant, content: nil, toolCalls: [ToolCall(id: "call_\(tool)", name: tool, arguments: arguments)]),
            finishReason: "tool_calls")
    }

    /// The `session_id` of the background start among `messages`' tool results.
    private static func processID(in messages: [Message]) -> String? {
        for message in messages where message.role == .tool {
            if let id = try? JSONValue(parsing: message.content ?? "")["session_id"]?.stringValue { return id }
        }
        return nil
    }
}
