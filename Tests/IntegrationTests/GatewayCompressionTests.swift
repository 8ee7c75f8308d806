import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesGateway
import HermesLLM
import HermesRuntime
import HermesStore
import HermesTesting
import NIOHTTP1
import Testing

/// Answers chat requests with a short reply; summary requests with a summary, or an error.
private func summarisingModel(summaryFails: Bool = false) -> ScriptedModel {
    ScriptedModel { request, _ in
        guard request.isSummaryRequest else { return ChatCompletion(message: .assistant("noted")) }
        if summaryFails { throw LLMError(.httpStatus, "HTTP 503 from the summary model", status: 503) }
        return ChatCompletion(message: .assistant("## Goal\nThe user is describing zeppelins at length."))
    }
}

@Suite("gateway sessions that outgrow the context", .timeLimit(.minutes(1)))
struct GatewayCompressionTests {
    /// Agents without tools or streaming, compressing past 75% of a 6,000-token window.
    private func compressing(_ settings: inout RuntimeSettings) {
        settings.toolsets = []
        settings.stream = false
        settings.compression = CompressionSettings(contextLength: 6_000)
    }

    /// Sends `turns` long messages to one session; every one must be answered.
    private func chat(_ gateway: RunningGateway, session: String, turns: Int) async throws {
        let filler = Array(repeating: "zeppelin", count: 120).joined(separator: " ")
        for turn in 0..<turns {
            let word = turn == 0 ? "firstwordxyzzy " : ""
            let response = try await gateway.send(
                "/v1/chat/completions", body: RunningGateway.chat("\(word)turn \(turn): \(filler)"),
                headers: ["X-Hermes-Session-Id": session])
            #expect(response.status == 200, "turn \(turn): \(response.body)")
        }
    }

    @Test("the stored history is the compressed one; the replaced messages stay searchable; /metrics counts it")
    func compressionIsStoredAndCounted() async throws {
        try await withGateway(GatewayConfiguration(), model: summarisingModel(), settings: compressing) { gateway in
            try await chat(gateway, session: "long", turns: 30)
            let id = SessionID("long")
            let history = try await gateway.store.history(of: id)
            #expect(history.contains(where: ContextCompressor.isCompaction))
            #expect(!history.contains { $0.content?.contains("firstwordxyzzy") == true }, "the first turn was summarised away")
            let everything = try await gateway.store.messages(in: id, offset: 0, limit: nil, includeInactive: true)
            #expect(everything.count > history.count + 30)
            #expect(try await gateway.store.search(SearchQuery("firstwordxyzzy")).contains { $0.sessionID == id })
            #expect(try await gateway.store.session(id)?.messageCount == history.count)
            let scrape = try await gateway.send("/metrics", method: .GET).body
            #expect(scrape.contains(#"hermes_compressions_total{outcome="summarized"}"#))
            #expect(!scrape.contains(#"hermes_compressions_total{outcome="fallback"}"#))
        }
    }

    @Test("after a compression the prompt is kept word for word when the memory files are as it shows them, rebuilt and stored when not")
    func promptAfterCompression() async throws {
        let home = NSTemporaryDirectory() + "hermes-compression-home-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let memories = home + "/memories/MEMORY.md"
        try FileManager.default.createDirectory(atPath: home + "/memories", withIntermediateDirectories: true)
        try "The user's airship is called Ada.".write(toFile: memories, atomically: true, encoding: .utf8)
        let model = summarisingModel()
        /// The system prompts of the chat requests of `session`'s turns (each turn's first message carries its text).
        func prompts() -> [String] {
            model.requests.filter { !$0.isSummaryRequest }.compactMap { $0.messages.first?.content }
        }
        try await withGateway(
            GatewayConfiguration(), model: model,
            settings: {
                compressing(&$0)
                $0.hermesHome = home
            }
        ) { gateway in
            try await chat(gateway, session: "unchanged", turns: 30)
            let unchanged = prompts()
            #expect(try await gateway.store.history(of: SessionID("unchanged")).contains(where: ContextCompressor.isCompaction))
            #expect(Set(unchanged).count == 1, "one prompt before and after the compression")
            #expect(unchanged.first?.contains("The user's airship is called Ada.") == true)
            #expect(try await gateway.store.session(SessionID("unchanged"))?.systemPrompt == unchanged.first)

            try await chat(gateway, session: "changed", turns: 1)
            let before = try #require(prompts().last)
            try "The user's airship is called Ada.\n§\nIts hangar is in Friedrichshafen.".write(
                toFile: memories, atomically: true, encoding: .utf8)
            try await chat(gateway, session: "changed", turns: 29)
            let changed = Array(prompts().dropFirst(unchanged.count))
            #expect(try await gateway.store.history(of: SessionID("changed")).contains(where: ContextCompressor.isCompaction))
            let after = try #require(changed.last)
            #expect(!before.contains("Friedrichshafen"), "the snapshot of the session's start")
            #expect(after.contains("Its hangar is in Friedrichshafen."), "rebuilt with the memory as it is now")
            #expect(Set(changed) == [before, after], "the first prompt until the compression, the rebuilt one after it")
            #expect(try await gateway.store.session(SessionID("changed"))?.systemPrompt == after)
        }
    }

    @Test("a failing summary model leaves the session usable, and the failure shows in /metrics")
    func failedSummariesFallBack() async throws {
        try await withGateway(
            GatewayConfiguration(), model: summarisingModel(summaryFails: true), settings: compressing
        ) { gateway in
            try await chat(gateway, session: "unlucky", turns: 30)
            let history = try await gateway.store.history(of: SessionID("unlucky"))
            #expect(history.contains { $0.content?.hasPrefix(ContextCompressor.fallbackPrefix) == true })
            #expect(TokenEstimator().tokens(in: history) < CompressionSettings(contextLength: 6_000).thresholdTokens + 500)
            let scrape = try await gateway.send("/metrics", method: .GET).body
            #expect(scrape.contains(#"hermes_compressions_total{outcome="fallback"}"#))
        }
    }
}
