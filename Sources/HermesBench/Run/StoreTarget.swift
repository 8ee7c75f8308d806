import HermesCore
import HermesStore
import Synchronization

/// The session store alone: each request appends a user message and a reply of similar size to
/// its session (created on first use); the append's latency is `store.commit`.
final class StoreTarget: BenchTarget {
    private let store: SQLiteSessionStore
    private let recorder: RunRecorder
    private let created = Mutex<Set<String>>([])

    init(store: SQLiteSessionStore, recorder: RunRecorder) {
        self.store = store
        self.recorder = recorder
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        let session = SessionID(request.session)
        do {
            if created.withLock({ $0.insert(request.session).inserted }) {
                try await store.createSession(NewSession(id: session, source: "bench"))
            }
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
