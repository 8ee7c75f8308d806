import Foundation
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

@Suite("Allocation counting")
struct AllocationCountingTests {
    @Test("N allocations of S bytes are counted within 1%", arguments: [(100_000, 64), (20_000, 1000), (2_000, 100_000)])
    func knownPattern(count: Int, size: Int) throws {
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: count)
        defer { pointers.deallocate() }
        let (_, counted) = Jemalloc.countingAllocations {
            for index in 0..<count { pointers[index] = malloc(size) }
        }
        for index in 0..<count { free(pointers[index]) }
        let delta = try #require(counted, "the test binary links jemalloc through CJemalloc")
        #expect(abs(Double(delta.mallocCalls) - Double(count)) <= Double(count) * 0.01, "\(delta.mallocCalls) calls")
        #expect(Double(delta.cumulativeBytes) >= Double(count * size) * 0.99, "\(delta.cumulativeBytes) bytes")
        #expect(Double(delta.cumulativeBytes) <= Double(count * size) * 1.25 + 1_000_000, "size classes round up by at most 25%")
    }
}
