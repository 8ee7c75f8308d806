import Foundation
import HermesConfig
import HermesCore
import HermesSimulators

/// When each request of an open workload is due, as offsets from the start of the run.
///
/// Arrivals follow the phases' rates, ramps included: the n-th arrival is where the cumulative
/// intensity ∫rate reaches n (constant spacing) or the n-th point of a unit-rate Poisson process
/// mapped through that intensity (exponential gaps at the instantaneous rate). Seeded, so a seed
/// gives the same schedule.
public struct ArrivalSchedule: Sendable {
    /// The offsets, in order.
    public let offsets: [Duration]

    /// The schedule of `phases` (each duration multiplied by `scale`).
    public init(phases: [Workload.Phase], arrivals: Workload.Arrivals, scale: Double = 1, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        func gap() -> Double { arrivals == .poisson ? -log(1 - generator.unit()) : 1 }
        var offsets: [Duration] = []
        var phaseStart = 0.0
        // The cumulative intensity, from the current phase's start, at which the next request is due.
        var next = arrivals == .poisson ? gap() : 0
        for phase in phases {
            let length = phase.duration.seconds * scale
            let r0 = phase.rate.perSecond
            let r1 = (phase.rampTo ?? phase.rate).perSecond
            let total = (r0 + r1) / 2 * length
            while next < total {
                let at = phaseStart + Self.time(reaching: next, r0: r0, r1: r1, length: length)
                offsets.append(.nanoseconds(Int64(at * 1e9)))
                next += gap()
            }
            next -= total
            phaseStart += length
        }
        self.offsets = offsets
    }

    /// The time within a phase at which its cumulative intensity reaches `intensity`.
    private static func time(reaching intensity: Double, r0: Double, r1: Double, length: Double) -> Double {
        let slope = (r1 - r0) / length
        if abs(slope) < 1e-12 { return intensity / r0 }
        // r0·t + slope·t²/2 = intensity
        return (-r0 + (r0 * r0 + 2 * slope * intensity).squareRoot()) / slope
    }

    /// How many requests are due by `elapsed` (a binary search over the sorted offsets).
    public func due(by elapsed: Duration) -> Int {
        var low = 0
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] <= elapsed { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
