import Foundation

/// The Mann-Whitney U test (Wilcoxon rank-sum), one-sided: does one sample tend to be larger
/// than another? It compares ranks, not means, so one wild repeat cannot swing it, and it
/// assumes no distribution. Written here because none of the listed packages does statistics.
enum MannWhitney {
    /// The probability of a rank sum at least as large as `larger`'s, were both samples drawn from
    /// one distribution: small when `larger` really is shifted up. Ties get mid-ranks. Exact (the
    /// permutation distribution, ties included) up to 60 values in all; beyond, the normal
    /// approximation with the tie correction.
    static func pValue(larger: [Double], than other: [Double]) -> Double {
        let m = larger.count
        let n = other.count
        guard m > 0, n > 0 else { return 1 }
        let pooled = (larger.map { ($0, true) } + other.map { ($0, false) }).sorted { $0.0 < $1.0 }
        // Doubled mid-ranks, so that ties stay integers.
        var doubledRanks = [Int](repeating: 0, count: pooled.count)
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            for index in start...end { doubledRanks[index] = start + end + 2 }
            start = end + 1
        }
        let observed = zip(pooled, doubledRanks).filter { $0.0.1 }.reduce(0) { $0 + $1.1 }
        if pooled.count <= 60 { return exact(ranks: doubledRanks, choose: m, atLeast: observed) }
        return normal(ranks: doubledRanks, m: m, n: n, observed: observed)
    }

    /// The share of the size-`choose` subsets of `ranks` whose sum is at least `atLeast`,
    /// counted by dynamic programming over (subset size, sum).
    private static func exact(ranks: [Int], choose: Int, atLeast: Int) -> Double {
        let total = ranks.reduce(0, +)
        var ways = [[Double]](repeating: [Double](repeating: 0, count: total + 1), count: choose + 1)
        ways[0][0] = 1
        for rank in ranks {
            for size in stride(from: choose, through: 1, by: -1) {
                for sum in stride(from: total, through: rank, by: -1) where ways[size - 1][sum - rank] > 0 {
                    ways[size][sum] += ways[size - 1][sum - rank]
                }
            }
        }
        let all = ways[choose].reduce(0, +)
        let tail = ways[choose][atLeast...].reduce(0, +)
        return tail / all
    }

    private static func normal(ranks: [Int], m: Int, n: Int, observed: Int) -> Double {
        let size = Double(m + n)
        let rankSum = Double(observed) / 2
        let mean = Double(m) * (size + 1) / 2
        var tieTerm = 0.0
        var counts: [Int: Int] = [:]
        for rank in ranks { counts[rank, default: 0] += 1 }
        for count in counts.values where count > 1 { tieTerm += Double(count * count * count - count) }
        let variance = Double(m * n) / 12 * ((size + 1) - tieTerm / (size * (size - 1)))
        guard variance > 0 else { return 1 }
        let z = (rankSum - mean - 0.5) / variance.squareRoot()  // continuity correction
        return 0.5 * erfc(z / 2.0.squareRoot())
    }
}
