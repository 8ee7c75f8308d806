import HermesAgent
import HermesCore
import HermesLLM
import HermesTesting
import HermesTools
import Testing

@Suite struct AgentCacheTests {
    private func agent(_ id: String) throws -> Agent {
        try Agent(
            model: ScriptedModel(reply: "ok"), tools: .builtIn(),
            context: ToolContext(sessionID: SessionID(id), workingDirectory: "/"), configuration: AgentConfiguration(toolsets: ["todo"]))
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
        let clock = ManualClock()
        let cache = AgentCache(capacity: 10, idleTTL: .seconds(60), clock: clock)
        cache.insert(try agent("a"), for: SessionID("a"))
        clock.advance(by: .seconds(30))
        cache.insert(try agent("b"), for: SessionID("b"))
        clock.advance(by: .seconds(31))
        #expect(cache.sweep() == 1)
        #expect(cache.agent(for: SessionID("a")) == nil)
        #expect(cache.agent(for: SessionID("b")) != nil)
        #expect(cache.evictions == 1)
    }
}
