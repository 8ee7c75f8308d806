import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesRuntime
import HermesStore
import HermesTesting
import Testing

/// The memory review as a gateway session has it: after the nudge's turn, in the background,
/// writing the memory files and nothing in the session; one per session at a time; cancelled
/// with the runtime.
@Suite("background reviews in the gateway", .timeLimit(.minutes(1)))
struct BackgroundReviewIntegrationTests {
    /// Answers chat turns with "noted"; a review adds a user-profile entry, then says "Saved."
    /// after passing `gate` (open unless a test holds it).
    private func model(gate: Gate) -> ScriptedModel {
        ScriptedModel { request, _ in
            let reviewing = request.messages.contains {
                $0.role == .user && $0.content?.hasPrefix("Review the conversation above") == true
            }
            guard reviewing else { return ChatCompletion(message: .assistant("noted")) }
            await gate.wait()
            if request.messages.last?.role == .user {
                let call = ToolCall(id: "r", name: "memory", arguments: #"{"action":"add","target":"user","content":"Flies airships."}"#)
                return ChatCompletion(message: .assistant("", toolCalls: [call]), finishReason: "tool_calls")
            }
            return ChatCompletion(message: .assistant("Saved."))
        }
    }

    private func settings(home: String) -> (inout RuntimeSettings) -> Void {
        { settings in
            settings.hermesHome = home
            settings.toolsets = ["memory"]
            settings.stream = false
            settings.reviewNudges = ReviewNudges(memoryTurns: 2, skillCalls: 0)
        }
    }

    private func turn(_ gateway: RunningGateway, _ text: String, session: String) async throws {
        let response = try await gateway.send(
            "/v1/chat/completions", body: RunningGateway.chat(text), headers: ["X-Hermes-Session-Id": session])
        #expect(response.status == 200, "\(response.body)")
    }

    @Test("the second turn's review writes USER.md; the session holds only its four messages")
    func reviewWritesMemory() async throws {
        let home = NSTemporaryDirectory() + "hermes-review-home-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let gate = Gate()
        gate.open()
        try await withGateway(GatewayConfiguration(), model: model(gate: gate), settings: settings(home: home)) { gateway in
            try await turn(gateway, "I fly airships.", session: "pilot")
            try await turn(gateway, "Mostly zeppelins.", session: "pilot")
            await gateway.runtime.sessions.reviews.idle()
            #expect(try String(contentsOfFile: home + "/memories/USER.md", encoding: .utf8) == "Flies airships.")
            let history = try await gateway.store.history(of: SessionID("pilot"))
            #expect(history.map(\.content) == ["I fly airships.", "noted", "Mostly zeppelins.", "noted"])
        }
    }

    @Test("a review due while the session's last one runs is skipped; the runtime's shutdown cancels a running one")
    func oneReviewPerSession() async throws {
        let home = NSTemporaryDirectory() + "hermes-review-home-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let gate = Gate()
        let model = model(gate: gate)
        try await withGateway(GatewayConfiguration(), model: model, settings: settings(home: home)) { gateway in
            for text in ["one", "two"] { try await turn(gateway, text, session: "busy") }
            await gate.waitForArrivals(1)
            for text in ["three", "four"] { try await turn(gateway, text, session: "busy") }
            #expect(gateway.runtime.sessions.reviews.runningCount == 1)
            #expect(model.requests.count { $0.messages.last?.content?.hasPrefix("Review the conversation above") == true } == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: home + "/memories/USER.md"), "the held review was cancelled")
    }
}
