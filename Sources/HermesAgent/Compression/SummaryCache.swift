import Crypto
import HermesCore
import OrderedCollections
import Synchronization

/// Summaries of conversation spans, so the same span is summarised once: by two agents of one
/// session, by a retried turn, by an agent rebuilt from the store. Keyed by a hash of the span
/// and of what shapes its summary (model, budget, prompt version). Bounded by count and age
/// (least recently used first). A span being summarised is shared too: a second caller waits
/// for the first call rather than making its own.
///
/// The rules live in `SummaryCacheState`, a value that the cache drives with its clock's
/// instants; the cache adds only the lock and the tasks.
public final class SummaryCache: Sendable {
    private let clock: any HermesClock
    private let state: Mutex<SummaryCacheState<Task<String, any Error>>>

    /// How a summary was had.
    public enum Source: Sendable {
        /// Made by this call.
        case made
        /// Found, or shared with a call already making it.
        case cached
    }

    /// A cache of at most `capacity` summaries, each kept `timeToLive` after it was made, as
    /// measured on `clock`.
    public init(capacity: Int = 512, timeToLive: Duration = .seconds(3600), clock: any HermesClock = ContinuousClock()) {
        self.clock = clock
        state = Mutex(SummaryCacheState(capacity: capacity, timeToLive: timeToLive))
    }

    /// Summaries held now (made or being made).
    public var count: Int { state.withLock { $0.count } }

    /// The key of `span` summarised under `settings` (`fingerprint`: model, budget, prompt version).
    public static func key(for span: some Collection<Message>, fingerprint: String) -> String {
        var hasher = SHA256()
        func feed(_ text: String) {
            hasher.update(data: Array(text.utf8))
            hasher.update(data: [0x1F])
        }
        feed(fingerprint)
        for message in span {
            feed(message.role.rawValue)
            feed(message.content ?? "\u{0}")
            feed(message.toolCallID ?? "")
            for call in message.toolCalls {
                feed(call.id)
                feed(call.name)
                feed(call.arguments)
            }
            hasher.update(data: [0x1E])
        }
        return hasher.finalize().hexEncoded
    }

    /// The summary under `key`, made by `make` unless it is cached or being made; a failed
    /// `make` is not cached (the next caller tries again).
    public func summary(
        for key: String, make: @escaping @Sendable () async throws -> String
    ) async throws -> (summary: String, source: Source) {
        let now = clock.now
        // Unstructured on purpose: callers that come while it runs wait for it, and one caller
        // being cancelled must not cancel it for the others.
        let lookup = state.withLock { $0.lookup(key, now: now) { Task { try await make() } } }
        switch lookup {
        case .hit(let summary):
            return (summary, .cached)
        case .wait(let task):
            return (try await task.value, .cached)
        case .make(let task):
            do {
                let summary = try await task.value
                let done = clock.now
                state.withLock { $0.made(key, summary: summary, now: done) }
                return (summary, .made)
            } catch {
                state.withLock { $0.failed(key) }
                throw error
            }
        }
    }
}

/// The summary cache's rules as a value: least recently used first, a lifetime from the moment
/// a summary was made, a summary being made shared with whoever asks meanwhile and never
/// evicted, a failure never kept. `Pending` stands for the call in flight (a task, in the cache).
struct SummaryCacheState<Pending: Sendable>: Sendable {
    enum Entry: Sendable {
        case ready(String, stored: ContinuousClock.Instant)
        case pending(Pending)
    }

    /// What a lookup found, and so what the caller does.
    enum Lookup: Sendable {
        /// Use this summary.
        case hit(String)
        /// Wait for the call already making it.
        case wait(Pending)
        /// This call makes it: run `Pending`, then report `made` or `failed`.
        case make(Pending)
    }

    let capacity: Int
    let timeToLive: Duration
    private var entries: OrderedDictionary<String, Entry> = [:]

    init(capacity: Int, timeToLive: Duration) {
        self.capacity = max(1, capacity)
        self.timeToLive = timeToLive
    }

    var count: Int { entries.count }

    /// Looks `key` up at `now`; when it must be made, `start()` makes the pending call, which
    /// is recorded so that later lookups wait for it.
    mutating func lookup(_ key: String, now: ContinuousClock.Instant, start: () -> Pending) -> Lookup {
        switch entries[key] {
        case .ready(let summary, let stored) where now - stored < timeToLive:
            entries.removeValue(forKey: key)
            entries[key] = .ready(summary, stored: stored)
            return .hit(summary)
        case .pending(let pending):
            return .wait(pending)
        case .ready, nil:
            let pending = start()
            entries.removeValue(forKey: key)
            entries[key] = .pending(pending)
            evict(now: now)
            return .make(pending)
        }
    }

    /// The call for `key` returned `summary` at `now`.
    mutating func made(_ key: String, summary: String, now: ContinuousClock.Instant) {
        entries.removeValue(forKey: key)
        entries[key] = .ready(summary, stored: now)
        evict(now: now)
    }

    /// The call for `key` failed: nothing is kept, so the next caller tries again.
    mutating func failed(_ key: String) {
        entries.removeValue(forKey: key)
    }

    /// Drops expired summaries, then the least recently used until within capacity (a summary
    /// being made is never dropped: its callers are waiting for it).
    private mutating func evict(now: ContinuousClock.Instant) {
        let timeToLive = timeToLive
        entries.removeAll { _, entry in
            if case .ready(_, let stored) = entry { return now - stored >= timeToLive }
            return false
        }
        var index = 0
        while entries.count > capacity, index < entries.count {
            if case .ready = entries.values[index] {
                entries.remove(at: index)
            } else {
                index += 1
            }
        }
    }
}
