import Testing

@testable import HermesBench

@Suite struct HeapGrowthTests {
    @Test func aFlatHeapAfterWarmUpDoesNotGrow() throws {
        // Warm-up fills caches, then the heap wobbles around 100 MB with requests in flight.
        let samples = (0..<60).map { second in second < 12 ? 20_000_000 + second * 6_000_000 : 100_000_000 + (second % 3) * 2_000_000 }
        let growth = try #require(RunRecorder.heapGrowth(samples))
        #expect(abs(growth) < 0.03)
    }

    @Test func aLeakShowsAsGrowth() throws {
        let samples = (0..<60).map { 100_000_000 + $0 * 1_000_000 }
        let growth = try #require(RunRecorder.heapGrowth(samples))
        #expect(growth > 0.3, "\(growth)")
        #expect(RunRecorder.heapGrowth(Array(samples.prefix(9))) == nil, "too short to tell")
    }
}
