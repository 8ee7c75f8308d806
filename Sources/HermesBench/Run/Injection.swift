import HermesCore
import Synchronization

/// A regression put into a run on purpose (`run --inject-delay 20ms --inject-allocations 1000`),
/// to check that a gate would catch one of that size. It is recorded in the report, and a
/// baseline is never made from such a run.
public struct Injection: Codable, Sendable, Hashable {
    /// Slept before each request is sent, inside the measured turn.
    public var delaySeconds: Double
    /// Heap allocations made before each request is sent (one object each).
    public var allocations: Int

    public init(delay: Duration = .zero, allocations: Int = 0) {
        delaySeconds = delay.seconds
        self.allocations = allocations
    }

    /// Whether it changes nothing.
    public var isEmpty: Bool { delaySeconds == 0 && allocations == 0 }
}

/// A target whose every turn pays the injection first.
struct InjectedTarget: BenchTarget {
    let wrapped: any BenchTarget
    let injection: Injection

    /// Where the injected objects go, so that the optimiser cannot remove their allocation.
    private static let sink = Mutex<[Garbage]>([])

    private final class Garbage: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        if injection.allocations > 0 {
            var garbage: [Garbage] = []
            garbage.reserveCapacity(injection.allocations)
            for index in 0..<injection.allocations { garbage.append(Garbage(index)) }
            Self.sink.withLock { $0 = garbage }
            Self.sink.withLock { $0 = [] }
        }
        if injection.delaySeconds > 0 { try? await Task.sleep(for: .seconds(injection.delaySeconds)) }
        return await wrapped.send(request)
    }
}
