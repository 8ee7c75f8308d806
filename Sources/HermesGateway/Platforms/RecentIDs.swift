import DequeModule
import Synchronization

/// The last `capacity` ids seen (Telegram update ids, webhook delivery ids), to drop the
/// retries platforms send when an answer was slow or lost. Bounded: the oldest id is forgotten
/// first.
public final class RecentIDs: Sendable {
    private let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var order: Deque<String> = []
        var members: Set<String> = []
    }

    /// Makes an empty set that remembers up to `capacity` ids.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Records `id`; `false` when it was already there (a duplicate).
    public func insert(_ id: String) -> Bool {
        state.withLock { state in
            guard state.members.insert(id).inserted else { return false }
            state.order.append(id)
            if state.order.count > capacity, let oldest = state.order.popFirst() { state.members.remove(oldest) }
            return true
        }
    }

    /// Forgets `id` (its work could not start, so a retry must be let through).
    public func remove(_ id: String) {
        state.withLock { state in
            guard state.members.remove(id) != nil, let index = state.order.firstIndex(of: id) else { return }
            state.order.remove(at: index)
        }
    }
}
