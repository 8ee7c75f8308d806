import HermesTelemetry
import Testing

@Suite("Telemetry readers")
struct TelemetryTests {
    @Test("jemalloc counts the allocations made between two snapshots")
    func countsAllocations() throws {
        let before = try #require(Jemalloc.snapshot(), "the test binary links jemalloc through CJemalloc")
        var arrays: [[UInt8]] = []
        for index in 0..<1000 { arrays.append([UInt8](repeating: UInt8(index & 0xFF), count: 1000)) }
        let after = try #require(Jemalloc.snapshot())
        let delta = after.delta(since: before)
        #expect(delta.mallocCalls >= 1000)
        #expect(delta.cumulativeBytes >= 1_000_000)
        #expect(arrays.count == 1000)
    }

    @Test("process figures are read from /proc")
    func processStats() throws {
        let stats = try #require(ProcessStats.current())
        #expect(stats.residentBytes > 0)
        #expect(stats.peakResidentBytes >= stats.residentBytes)
        #expect(stats.threads >= 1)
        #expect(stats.openDescriptors >= 3)
    }
}
