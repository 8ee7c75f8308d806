import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The executables of this package, as built beside the running test binary.
public enum Executables {
    /// `hermes`.
    public static var hermes: String { sibling("hermes") }
    /// `hermes-bench`.
    public static var hermesBench: String { sibling("hermes-bench") }

    private static func sibling(_ name: String) -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(name).path
    }
}

/// An empty `HERMES_HOME` for the children of this test process, made once.
private let isolatedHome: String = {
    let path = NSTemporaryDirectory() + "hermes-test-home-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

/// What a process that ran to its end printed, and how it ended.
public struct ProcessOutput: Sendable {
    /// Its exit status (128 + N when signal N ended it).
    public var status: Int32
    /// What it wrote to standard output.
    public var standardOutput: String
    /// What it wrote to standard error.
    public var standardError: String
}

/// Runs `executable` (a path, or a name looked up in `PATH`) to its end with `arguments`,
/// `environment` added to this process's, `input` on its standard input, in `directory` (this
/// process's by default). It is awaited without holding a thread, which the suites running
/// beside it need.
public func runProcess(
    _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:], input: String? = nil,
    in directory: String? = nil
) async throws -> ProcessOutput {
    let result = try await Subprocess.run(
        executable.contains("/") ? .path(FilePath(executable)) : .name(executable), arguments: Arguments(arguments),
        environment: overlay(environment), workingDirectory: directory.map { FilePath($0) }, input: .string(input ?? ""),
        output: .string(limit: 64 << 20), error: .string(limit: 16 << 20))
    return ProcessOutput(
        status: result.terminationStatus.code, standardOutput: result.standardOutput,
        standardError: result.standardError)
}

/// A server or worker process running for the duration of `withChildProcess`.
public final class ChildProcess: Sendable {
    /// Its process id.
    public let processIdentifier: Int32
    private let lines: AsyncStream<String>
    private let signalling: @Sendable (Int32) -> Void
    private let signalled = Mutex(false)

    init(processIdentifier: Int32, lines: AsyncStream<String>, signal: @escaping @Sendable (Int32) -> Void) {
        self.processIdentifier = processIdentifier
        self.lines = lines
        signalling = signal
    }

    /// Whether the test sent it a signal (then `withChildProcess` leaves its stopping to it).
    var wasSignalled: Bool { signalled.withLock { $0 } }

    /// Its next line of standard output; nil once it closed its output.
    public func nextLine() async -> String? {
        var iterator = lines.makeAsyncIterator()
        return await iterator.next()
    }

    /// The URL from its `listening on URL` line (its first line).
    public func listeningURL() async throws -> String {
        let line = await nextLine() ?? "(nothing)"
        guard line.hasPrefix("listening on ") else {
            throw ChildProcessError(message: "the process printed \"\(line)\" instead of its address")
        }
        return String(line.dropFirst("listening on ".count))
    }

    /// Sends it `signal` (`SIGTERM`, `SIGKILL`…).
    public func signal(_ signal: Int32) {
        signalled.withLock { $0 = true }
        signalling(signal)
    }
}

/// A child process that did not behave as expected.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What happened.
    public var message: String
    public var description: String { message }
}

/// Starts `executable` with `arguments` and `environment` (added to this process's), runs `body`
/// with it, then stops it with SIGTERM unless `body` signalled it, and waits for its end. Returns what
/// `body` returned, the exit status (128 + N for signal N) and what it wrote to standard error.
/// Its output is read as it comes, so it never blocks on a full pipe.
public func withChildProcess<T: Sendable>(
    _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
    _ body: (ChildProcess) async throws -> T
) async throws -> (value: T, status: Int32, standardError: String) {
    let result = try await Subprocess.run(
        .path(FilePath(executable)), arguments: Arguments(arguments), environment: overlay(environment), input: .none,
        output: .sequence, error: .sequence
    ) { execution in
        let (lines, feed) = AsyncStream<String>.makeStream()
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                for try await line in execution.standardOutput.strings() { feed.yield(line) }
                feed.finish()
                return nil
            }
            group.addTask {
                var text = ""
                for try await line in execution.standardError.strings() { text += line + "\n" }
                return text
            }
            let child = ChildProcess(processIdentifier: execution.processIdentifier.value, lines: lines) { signal in
                try? execution.send(signal: Signal(rawValue: signal))
            }
            let value: T
            do {
                value = try await body(child)
            } catch {
                child.signal(SIGKILL)
                while try await group.next() != nil {}
                throw error
            }
            if !child.wasSignalled { child.signal(SIGTERM) }
            var errors = ""
            while let output = try await group.next() { errors += output ?? "" }
            return (value, errors)
        }
    }
    return (result.closureResult.0, result.terminationStatus.code, result.closureResult.1)
}

extension TerminationStatus {
    /// The exit status as a shell reports it: the code, or 128 + N for signal N.
    var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}

/// This process's environment with `variables` set.
/// This process's environment with `variables` over it. `HERMES_HOME` is an empty directory of
/// its own unless `variables` names one, so no child reads the `~/.hermes` of whoever runs the
/// tests (its `config.yaml`, `.env`, memories).
private func overlay(_ variables: [String: String]) -> Environment {
    var overrides: [Environment.Key: String?] = [:]
    if variables["HERMES_HOME"] == nil, let key = Environment.Key(rawValue: "HERMES_HOME") {
        overrides[key] = isolatedHome
    }
    for (name, value) in variables {
        if let key = Environment.Key(rawValue: name) { overrides[key] = value }
    }
    return .inherit.updating(overrides)
}
