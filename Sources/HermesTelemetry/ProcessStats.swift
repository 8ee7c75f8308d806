import Foundation

/// Figures of this process from `/proc` (Linux): CPU time, memory, threads, descriptors.
public struct ProcessStats: Sendable, Hashable, Codable {
    /// User-mode CPU seconds.
    public var cpuUserSeconds: Double
    /// Kernel-mode CPU seconds.
    public var cpuSystemSeconds: Double
    /// Resident set size now, bytes.
    public var residentBytes: Int
    /// Peak resident set size, bytes.
    public var peakResidentBytes: Int
    /// Threads.
    public var threads: Int
    /// Open file descriptors.
    public var openDescriptors: Int

    /// Reads the current figures; `nil` where `/proc` is not there.
    public static func current() -> ProcessStats? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        else { return nil }
        // Fields after the command name, which is in parentheses and may hold spaces.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        func field(_ number: Int) -> Double { fields.count > number - 3 ? Double(fields[number - 3]) ?? 0 : 0 }
        func kilobytes(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return ProcessStats(
            cpuUserSeconds: field(14) / ticks,
            cpuSystemSeconds: field(15) / ticks,
            residentBytes: kilobytes("VmRSS"),
            peakResidentBytes: kilobytes("VmHWM"),
            threads: Int(field(20)),
            openDescriptors: max(0, descriptors - 1)
        )
    }

    /// When this process started, in seconds since 1970 (boot time plus the start tick in
    /// `/proc/self/stat`); `nil` where `/proc` is not there.
    public static let startTime: Double? = {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"),
            let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(bootLine.dropFirst("btime ".count))
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 (starttime), counted from the state field, which is field 3.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }()
}
