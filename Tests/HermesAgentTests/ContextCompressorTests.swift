import Foundation
import HermesCore
import HermesLLM
import HermesTelemetry
import HermesTesting
import Synchronization
import Testing

@testable import HermesAgent

/// A summary model: answers each summary request with a summary of that many messages, after
/// `gate` opens when one is given, or fails with `failure`.
private func summaryModel(gate: Gate? = nil, failure: LLMError? = nil) -> ScriptedModel {
    ScriptedModel { request, _ in
        await gate?.wait()
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
        let compressor = ContextCompressor(model: summaryModel(), settings: settings)
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
        let compressor = ContextCompressor(model: summaryModel(), settings: settings)
        let first = try #require(await compressor.compress(conversation(rounds: 16)))
        let grown = first.history + conversation(rounds: 16).suffix(40)
        let second = try #require(await compressor.compress(grown))
        #expect(ContextCompressor.isCompaction(second.history[0]), "no head is protected the second time")
        #expect(second.history.filter(ContextCompressor.isCompaction).count == 1)
        #expect(toolPairsAreIntact(second.history))
    }

    @Test func theSameSpanIsSummarisedOnce() async throws {
        let gate = Gate()
        let model = summaryModel(gate: gate)
        let cache = SummaryCache()
        let history = conversation(rounds: 16)
        let first = ContextCompressor(model: model, settings: settings, cache: cache)
        let second = ContextCompressor(model: model, settings: settings, cache: cache)
        async let a = first.compress(history)
        // The first call is in flight: the second compression of the same span shares it.
        await gate.waitForArrivals(1)
        async let b = second.compress(history)
        gate.open()
        let (one, two) = await (a, b)
        let made = try #require(one)
        let cached = try #require(two)
        #expect(model.calls == 1, "a concurrent caller waits for the same call")
        #expect(made.outcome == .summarized && cached.outcome == .cached && cached.history == made.history)
        let again = await first.compress(history)
        #expect(again?.outcome == .cached && again?.history == made.history)
        #expect(model.calls == 1)
        let other = await first.compress(history + conversation(rounds: 1))
        #expect(other?.outcome == .summarized && model.calls == 2, "another span is another call")
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

        let clock = ManualClock()
        let shortLived = SummaryCache(timeToLive: .seconds(60), clock: clock)
        _ = try await shortLived.summary(for: "x", make: make)
        clock.advance(by: .seconds(59))
        #expect(try await shortLived.summary(for: "x", make: make).source == .cached, "a summary lives its whole lifetime")
        clock.advance(by: .seconds(1))
        #expect(try await shortLived.summary(for: "x", make: make).source == .made, "an expired summary is made again")

        let failing = SummaryCache()
        await #expect(throws: LLMError.self) {
            _ = try await failing.summary(for: "y") { throw LLMError(.timeout, "slow") }
        }
        #expect(failing.count == 0, "a failure is not cached")
    }

    @Test func theCacheSharesACallInFlightAndNeverKeepsAFailure() {
        let start = ContinuousClock.now
        var state = SummaryCacheState<Int>(capacity: 2, timeToLive: .seconds(60))
        guard case .make(1) = state.lookup("a", now: start, start: { 1 }) else {
            Issue.record("the first lookup makes the summary")
            return
        }
        guard case .wait(1) = state.lookup("a", now: start, start: { 2 }) else {
            Issue.record("a lookup while it is made waits for that call")
            return
        }
        state.failed("a")
        guard case .make(3) = state.lookup("a", now: start, start: { 3 }) else {
            Issue.record("after a failure the next caller tries again")
            return
        }
        state.made("a", summary: "A", now: start)
        guard case .hit("A") = state.lookup("a", now: start + .seconds(59), start: { 4 }) else {
            Issue.record("a made summary is served until its lifetime ends")
            return
        }
        guard case .make = state.lookup("a", now: start + .seconds(60), start: { 5 }) else {
            Issue.record("an expired summary is made again")
            return
        }
        _ = state.lookup("b", now: start + .seconds(60), start: { 6 })
        _ = state.lookup("c", now: start + .seconds(60), start: { 7 })
        #expect(state.count == 3, "summaries being made are never evicted, whatever the capacity")
    }

    @Test func aFailedOrSlowSummaryDropsTheMiddleBehindAMarker() async throws {
        let metrics = HermesMetrics()
        let settings = CompressionSettings(contextLength: 8_000, summaryTimeout: .seconds(60))
        func check(_ compaction: Compaction?, failure: String) throws {
            let compaction = try #require(compaction)
            #expect(compaction.outcome == .fallback)
            let marker = try #require(compaction.history.first { ContextCompressor.isCompaction($0) })
            #expect(marker.content?.contains("earlier messages were dropped") == true)
            #expect(compaction.failure?.contains(failure) == true, "\(compaction.failure ?? "no failure")")
            #expect(toolPairsAreIntact(compaction.history) && compaction.tokensAfter < settings.thresholdTokens)
        }
        let failing = ContextCompressor(
            model: summaryModel(failure: LLMError(.httpStatus, "HTTP 500 from the model", status: 500)), settings: settings,
            cache: SummaryCache(), metrics: metrics)
        try check(await failing.compress(conversation(rounds: 16)), failure: "HTTP 500")

        // A summary that never comes: the timeout, on a clock the test moves, gives up on it.
        let clock = ManualClock()
        let stuck = Gate()
        let slow = ContextCompressor(
            model: summaryModel(gate: stuck), settings: settings, cache: SummaryCache(clock: clock), metrics: metrics,
            clock: clock)
        async let timedOut = slow.compress(conversation(rounds: 16))
        await stuck.waitForArrivals(1)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(60))
        try check(await timedOut, failure: "longer than 60s")

        let paused = ContextCompressor(model: summaryModel(), settings: settings, metrics: metrics)
        #expect(await paused.compress(conversation(rounds: 16), summariesAllowed: false)?.outcome == .fallback)
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"hermes_compressions_total{outcome="fallback"} 3"#))
        #expect(exposition.contains("hermes_compression_duration_seconds_count 3"))
    }

    @Test func aShortConversationIsLeftAlone() async {
        let compressor = ContextCompressor(model: summaryModel(), settings: settings)
        #expect(await compressor.compress(Array(conversation(rounds: 0) + [.user("hi")])) == nil)
        #expect(!compressor.needsCompression(tokens: settings.thresholdTokens))
        #expect(compressor.needsCompression(tokens: settings.thresholdTokens + 1))
    }
}
