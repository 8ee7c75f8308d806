import HermesAgent
import HermesCore
import HermesLLM
import HermesTools
import Synchronization
import Testing

@testable import HermesGateway

@Suite struct AgentCacheTests {
    private struct SilentModel: ChatModel {
        func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
            ChatCompletion(message: .assistant("ok"))
        }
    }

    private func agent(_ id: String) throws -> Agent {
        try Agent(
            model: SilentModel(), tools: .builtIn(), context: ToolContext(sessionID: SessionID(id), workingDirectory: "/"),
            configuration: AgentConfiguration(toolsets: ["todo"]))
    }

    @Test func leastRecentlyUsedGoesFirst() throws {
        let cache = AgentCache(capacity: 2, idleTTL: .seconds(3600))
        cache.insert(try agent("a"), for: SessionID("a"))
        cache.insert(try agent("b"), for: SessionID("b"))
        #expect(cache.agent(for: SessionID("a")) != nil)
        cache.insert(try agent("c"), for: SessionID("c"))
        #expect(cache.agent(for: SessionID("b")) == nil)
        #expect(cache.agent(for: SessionID("a")) != nil)
        #expect(cache.count == 2)
        #expect(cache.evictions == 1)
    }

    @Test func idleAgentsExpire() throws {
        let now = TestClock()
        let cache = AgentCache(capacity: 10, idleTTL: .seconds(60)) { now.instant }
        cache.insert(try agent("a"), for: SessionID("a"))
        now.advance(by: .seconds(30))
        cache.insert(try agent("b"), for: SessionID("b"))
        now.advance(by: .seconds(31))
        #expect(cache.sweep() == 1)
        #expect(cache.agent(for: SessionID("a")) == nil)
        #expect(cache.agent(for: SessionID("b")) != nil)
        #expect(cache.evictions == 1)
    }
}

private final class TestClock: Sendable {
    private let now = Mutex(ContinuousClock.now)
    var instant: ContinuousClock.Instant { now.withLock { $0 } }
    func advance(by duration: Duration) { now.withLock { $0 += duration } }
}
