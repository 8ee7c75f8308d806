import Foundation
import Testing

/// Something a test needs from the machine beyond the package: a tool, a Python module, root.
///
/// A test declares it as a trait, `@Test(.requires(.promtool))`: where it is missing the runner
/// reports the test as skipped, with what to install; under `CI=true` the test runs anyway and
/// fails on the missing prerequisite, since `scripts/bootstrap --test` installs them all.
public struct Prerequisite: Sendable {
    /// What is needed, e.g. `promtool`.
    public let name: String
    /// How to get it, e.g. `apt-get install prometheus`.
    public let remedy: String
    private let check: @Sendable () async -> Bool

    /// A prerequisite that `check` finds met or not.
    public init(_ name: String, remedy: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.remedy = remedy
        self.check = check
    }

    /// Whether the machine has it.
    public func isMet() async -> Bool { await check() }

    /// Whether a test that needs it should run: when it is met, and always under `CI=true`.
    public func shouldRun() async -> Bool {
        ProcessInfo.processInfo.environment["CI"] == "true" ? true : await isMet()
    }

    /// Fails the test, saying what to install, when it is missing (under `CI=true`, where the
    /// test runs regardless).
    public func require() async throws {
        guard await isMet() else {
            throw PrerequisiteMissing(description: "\(name) is missing: \(remedy) (scripts/bootstrap --test installs it)")
        }
    }

    /// An executable on `PATH` or at one of the usual places.
    public static func executable(_ name: String, remedy: String) -> Prerequisite {
        Prerequisite(name, remedy: remedy) { path(of: name) != nil }
    }

    /// The path of executable `name`, from `PATH` or `/usr/bin`, `/usr/local/bin`.
    public static func path(of name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (directories + ["/usr/bin", "/usr/local/bin"]).map { "\($0)/\(name)" }
            .first(where: FileManager.default.isExecutableFile)
    }

    /// A module that `python3` can import.
    public static func pythonModule(_ module: String, package: String) -> Prerequisite {
        Prerequisite("python3 module \(module)", remedy: "python3 -m pip install \(package)") {
            (try? await runProcess("python3", ["-c", "import \(module)"]).status) == 0
        }
    }

    /// `promtool`, Prometheus's checker.
    public static let promtool = executable("promtool", remedy: "apt-get install prometheus")
    /// The Prometheus server.
    public static let prometheus = executable("prometheus", remedy: "apt-get install prometheus")
    /// Python's `jsonschema`.
    public static let jsonschema = pythonModule("jsonschema", package: "jsonschema")
    /// Python's HdrHistogram port.
    public static let hdrh = pythonModule("hdrh", package: "hdrhistogram==0.10.8")
    /// Root, with the right to mount a small tmpfs (a full disk, a read-only directory).
    public static let tmpfsMounts = Prerequisite("root with the right to mount a tmpfs", remedy: "run the tests as root") {
        guard getuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "hermes-mount-probe-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? await runProcess("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status) == 0 else { return false }
        _ = try? await runProcess("umount", [probe])
        return true
    }
}

/// A test ran without what it needs.
public struct PrerequisiteMissing: Error, CustomStringConvertible {
    public let description: String
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where `prerequisite` is met (always under `CI=true`); elsewhere the
    /// runner reports it as skipped, with what to install.
    public static func requires(_ prerequisite: Prerequisite) -> Self {
        .enabled("needs \(prerequisite.name) (\(prerequisite.remedy))") { await prerequisite.shouldRun() }
    }
}
