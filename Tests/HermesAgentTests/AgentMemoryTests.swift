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

    @Test("a prompt shows the memory when each block is in it verbatim, and no title is left for a target that is now empty")
    func promptReflectsMemory() async throws {
        let home = NSTemporaryDirectory() + "hermes-agent-reflects-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let memory = MemoryStore(hermesHome: home)
        let empty = try await memory.snapshot()
        #expect(SystemPrompt.reflectsMemory(empty, in: "You are Hermes."))
        #expect(SystemPrompt.reflectsMemory(nil, in: "You are Hermes."))

        try "The user's airship is called Ada.".write(toFile: memory.path(.memory), atomically: true, encoding: .utf8)
        let one = try await memory.snapshot()
        let prompt = "You are Hermes.\n\n" + one.block(.memory) + "\n\nConversation started: today"
        #expect(SystemPrompt.reflectsMemory(one, in: prompt))
        #expect(!SystemPrompt.reflectsMemory(empty, in: prompt), "the block's title is left for an emptied file")
        #expect(!SystemPrompt.reflectsMemory(nil, in: prompt), "the block's title is left with memory off")

        try "The user's airship is called Ada.\n§\nIts hangar is in Friedrichshafen.".write(
            toFile: memory.path(.memory), atomically: true, encoding: .utf8)
        #expect(!SystemPrompt.reflectsMemory(try await memory.snapshot(), in: prompt), "an entry more")
    }
}
