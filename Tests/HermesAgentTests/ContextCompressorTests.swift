import Foundation
import HermesCore
import HermesLLM
import HermesTelemetry
import Synchronization
import Testing

@testable import HermesAgent

/// A summary model that counts its calls, and can be slow or fail.
private final class SummaryModel: ChatModel {
    let calls = Atomic<Int>(0)
    let delay: Duration
    let failure: LLMError?

    init(delay: Duration = .zero, failure: LLMError? = nil) {
        self.delay = delay
        self.failure = failure
    }

    func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        calls.add(1, ordering: .relaxed)
        if delay > .zero { try await Task.sleep(for: delay) }
        if let failure { throw failure }
        let conversation = request.messages.last?.content ?? ""
        let lines = conversation.components(separatedBy: "\n\n[").count
        return ChatCompletion(message: .assistant("## Goal\nSummary of \(lines) messages."), finishReason: "stop")
    }
}

/// A long conversation: a task, then rounds of user question, assistant tool call, two results,
/// and an answer; each message about `words` words.
private func conversation(rounds: Int, words: Int = 60) -> [Message] {
    let filler = Array(repeating: "lorem", count: words).joined(separator: " ")
    var messages: [Message] = [.user("Task: tidy the repository. \(filler)"), .assistant("On it. \(filler)")]
    for round in 0..<rounds {
        messages.append(.user("Question \(round): \(filler)"))
        let calls = [
            ToolCall(id: "r\(round)a", name: "read_file", arguments: #"{"path":"a\#(round).swift"}"#),
            ToolCall(id: "r\(round)b", name: "search_files", arguments: #"{"pattern":"x"}"#),
        ]
        messages.append(.assistant(nil, toolCalls: calls))
        messages.append(.tool(callID: "r\(round)a", name: "read_file", content: "contents \(filler)"))
        messages.append(.tool(callID: "r\(round)b", name: "search_files", content: "matches \(filler)"))
        messages.append(.assistant("Answer \(round): \(filler)"))
    }
    return messages
}

/// Every tool call has its results right after it, and every result follows its call.
private func toolPairsAreIntact(_ messages: [Message]) -> Bool {
    var open: Set<String> = []
    for message in messages {
        switch message.role {
        case .tool:
            guard let id = message.toolCallID, open.remove(id) != nil else { return false }
        default:
            guard open.isEmpty else { return false }
            open = Set(message.toolCalls.map(\.id))
        }
    }
    return open.isEmpty
}

@Suite struct ContextCompressorTests {
    private let settings = CompressionSettings(contextLength: 8_000)

    @Test func theHeadAndTailStayTheMiddleBecomesOneSummary() async throws {
        let history = conversation(rounds: 16)
        let compressor = ContextCompressor(model: SummaryModel(), settings: settings)
        let compaction = try #require(await compressor.compress(history))
        let compacted = compaction.history
        #expect(compaction.outcome == .summarized && compaction.replaced > 10)
        #expect(Array(compacted.prefix(3)) == Array(history.prefix(3)), "the first three messages are kept")
        let summary = compacted[3]
        #expect(summary.role == .assistant, "after the head's user message, an assistant message")
        #expect(ContextCompressor.isCompaction(summary) && summary.content?.contains("## Goal") == true)
        let tail = compacted.dropFirst(4)
        #expect(Array(tail) == Array(history.suffix(tail.count)), "the tail is the history's end, unchanged")
        #expect(tail.contains { $0.role == .user } && tail.last == history.last)
        #expect(toolPairsAreIntact(compacted))
        #expect(compaction.tokensAfter < settings.thresholdTokens && compaction.tokensBefore > settings.thresholdTokens)
        #expect(compacted.count == history.count - compaction.replaced + 1)
    }

    @Test func noSpanStartsOrEndsInsideAToolGroup() {
        let history = conversation(rounds: 16)
        for protectFirst in 0...6 {
            for protectLast in [3, 5, 8, 20] {
                let settings = CompressionSettings(contextLength: 8_000, protectFirst: protectFirst, protectLast: protectLast)
                for compressedBefore in [false, true] {
                    guard let span = CompressionSpan.find(in: history, settings: settings, compressedBefore: compressedBefore) else { continue }
                    #expect(history[span.lowerBound].role != .tool, "starts at a call's result: \(span)")
                    if span.upperBound < history.count {
                        #expect(history[span.upperBound].role != .tool, "ends between a call and its results: \(span)")
                    }
                    #expect(history[span.upperBound...].contains { $0.role == .user })
                }
            }
        }
    }

    @Test func aLaterCompressionFoldsTheEarlierSummaryIn() async throws {
        let model = SummaryModel()
        let compressor = ContextCompressor(model: model, settings: settings)
        let first = try #require(await compressor.compress(conversation(rounds: 16)))
        let grown = first.history + conversation(rounds: 16).suffix(40)
        let second = try #require(await compressor.compress(grown))
        #expect(ContextCompressor.isCompaction(second.history[0]), "no head is protected the second time")
        #expect(second.history.filter(ContextCompressor.isCompaction).count == 1)
        #expect(toolPairsAreIntact(second.history))
    }

    @Test func theSameSpanIsSummarisedOnce() async throws {
        let model = SummaryModel(delay: .milliseconds(50))
        let cache = SummaryCache()
        let history = conversation(rounds: 16)
        let first = ContextCompressor(model: model, settings: settings, cache: cache)
        let second = ContextCompressor(model: model, settings: settings, cache: cache)
        async let a = first.compress(history)
        async let b = second.compress(history)
        let (one, two) = await (a, b)
        #expect(model.calls.load(ordering: .relaxed) == 1, "a concurrent caller waits for the same call")
        #expect(Set([one?.outcome, two?.outcome]) == [.summarized, .cached])
        let again = await first.compress(history)
        #expect(again?.outcome == .cached && again?.history == one?.history)
        #expect(model.calls.load(ordering: .relaxed) == 1)
        let other = await first.compress(history + conversation(rounds: 1))
        #expect(other?.outcome == .summarized && model.calls.load(ordering: .relaxed) == 2, "another span is another call")
    }

    @Test func theCacheIsBoundedByCountAndAge() async throws {
        let made = Atomic<Int>(0)
        let make: @Sendable () async throws -> String = {
            made.add(1, ordering: .relaxed)
            return "summary"
        }
        let small = SummaryCache(capacity: 2)
        for key in ["a", "b", "c", "a"] { _ = try await small.summary(for: key, make: make) }
        #expect(made.load(ordering: .relaxed) == 4, "a, b, c made; a was the least recently used and went")
        #expect(small.count == 2)
        #expect(try await small.summary(for: "c", make: make).source == .cached)

        let shortLived = SummaryCache(timeToLive: .milliseconds(20))
        _ = try await shortLived.summary(for: "x", make: make)
        try await Task.sleep(for: .milliseconds(40))
        #expect(try await shortLived.summary(for: "x", make: make).source == .made, "an expired summary is made again")

        let failing = SummaryCache()
        await #expect(throws: LLMError.self) {
            _ = try await failing.summary(for: "y") { throw LLMError(.timeout, "slow") }
        }
        #expect(failing.count == 0, "a failure is not cached")
    }

    @Test func aFailedOrSlowSummaryDropsTheMiddleBehindAMarker() async throws {
        let metrics = HermesMetrics()
        for model in [
            SummaryModel(failure: LLMError(.httpStatus, "HTTP 500 from the model", status: 500)),
            SummaryModel(delay: .seconds(5)),
        ] {
            let settings = CompressionSettings(contextLength: 8_000, summaryTimeout: .milliseconds(50))
            let compressor = ContextCompressor(model: model, settings: settings, cache: SummaryCache(), metrics: metrics)
            let compaction = try #require(await compressor.compress(conversation(rounds: 16)))
            #expect(compaction.outcome == .fallback)
            let marker = try #require(compaction.history.first { ContextCompressor.isCompaction($0) })
            #expect(marker.content?.contains("earlier messages were dropped") == true)
            #expect(compaction.failure?.contains("HTTP 500") == true || compaction.failure?.contains("longer than") == true)
            #expect(toolPairsAreIntact(compaction.history) && compaction.tokensAfter < settings.thresholdTokens)
        }
        let paused = ContextCompressor(model: SummaryModel(), settings: settings, metrics: metrics)
        #expect(await paused.compress(conversation(rounds: 16), summariesAllowed: false)?.outcome == .fallback)
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"hermes_compressions_total{outcome="fallback"} 3"#))
        #expect(exposition.contains("hermes_compression_duration_seconds_count 3"))
    }

    @Test func aShortConversationIsLeftAlone() async {
        let compressor = ContextCompressor(model: SummaryModel(), settings: settings)
        #expect(await compressor.compress(Array(conversation(rounds: 0) + [.user("hi")])) == nil)
        #expect(!compressor.needsCompression(tokens: settings.thresholdTokens))
        #expect(compressor.needsCompression(tokens: settings.thresholdTokens + 1))
    }
}
