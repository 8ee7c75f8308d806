import CJemalloc

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

    private static func read<T: FixedWidthInteger>(_: T.Type, _ name: String) -> T? {
        var value: T = 0
        var size = MemoryLayout<T>.size
        return mallctl(name, &value, &size, nil, 0) == 0 ? value : nil
    }

    /// Sum over size classes of (requests × class size): bytes handed out so far.
    private static func cumulativeBytes() -> UInt64 {
        var total: UInt64 = 0
        let bins = read(UInt32.self, "arenas.nbins") ?? 0
        for bin in 0..<bins {
            let size = read(Int.self, "arenas.bin.\(bin).size") ?? 0
            let requests = read(UInt64.self, "stats.arenas.\(allArenas).bins.\(bin).nrequests") ?? 0
            total &+= UInt64(size) &* requests
        }
        let largeClasses = read(UInt32.self, "arenas.nlextents") ?? 0
        for index in 0..<largeClasses {
            let size = read(Int.self, "arenas.lextent.\(index).size") ?? 0
            let requests = read(UInt64.self, "stats.arenas.\(allArenas).lextents.\(index).nrequests") ?? 0
            total &+= UInt64(size) &* requests
        }
        return total
    }
}
