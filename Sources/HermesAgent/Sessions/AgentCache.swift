import HermesCore
import HermesTelemetry
import OrderedCollections
import Synchronization

/// The agents of recently active sessions: at most `capacity`, each dropped once idle for
/// `idleTTL`. A dropped agent is rebuilt from the store on its session's next turn, so the cache
/// holds nothing that cannot be lost.
///
/// Least recently used first in one `OrderedDictionary`: since use order is also idle order, the
/// expired entries are always at the front, and a sweep costs only what it removes.
public final class AgentCache: Sendable {
    /// The most agents kept.
    public let capacity: Int
    /// How long an unused agent is kept.
    public let idleTTL: Duration
    private let clock: any HermesClock
    private let metrics: HermesMetrics?
    private let state = Mutex(State())

    private struct Entry {
        var agent: Agent
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var entries: OrderedDictionary<SessionID, Entry> = [:]
        var evictions = 0
    }

    /// Makes an empty cache that keeps `hermes_agent_cache_entries` and
    /// `hermes_agent_cache_evictions_total` in `metrics`; idleness is measured on `clock`.
    public init(
        capacity: Int, idleTTL: Duration, metrics: HermesMetrics? = nil, clock: any HermesClock = ContinuousClock()
    ) {
        self.capacity = max(1, capacity)
        self.idleTTL = idleTTL
        self.metrics = metrics
        self.clock = clock
    }

    /// The agent of `session`, marked as just used; `nil` when it is not cached (or expired).
    public func agent(for session: SessionID) -> Agent? {
        let now = clock.now
        return state.withLock { state in
            sweep(&state, now: now)
            guard var entry = state.entries.removeValue(forKey: session) else { return nil }
            entry.lastUsed = now
            state.entries[session] = entry
            return entry.agent
        }
    }

    /// Keeps `agent` for `session`, evicting the least recently used agent when full.
    public func insert(_ agent: Agent, for session: SessionID) {
        let now = clock.now
        state.withLock { state in
            sweep(&state, now: now)
            state.entries.removeValue(forKey: session)
            state.entries[session] = Entry(agent: agent, lastUsed: now)
            while state.entries.count > capacity {
                state.entries.removeFirst()
                evicted(&state)
            }
            metrics?.setAgentCacheEntries(state.entries.count)
        }
    }

    /// Drops the agent of `session` (its state is no longer what the store holds).
    public func remove(_ session: SessionID) {
        state.withLock { state in
            state.entries.removeValue(forKey: session)
            metrics?.setAgentCacheEntries(state.entries.count)
        }
    }

    /// Drops agents idle for longer than `idleTTL`; returns how many are left.
    @discardableResult
    public func sweep() -> Int {
        let now = clock.now
        return state.withLock { state in
            sweep(&state, now: now)
            return state.entries.count
        }
    }

    /// Agents cached now (expired ones not yet swept included).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Agents dropped so far, for capacity or idleness.
    public var evictions: Int { state.withLock { $0.evictions } }

    private func sweep(_ state: inout State, now: ContinuousClock.Instant) {
        var swept = false
        while let first = state.entries.values.first, now - first.lastUsed > idleTTL {
            state.entries.removeFirst()
            evicted(&state)
            swept = true
        }
        if swept { metrics?.setAgentCacheEntries(state.entries.count) }
    }

    private func evicted(_ state: inout State) {
        state.evictions += 1
        metrics?.recordAgentEviction()
    }
}
