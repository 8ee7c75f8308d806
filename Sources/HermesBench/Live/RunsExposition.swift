import Foundation

/// What `hermes-bench serve` exposes at `/metrics`: the figures of the run in progress in a runs
/// directory (its `live.prom`, which `run --live` rewrites every second), else those of the last
/// finished run (its `metrics.prom`). Reading the files on each scrape keeps `serve` a separate
/// process that costs the measured one nothing, and lets it outlive any run.
public struct RunsExposition: Sendable {
    /// Where `run` writes (`Reports/runs`); run directories directly in it, or one level down
    /// (`run --out DIR` inside it).
    public var directory: String
    /// A `live.prom` older than this belongs to a run that died; it is passed over.
    public var staleAfter: TimeInterval = 10

    public init(directory: String) { self.directory = directory }

    /// The run whose figures are exposed.
    public struct Source: Sendable, Equatable {
        public var file: String
        public var running: Bool
    }

    /// The run in progress, else the newest finished run; nil when there is none.
    public func source(now: Date = Date()) -> Source? {
        var newestLive: (Date, String)?
        var newestFinished: (Date, String)?
        for run in runDirectories() {
            if let modified = modification(run + "/" + ScenarioRunner.liveFile), now.timeIntervalSince(modified) <= staleAfter,
                modified > (newestLive?.0 ?? .distantPast)
            {
                newestLive = (modified, run + "/" + ScenarioRunner.liveFile)
            }
            if let modified = modification(run + "/metrics.prom"), modified > (newestFinished?.0 ?? .distantPast) {
                newestFinished = (modified, run + "/metrics.prom")
            }
        }
        if let newestLive { return Source(file: newestLive.1, running: true) }
        return newestFinished.map { Source(file: $0.1, running: false) }
    }

    /// The exposition: whether a run was found, then that run's families.
    public func text(now: Date = Date()) -> String {
        let source = source(now: now)
        let body = source.flatMap { try? String(contentsOfFile: $0.file, encoding: .utf8) }
        var text = """
            # HELP hermes_bench_serve_run_available Whether the figures of a run follow (1), or no run was found in the runs directory (0).
            # TYPE hermes_bench_serve_run_available gauge
            hermes_bench_serve_run_available \(body == nil ? 0 : 1)

            """
        if let body { text += body }
        return text
    }

    private func runDirectories() -> [String] {
        let manager = FileManager.default
        func subdirectories(_ path: String) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: path)) ?? []).map { (path as NSString).appendingPathComponent($0) }.filter {
                var isDirectory: ObjCBool = false
                return manager.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
            }
        }
        return subdirectories(directory).flatMap { [$0] + subdirectories($0) }
    }

    private func modification(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
