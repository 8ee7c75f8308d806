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
