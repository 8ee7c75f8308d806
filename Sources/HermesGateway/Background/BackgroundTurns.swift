import ServiceLifecycle
import Synchronization

/// Runs work that outlives its request (a platform webhook is answered at once; its turn and
/// reply delivery follow) as child tasks of one service, so that a graceful shutdown waits for
/// all of it before the store closes.
public final class BackgroundTurns: Service, Sendable {
    public typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let feed: AsyncStream<Job>.Continuation
    private let accepting = Mutex(true)

    /// Makes an idle runner; jobs start once `run()` runs.
    public init() {
        (jobs, feed) = AsyncStream<Job>.makeStream()
    }

    /// Starts `job` in the background; `false` once shutdown has begun (the caller should answer
    /// so that the platform retries later).
    public func submit(_ job: @escaping Job) -> Bool {
        accepting.withLock { accepting in
            guard accepting else { return false }
            feed.yield(job)
            return true
        }
    }

    /// Runs submitted jobs until graceful shutdown (or cancellation), then waits for the running ones.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                self.stopAccepting()
            }
            for await job in jobs {
                group.addTask { await job() }
            }
        }
    }

    private func stopAccepting() {
        accepting.withLock { accepting in
            accepting = false
            feed.finish()
        }
    }
}
