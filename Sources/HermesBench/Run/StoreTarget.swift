import HermesCore
import HermesStore
import Synchronization

/// The session store alone: each request appends a user message and a reply of similar size to
/// its session (created on first use); the append's latency is `store.commit`.
final class StoreTarget: BenchTarget {
    private let store: SQLiteSessionStore
    private let recorder: RunRecorder
    /// Each session's creation, which every request of it awaits: a second request of a new
    /// session must not append before the first one's `createSession` committed.
    private let creations = Mutex<[String: Task<Void, any Error>]>([:])

    init(store: SQLiteSessionStore, recorder: RunRecorder) {
        self.store = store
        self.recorder = recorder
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        let session = SessionID(request.session)
        do {
            let store = store
            let creation = creations.withLock { creations in
                if let existing = creations[request.session] { return existing }
                let created = Task { try await store.createSession(NewSession(id: session, source: "bench")) }
                creations[request.session] = created
                return created
            }
            try await creation.value
            let started = ContinuousClock.now
            try await store.append(
                [.user(request.text), .assistant(String(request.text.reversed()))], to: session,
                usage: SessionUsage(inputTokens: 10, outputTokens: 10, apiCalls: 1))
            recorder.record(ContinuousClock.now - started, as: "store.commit")
            return .completed(TurnTimings())
        } catch let error as StoreError {
            return .failed(kind: "store_\(error.code)")
        } catch {
            return .failed(kind: "error")
        }
    }
}
