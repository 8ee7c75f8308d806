import CJemalloc

#if canImport(Glibc)
    import Glibc
#endif

/// Allocation figures from jemalloc, the process allocator of both executables.
public struct AllocationSnapshot: Sendable, Hashable, Codable {
    /// Bytes in live allocations (`stats.allocated`).
    public var allocated: Int
    /// Bytes in active pages (`stats.active`).
    public var active: Int
    /// Bytes of physically resident allocator memory (`stats.resident`).
    public var resident: Int
    /// malloc-family calls so far (`stats.arenas.<ALL>.small.nrequests + large.nrequests`).
    public var mallocCalls: UInt64
    /// Bytes handed out so far: for each size class, its requests times its size (jemalloc keeps
    /// no exact byte total, so a request is counted at its size class, as package-benchmark does).
    public var cumulativeBytes: UInt64

    /// The change from `earlier` to this snapshot.
    public func delta(since earlier: AllocationSnapshot) -> AllocationDelta {
        AllocationDelta(
            mallocCalls: mallocCalls &- earlier.mallocCalls,
            cumulativeBytes: cumulativeBytes &- earlier.cumulativeBytes,
            allocatedChange: allocated - earlier.allocated
        )
    }
}

/// What happened between two snapshots.
public struct AllocationDelta: Sendable, Hashable, Codable {
    /// malloc-family calls made.
    public var mallocCalls: UInt64
    /// Bytes requested by those calls (by size class).
    public var cumulativeBytes: UInt64
    /// Change in live bytes.
    public var allocatedChange: Int
}

/// Reads jemalloc's statistics through `mallctl`.
///
/// The counts follow package-benchmark's method: flush this thread's cache, bump the `epoch` so
/// the totals are refreshed, then read the all-arenas counters. Counts of other threads' caches
/// reach the totals when those caches flush (on fill/GC), so take the difference over many
/// operations, not one.
public enum Jemalloc {
    private static let allArenas = 4096  // MALLCTL_ARENAS_ALL

    /// Whether jemalloc answers (the executable links it as the process allocator).
    public static var isAvailable: Bool {
        var version: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        return mallctl("version", &version, &size, nil, 0) == 0
    }

    /// The jemalloc version, when available.
    public static var version: String? {
        var version: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &version, &size, nil, 0) == 0, let version else { return nil }
        return String(cString: version)
    }

    /// Whether thread caches are on (`opt.tcache`). With them, requests served from a thread's
    /// cache reach the all-arenas counters only when that cache flushes, so call counts of a
    /// multi-threaded run come out low (by about a quarter in the turn benchmark). Run with
    /// `MALLOC_CONF=tcache:false` for exact counts.
    public static var threadCacheEnabled: Bool {
        var enabled = false
        var size = MemoryLayout<Bool>.size
        return mallctl("opt.tcache", &enabled, &size, nil, 0) == 0 && enabled
    }

    /// Bytes in live allocations now (`stats.allocated`), without the per-class totals of
    /// `snapshot()`: cheap enough to sample every second of a run.
    public static func allocatedBytes() -> Int? {
        guard isAvailable else { return nil }
        var epoch: UInt64 = 1
        mallctl("epoch", nil, nil, &epoch, MemoryLayout<UInt64>.size)
        return read(Int.self, "stats.allocated")
    }

    /// Current figures, or `nil` when jemalloc is not available.
    public static func snapshot() -> AllocationSnapshot? {
        guard isAvailable else { return nil }
        mallctl("thread.tcache.flush", nil, nil, nil, 0)
        var epoch: UInt64 = 1
        mallctl("epoch", nil, nil, &epoch, MemoryLayout<UInt64>.size)
        let small = read(UInt64.self, "stats.arenas.\(allArenas).small.nrequests") ?? 0
        let large = read(UInt64.self, "stats.arenas.\(allArenas).large.nrequests") ?? 0
        return AllocationSnapshot(
            allocated: read(Int.self, "stats.allocated") ?? 0,
            active: read(Int.self, "stats.active") ?? 0,
            resident: read(Int.self, "stats.resident") ?? 0,
            mallocCalls: small + large,
            cumulativeBytes: cumulativeBytes()
        )
    }

    /// Runs `body` on this thread with a private jemalloc arena and returns what it allocated:
    /// exact counts for single-threaded code, free of what other threads do meanwhile. `nil`
    /// counts when jemalloc is not available. `body` must not suspend (an `await` could move it
    /// to another thread).
    public static func countingAllocations<T>(_ body: () throws -> T) rethrows -> (result: T, allocations: AllocationDelta?) {
        var arena: UInt32 = 0
        var size = MemoryLayout<UInt32>.size
        guard isAvailable, mallctl("arenas.create", &arena, &size, nil, 0) == 0 else { return (try body(), nil) }
        // Every statistic name and size class is prepared first: reading must not allocate in the arena it measures.
        let counter = ArenaCounter(arena: Int(arena))
        defer { counter.release() }
        var previous: UInt32 = 0
        var previousSize = MemoryLayout<UInt32>.size
        mallctl("thread.tcache.flush", nil, nil, nil, 0)
        mallctl("thread.arena", &previous, &previousSize, &arena, MemoryLayout<UInt32>.size)
        defer { mallctl("thread.arena", nil, nil, &previous, MemoryLayout<UInt32>.size) }
        // Reading the counters itself shows up in them (a fixed amount per read, in jemalloc's own
        // bookkeeping): two reads with nothing between them measure it, and it is taken off.
        let first = counter.read()
        mallctl("thread.tcache.flush", nil, nil, nil, 0)
        let before = counter.read()
        let result = try body()
        mallctl("thread.tcache.flush", nil, nil, nil, 0)
        let after = counter.read()
        let calls = (after.calls &- before.calls) &- (before.calls &- first.calls)
        let bytes = (after.bytes &- before.bytes) &- (before.bytes &- first.bytes)
        return (result, AllocationDelta(mallocCalls: calls, cumulativeBytes: bytes, allocatedChange: 0))
    }

    /// The names of one arena's counters as C strings, made once: passing a Swift `String` (or a
    /// closure over locals) to `mallctl` may allocate, which would count in the arena measured.
    private struct ArenaCounter {
        let epoch: UnsafeMutablePointer<CChar>
        let calls: [UnsafeMutablePointer<CChar>]
        let classes: [(requests: UnsafeMutablePointer<CChar>, size: UInt64)]

        init(arena: Int) {
            epoch = strdup("epoch")
            calls = [strdup("stats.arenas.\(arena).small.nrequests"), strdup("stats.arenas.\(arena).large.nrequests")]
            var classes: [(UnsafeMutablePointer<CChar>, UInt64)] = []
            for bin in 0..<(Jemalloc.read(UInt32.self, "arenas.nbins") ?? 0) {
                let size = UInt64(Jemalloc.read(Int.self, "arenas.bin.\(bin).size") ?? 0)
                classes.append((strdup("stats.arenas.\(arena).bins.\(bin).nrequests"), size))
            }
            for index in 0..<(Jemalloc.read(UInt32.self, "arenas.nlextents") ?? 0) {
                let size = UInt64(Jemalloc.read(Int.self, "arenas.lextent.\(index).size") ?? 0)
                classes.append((strdup("stats.arenas.\(arena).lextents.\(index).nrequests"), size))
            }
            self.classes = classes
        }

        func read() -> (calls: UInt64, bytes: UInt64) {
            var value: UInt64 = 1
            var size = MemoryLayout<UInt64>.size
            mallctl(epoch, nil, nil, &value, size)
            var total: UInt64 = 0
            for name in calls {
                size = MemoryLayout<UInt64>.size
                if mallctl(name, &value, &size, nil, 0) == 0 { total &+= value }
            }
            var bytes: UInt64 = 0
            for (name, classSize) in classes {
                size = MemoryLayout<UInt64>.size
                if mallctl(name, &value, &size, nil, 0) == 0 { bytes &+= value &* classSize }
            }
            return (total, bytes)
        }

        func release() {
            free(epoch)
            for name in calls { free(name) }
            for (name, _) in classes { free(name) }
        }
    }

    fileprivate static func read<T: FixedWidthInteger>(_: T.Type, _ name: String) -> T? {
        var value: T = 0
        var size = MemoryLayout<T>.size
        return mallctl(name, &value, &size, nil, 0) == 0 ? value : nil
    }

    /// Sum over size classes of (requests × class size): bytes handed out so far.
    private static func cumulativeBytes(arena: Int = allArenas) -> UInt64 {
        var total: UInt64 = 0
        let bins = read(UInt32.self, "arenas.nbins") ?? 0
        for bin in 0..<bins {
            let size = read(Int.self, "arenas.bin.\(bin).size") ?? 0
            let requests = read(UInt64.self, "stats.arenas.\(arena).bins.\(bin).nrequests") ?? 0
            total &+= UInt64(size) &* requests
        }
        let largeClasses = read(UInt32.self, "arenas.nlextents") ?? 0
        for index in 0..<largeClasses {
            let size = read(Int.self, "arenas.lextent.\(index).size") ?? 0
            let requests = read(UInt64.self, "stats.arenas.\(arena).lextents.\(index).nrequests") ?? 0
            total &+= UInt64(size) &* requests
        }
        return total
    }
}
