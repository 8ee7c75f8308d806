import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesTesting
import HermesTools
import Testing

/// Python's self-improvement reviews (`agent/background_review.py`): when a turn is followed by
/// one, and what the review may and may not do.
@Suite struct BackgroundReviewTests {
    private static let reviewOpening = "Review the conversation above"

    private func isReview(_ request: ChatRequest) -> Bool {
        request.messages.last?.content?.hasPrefix(Self.reviewOpening) == true
    }

    private func home() -> String { NSTemporaryDirectory() + "hermes-review-\(UUID().uuidString)" }

    private func agent(
        _ model: ScriptedModel, home: String, toolsets: [String], nudges: ReviewNudges, history: [Message] = []
    ) throws -> Agent {
        var context = ToolContext(sessionID: SessionID("reviewed"), workingDirectory: home)
        context.memory = MemoryStore(hermesHome: home)
        var configuration = AgentConfiguration(systemPrompt: "You are Hermes.", toolsets: toolsets)
        configuration.reviewNudges = nudges
        return try Agent(model: model, tools: .builtIn(), context: context, configuration: configuration, history: history)
    }

    @Test(
        "every second user turn asks for a memory review; the review writes the memory, may not run other tools, and sends the session's prompt and tools"
    )
    func memoryReview() async throws {
        let home = home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let model = ScriptedModel { request, _ in
            let reviewing = request.messages.contains { $0.role == .user && $0.content?.hasPrefix(Self.reviewOpening) == true }
            guard reviewing else { return ChatCompletion(message: .assistant("noted"), finishReason: "stop") }
            if request.messages.last?.role == .user {
                let calls = [
                    ToolCall(id: "r1", name: "memory", arguments: #"{"action":"add","target":"user","content":"Flies airships."}"#),
                    ToolCall(id: "r2", name: "todo", arguments: #"{"todos":[]}"#),
                ]
                return ChatCompletion(message: .assistant("", toolCalls: calls), finishReason: "tool_calls")
            }
            return ChatCompletion(message: .assistant("Saved."), finishReason: "stop")
        }
        let agent = try agent(model, home: home, toolsets: ["memory", "todo"], nudges: ReviewNudges(memoryTurns: 2, skillCalls: 0))
        #expect(try await agent.respond(to: "I fly airships.").review == nil)
        let second = try await agent.respond(to: "Mostly zeppelins.")
        let review = try #require(second.review)
        #expect(review.memory && !review.skills)
        #expect(review.history.count == 4)

        let result = try await agent.review(review)
        #expect(result.reply == "Saved.")
        let runs = Dictionary(uniqueKeysWithValues: result.toolRuns.map { ($0.call.name, $0) })
        #expect(runs["memory"]?.isError == false, "\(runs["memory"]?.result ?? "")")
        #expect(
            runs["todo"]?.result
                == JSONValue.object(["error": "Background review denied non-whitelisted tool: todo. Only memory/skill tools are allowed."]).jsonText)
        #expect(try String(contentsOfFile: home + "/memories/USER.md", encoding: .utf8).contains("Flies airships."))
        #expect(await agent.history.count == 4, "the review adds nothing to the session")

        let requests = model.requests
        let session = try #require(requests.first { !isReview($0) })
        let reviewed = try #require(requests.first(where: isReview))
        #expect(reviewed.messages.first == session.messages.first, "the session's system prompt")
        #expect(reviewed.tools == session.tools, "the session's tools, todo among them")
        #expect(reviewed.messages.dropFirst().dropLast().map(\.content) == review.history.map(\.content))
        #expect(reviewed.messages.last?.content?.hasSuffix("Other tools will be denied at runtime — do not attempt them.") == true)
    }

    @Test("the memory count goes on from the user turns of a restored history, and a memory call starts it again")
    func memoryCount() async throws {
        let home = home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let remember = ToolCall(id: "m", name: "memory", arguments: #"{"action":"add","content":"A fact."}"#)
        let model = ScriptedModel { request, _ in
            if request.messages.last?.content == "remember", request.messages.last?.role == .user {
                return ChatCompletion(message: .assistant("", toolCalls: [remember]), finishReason: "tool_calls")
            }
            return ChatCompletion(message: .assistant("ok"), finishReason: "stop")
        }
        let history: [Message] = [.user("one"), .assistant("ok"), .user("two"), .assistant("ok"), .user("three"), .assistant("ok")]
        let agent = try agent(model, home: home, toolsets: ["memory"], nudges: ReviewNudges(memoryTurns: 4, skillCalls: 0), history: history)
        #expect(try await agent.respond(to: "four").review?.memory == true, "three turns restored, this is the fourth")
        #expect(try await agent.respond(to: "remember").review == nil)
        #expect(try await agent.respond(to: "six").review == nil)
        #expect(try await agent.respond(to: "seven").review == nil)
        #expect(try await agent.respond(to: "eight").review == nil, "the memory call of turn five started the count again")
        #expect(try await agent.respond(to: "nine").review?.memory == true)
    }

    @Test("the skills review follows the turn that brings the model calls since skill_manage to the interval")
    func skillsReview() async throws {
        let home = home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let model = ScriptedModel { request, _ in
            if request.messages.last?.role == .user {
                let call = ToolCall(id: "t", name: "todo", arguments: #"{"todos":[]}"#)
                return ChatCompletion(message: .assistant("", toolCalls: [call]), finishReason: "tool_calls")
            }
            return ChatCompletion(message: .assistant("done"), finishReason: "stop")
        }
        let agent = try agent(model, home: home, toolsets: ["todo", "skills"], nudges: ReviewNudges(memoryTurns: 0, skillCalls: 3))
        #expect(try await agent.respond(to: "first").review == nil, "two model calls")
        let second = try #require(try await agent.respond(to: "second").review)
        #expect(second.skills && !second.memory)
        #expect(try await agent.respond(to: "third").review == nil, "the count started again")
    }
}
