import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesTesting
import HermesTools
import Testing

/// The memory tool inside the turn loop: Python's per-turn cap on failed consolidations starts
/// afresh with each user turn (`reset_consolidation_failures` in `turn_context.py`).
@Suite struct AgentMemoryTests {
    @Test("the fourth failed add of a turn is told to stop; the next turn's first failure is an ordinary one")
    func consolidationFailuresAreCountedPerTurn() async throws {
        let home = NSTemporaryDirectory() + "hermes-agent-memory-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let memory = MemoryStore(hermesHome: home, configuration: MemoryConfiguration(memoryCharLimit: 30))
        let tooLong = String(repeating: "m", count: 40)
        let add = #"{"action":"add","target":"memory","content":"\#(tooLong)"}"#
        // Each turn: the first call asks for `attempts` adds at once, the second answers.
        let model = ScriptedModel { request, _ in
            if request.messages.last?.role == .user {
                let attempts = request.messages.filter { $0.role == .user }.count == 1 ? 4 : 1
                let calls = (0..<attempts).map { ToolCall(id: "call-\($0)", name: "memory", arguments: add) }
                return ChatCompletion(message: .assistant("", toolCalls: calls), finishReason: "tool_calls")
            }
            return ChatCompletion(message: .assistant("done"), finishReason: "stop")
        }
        var context = ToolContext(sessionID: SessionID("memory-turns"), workingDirectory: home)
        context.memory = memory
        let agent = try Agent(model: model, tools: .builtIn(), context: context, configuration: AgentConfiguration(toolsets: ["memory"]))

        let first = try await agent.respond(to: "remember a lot")
        let results = first.toolRuns.map(\.result)
        #expect(results.count == 4)
        #expect(results.prefix(3).allSatisfy { $0.contains("would exceed the limit") }, "\(results)")
        #expect(results.last?.contains("Memory consolidation failed 4 times this turn") == true, "\(results)")

        let second = try await agent.respond(to: "and this")
        #expect(second.toolRuns.count == 1)
        #expect(second.toolRuns.first?.result.contains("would exceed the limit") == true, "\(second.toolRuns.map(\.result))")
    }
}
