import Foundation
import HermesAgent
import HermesCore
import HermesLLM
import HermesTools
import Synchronization
import Testing

/// Answers chat requests at once; holds every summary request until `release()`.
private final class GatedSummaryModel: ChatModel {
    private let gate = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let released = Mutex(false)
    let summaryCalls = Atomic<Int>(0)

    func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        let isSummary = request.messages.last?.content?.contains("<conversation>") == true
        guard isSummary else { return ChatCompletion(message: .assistant("ok")) }
        summaryCalls.add(1, ordering: .relaxed)
        await withCheckedContinuation { continuation in
            let go = released.withLock { $0 }
            if go { continuation.resume() } else { gate.withLock { $0.append(continuation) } }
        }
        return ChatCompletion(message: .assistant("## Goal\nA long chat about lorem."))
    }

    var waiting: Int { gate.withLock { $0.count } }

    func release() {
        released.withLock { $0 = true }
        for continuation in gate.withLock({ waiters in defer { waiters.removeAll() }; return waiters }) { continuation.resume() }
    }
}

@Suite("agents with a context compressor", .timeLimit(.minutes(1)))
struct AgentCompressionTests {
    private func agent(_ session: String, model: GatedSummaryModel, compressor: ContextCompressor, history: [Message]) throws -> Agent {
        try Agent(
            model: model, tools: ToolRegistry([]),
            context: ToolContext(sessionID: SessionID(session), workingDirectory: NSTemporaryDirectory()),
            configuration: AgentConfiguration(toolsets: [], stream: false), history: history, compressor: compressor)
    }

    private func longHistory() -> [Message] {
        let filler = Array(repeating: "lorem", count: 80).joined(separator: " ")
        return (0..<40).flatMap { round in [Message.user("question \(round) \(filler)"), .assistant("answer \(round) \(filler)")] }
    }

    @Test("a session waiting for its summary holds up no other session; its next history is the compressed one")
    func onlyTheCompressingSessionWaits() async throws {
        let model = GatedSummaryModel()
        let compressor = ContextCompressor(model: model, settings: CompressionSettings(contextLength: 8_000))
        let long = try agent("long", model: model, compressor: compressor, history: longHistory())
        let short = try agent("short", model: model, compressor: compressor, history: [])

        async let compressing = long.respond(to: "and now?")
        while model.waiting == 0 { await Task.yield() }
        for turn in 0..<5 {
            let result = try await short.respond(to: "quick \(turn)")
            #expect(result.reply == "ok" && result.compaction == nil)
        }
        #expect(model.waiting == 1, "the long session is still waiting for its summary")
        model.release()
        let result = try await compressing
        let compaction = try #require(result.compaction)
        #expect(compaction.outcome == .summarized && model.summaryCalls.load(ordering: .relaxed) == 1)
        let history = await long.history
        #expect(history == compaction.history + result.messages)
        #expect(history.contains(where: ContextCompressor.isCompaction))
        #expect(TokenEstimator().tokens(in: history) < compressor.settings.thresholdTokens)

        let next = try await long.respond(to: "thanks")
        #expect(next.compaction == nil, "the compressed history is under the threshold")
    }
}
