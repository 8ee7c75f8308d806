import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesTesting
import HermesTools
import Synchronization
import Testing

@Suite("agents with a context compressor", .timeLimit(.minutes(1)))
struct AgentCompressionTests {
    private func agent(
        _ session: String, model: any ChatModel, compressor: ContextCompressor, history: [Message],
        clock: any HermesClock = ContinuousClock()
    ) throws -> Agent {
        try Agent(
            model: model, tools: ToolRegistry([]),
            context: ToolContext(sessionID: SessionID(session), workingDirectory: NSTemporaryDirectory()),
            configuration: AgentConfiguration(toolsets: [], stream: false), history: history, compressor: compressor,
            clock: clock)
    }

    private func longHistory() -> [Message] {
        let filler = Array(repeating: "lorem", count: 80).joined(separator: " ")
        return (0..<40).flatMap { round in [Message.user("question \(round) \(filler)"), .assistant("answer \(round) \(filler)")] }
    }

    /// Answers chat requests at once; summary requests after `gate` opens (or with `failure`).
    private func model(gate: Gate? = nil, failure: LLMError? = nil) -> ScriptedModel {
        ScriptedModel { request, _ in
            guard request.isSummaryRequest else { return ChatCompletion(message: .assistant("ok")) }
            await gate?.wait()
            if let failure { throw failure }
            return ChatCompletion(message: .assistant("## Goal\nA long chat about lorem."))
        }
    }

    @Test("a session waiting for its summary holds up no other session; its next history is the compressed one")
    func onlyTheCompressingSessionWaits() async throws {
        let gate = Gate()
        let model = model(gate: gate)
        let compressor = ContextCompressor(model: model, settings: CompressionSettings(contextLength: 8_000))
        let long = try agent("long", model: model, compressor: compressor, history: longHistory())
        let short = try agent("short", model: model, compressor: compressor, history: [])

        async let compressing = long.respond(to: "and now?")
        await gate.waitForArrivals(1)
        for turn in 0..<5 {
            let result = try await short.respond(to: "quick \(turn)")
            #expect(result.reply == "ok" && result.compaction == nil)
        }
        #expect(gate.arrivals == 1, "the long session is still waiting for its summary")
        gate.open()
        let result = try await compressing
        let compaction = try #require(result.compaction)
        #expect(compaction.outcome == .summarized && model.requests.filter(\.isSummaryRequest).count == 1)
        let history = await long.history
        #expect(history == compaction.history + result.messages)
        #expect(history.contains(where: ContextCompressor.isCompaction))
        #expect(TokenEstimator().tokens(in: history) < compressor.settings.thresholdTokens)

        let next = try await long.respond(to: "thanks")
        #expect(next.compaction == nil, "the compressed history is under the threshold")
    }

    @Test("after a failed summary an agent drops old turns without asking again until its cooldown ends")
    func failedSummariesCoolDown() async throws {
        let clock = ManualClock()
        let model = model(failure: LLMError(.httpStatus, "HTTP 503 from the model", status: 503))
        let settings = CompressionSettings(contextLength: 8_000, failureCooldown: .seconds(600))
        let compressor = ContextCompressor(model: model, settings: settings, clock: clock)
        let filler = Array(repeating: "lorem", count: 80).joined(separator: " ")
        // Each turn adds this much, so every later turn crosses the threshold again.
        let long = String(repeating: "ipsum ", count: 3_000)
        let agent = try agent("cooling", model: model, compressor: compressor, history: longHistory(), clock: clock)
        let summaries = { model.requests.filter(\.isSummaryRequest).count }

        let first = try await agent.respond(to: "first \(filler)")
        #expect(first.compaction?.outcome == .fallback && summaries() == 1)
        let paused = try await agent.respond(to: "again \(long)")
        #expect(paused.compaction?.outcome == .fallback)
        #expect(summaries() == 1, "within the cooldown no summary is asked for")
        clock.advance(by: .seconds(599))
        _ = try await agent.respond(to: "still \(long)")
        #expect(summaries() == 1)
        clock.advance(by: .seconds(1))
        let retried = try await agent.respond(to: "later \(long)")
        #expect(retried.compaction?.outcome == .fallback && summaries() == 2, "after the cooldown a summary is asked for again")
    }
}
