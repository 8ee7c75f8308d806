import Crypto
import HermesCore
import OrderedCollections
import Synchronization

/// Summaries of conversation spans, so the same span is summarised once: by two agents of one
/// session, by a retried turn, by an agent rebuilt from the store. Keyed by a hash of the span
/// and of what shapes its summary (model, budget, prompt version). Bounded by count and age
/// (least recently used first). A span being summarised is shared too: a second caller waits
/// for the first call rather than making its own.
public final class SummaryCache: Sendable {
    private let capacity: Int
    private let timeToLive: Duration
    private let entries = Mutex(OrderedDictionary<String, Entry>())

    private enum Entry {
        case ready(String, stored: ContinuousClock.Instant)
        case pending(Task<String, any Error>)
    }

    /// How a summary was had.
    public enum Source: Sendable {
        /// Made by this call.
        case made
        /// Found, or shared with a call already making it.
        case cached
    }

    /// A cache of at most `capacity` summaries, each kept `timeToLive` after it was made.
    public init(capacity: Int = 512, timeToLive: Duration = .seconds(3600)) {
        self.capacity = max(1, capacity)
        self.timeToLive = timeToLive
    }

    /// Summaries held now (made or being made).
    public var count: Int { entries.withLock { $0.count } }

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
        let now = ContinuousClock.now
        enum Lookup {
            case hit(String)
            case wait(Task<String, any Error>)
            case make(Task<String, any Error>)
        }
        let lookup: Lookup = entries.withLock { entries in
            switch entries[key] {
            case .ready(let summary, let stored) where now - stored < timeToLive:
                entries.removeValue(forKey: key)
                entries[key] = .ready(summary, stored: stored)
                return .hit(summary)
            case .pending(let task):
                return .wait(task)
            case .ready, nil:
                // Unstructured on purpose: callers that come while it runs wait for it, and one
                // caller being cancelled must not cancel it for the others.
                let task = Task { try await make() }
                entries.removeValue(forKey: key)
                entries[key] = .pending(task)
                evict(&entries, now: now)
                return .make(task)
            }
        }
        switch lookup {
        case .hit(let summary):
            return (summary, .cached)
        case .wait(let task):
            return (try await task.value, .cached)
        case .make(let task):
            do {
                let summary = try await task.value
                entries.withLock { entries in
                    entries.removeValue(forKey: key)
                    entries[key] = .ready(summary, stored: .now)
                    evict(&entries, now: .now)
                }
                return (summary, .made)
            } catch {
                entries.withLock { _ = $0.removeValue(forKey: key) }
                throw error
            }
        }
    }

    /// Drops expired summaries, then the least recently used until within capacity (a summary
    /// being made is never dropped: its callers are waiting for it).
    private func evict(_ entries: inout OrderedDictionary<String, Entry>, now: ContinuousClock.Instant) {
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
