import HermesCore
import HermesGateway
import Synchronization

/// Matches the gateway's delivery reports to the requests waiting for them, by update id,
/// whichever comes first: a report that arrives before its request waits is kept for it.
/// Waits time out on `clock`.
final class DeliveryWaiters: Sendable {
    private let waiters = Mutex<[Int64: Waiter]>([:])
    private let clock: any HermesClock

    private enum Waiter {
        case waiting(CheckedContinuation<PlatformDelivery?, Never>)
        case arrived(PlatformDelivery)
        case abandoned
    }

    init(clock: any HermesClock = ContinuousClock()) {
        self.clock = clock
    }

    /// Requests waiting for their report now.
    var waiting: Int {
        waiters.withLock { waiters in
            waiters.values.filter {
                if case .waiting = $0 { return true }
                return false
            }.count
        }
    }

    /// The gateway's report of a reply delivered (or given up on).
    func delivered(_ delivery: PlatformDelivery) {
        let continuation: CheckedContinuation<PlatformDelivery?, Never>? = waiters.withLock { waiters in
            switch waiters[delivery.updateID] {
            case .waiting(let continuation):
                waiters[delivery.updateID] = nil
                return continuation
            case .abandoned:
                waiters[delivery.updateID] = nil
                return nil
            case .arrived, nil:
                waiters[delivery.updateID] = .arrived(delivery)
                return nil
            }
        }
        continuation?.resume(returning: delivery)
    }

    /// The report for `update`; nil when none came within `timeout`.
    func wait(for update: Int64, timeout: Duration) async -> PlatformDelivery? {
        await withTaskGroup(of: PlatformDelivery?.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let ready: PlatformDelivery?? = self.waiters.withLock { waiters in
                            switch waiters[update] {
                            case .arrived(let delivery):
                                waiters[update] = nil
                                return .some(delivery)
                            case .abandoned:
                                waiters[update] = nil
                                return .some(nil)
                            case .waiting, nil:
                                waiters[update] = .waiting(continuation)
                                return nil
                            }
                        }
                        if let ready { continuation.resume(returning: ready) }
                    }
                } onCancel: {
                    self.abandon(update)
                }
            }
            let deadline = clock.now + timeout
            group.addTask { [clock] in
                try? await clock.sleep(until: deadline, tolerance: nil)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Gives up on `update`: a waiting task resumes with nil, a report arriving later is dropped.
    private func abandon(_ update: Int64) {
        let continuation: CheckedContinuation<PlatformDelivery?, Never>? = waiters.withLock { waiters in
            switch waiters[update] {
            case .waiting(let continuation):
                waiters[update] = nil
                return continuation
            case .arrived, .abandoned, nil:
                // The waiting task may not have registered yet; it will find this and resume with nil.
                waiters[update] = .abandoned
                return nil
            }
        }
        continuation?.resume(returning: nil)
    }
}
