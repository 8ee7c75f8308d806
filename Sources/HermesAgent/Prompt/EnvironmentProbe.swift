import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Python's toolchain probe (`tools/env_probe.py`): one line for the system prompt that names
/// the state of `python3`, `python`, `pip`, PEP 668 and `uv` when something there would trip
/// the model up (no pip module, a `pip` of another Python, an externally managed Python without
/// uv), and nothing when all is well.
///
/// The probe runs once per process, on a thread of its own, as Python's does: the state does
/// not change in a way that matters while the process runs, and a wedged command must not hold
/// a prompt. A prompt awaits it at most `longestWait` (suspended, holding no thread: a thread of
/// the blocking pool held for the probe's seconds of Python start-ups would stall every file
/// read queued behind it), then is built without the line (later prompts wait no more once one
/// has timed out, and get the line once the probe ends).
///
/// Python skips the probe when its terminal runs in a container or on another host; ours
/// always runs commands on this machine, so its Python is always the one that matters.
public enum EnvironmentProbe {
    /// What the probe found.
    struct Findings: Sendable, Equatable {
        /// `python3`'s version (`3.12.4`); nil when it is not on `PATH` or does not answer.
        var python3: String?
        /// `python`'s version, likewise.
        var python: String?
        /// Whether `python3 -m pip --version` succeeds.
        var python3HasPip = false
        /// The Python version `pip --version` names (`3.12`); nil without a `pip`.
        var pipPython: String?
        /// Whether `python3`'s standard library is marked `EXTERNALLY-MANAGED` (PEP 668).
        var python3ExternallyManaged = false
        /// Whether `uv` is on `PATH`.
        var hasUV = false
    }

    /// How long a prompt waits for the probe (Python's `_PROBE_WAIT_TIMEOUT`).
    static let longestWait: Duration = .seconds(10)
    /// How long each of its commands may run (Python's 3 s).
    static let commandTimeout: Duration = .seconds(3)

    private static let outcome = Outcome()
    private static let waitedOut = Atomic(false)
    /// Starts the probe the first time it is read (a static's initializer runs once).
    private static let started: Void = {
        Thread.detachNewThread { outcome.finish(line(for: probe())) }
    }()

    /// Starts the probe now, if it has not started, so that it runs while the runtime starts
    /// rather than when the first prompt is built.
    public static func start() { _ = started }

    /// The line for the system prompt, or "" when there is nothing to say or the probe has not
    /// answered in time: awaited up to `longestWait` the first time, 50 ms once a wait timed out.
    public static func line() async -> String {
        _ = started
        if let known = outcome.line { return known }
        let wait: Duration = waitedOut.load(ordering: .relaxed) ? .milliseconds(50) : longestWait
        let answer = await withTaskGroup(of: String?.self) { group in
            group.addTask { await outcome.wait() }
            group.addTask {
                try? await Task.sleep(for: wait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let answer else {
            if !Task.isCancelled { waitedOut.store(true, ordering: .relaxed) }
            return ""
        }
        return answer
    }

    /// The probe's line once it is known, and the prompts awaiting it.
    private final class Outcome: Sendable {
        private struct State {
            var line: String?
            var nextWaiter: UInt64 = 0
            var waiters: [UInt64: CheckedContinuation<String?, Never>] = [:]
        }

        private let state = Mutex(State())

        /// The line, once the probe has answered.
        var line: String? { state.withLock { $0.line } }

        /// The probe answered: every waiter gets `line`.
        func finish(_ line: String) {
            let waiters = state.withLock { state in
                state.line = line
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume(returning: line) }
        }

        /// The line once the probe answers; nil when the waiting task is cancelled first.
        func wait() async -> String? {
            let id = state.withLock { state in
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                    let now: String?? = state.withLock { state in
                        if let line = state.line { return .some(line) }
                        if Task.isCancelled { return .some(nil) }
                        state.waiters[id] = continuation
                        return .none
                    }
                    if case .some(let value) = now { continuation.resume(returning: value) }
                }
            } onCancel: {
                state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
            }
        }
    }

    /// `_build_probe_line`: silent when `python3` has pip, matches `pip`, and is not externally
    /// managed unless uv is there; else the facts, in Python's words.
    static func line(for found: Findings) -> String {
        let mismatch = found.pipPython.map { pip in found.python3.map { !$0.hasPrefix(pip) } ?? false } ?? false
        if found.python3 != nil, found.python3HasPip, !mismatch, !found.python3ExternallyManaged || found.hasUV { return "" }
        var bits: [String] = []
        if let version = found.python3 {
            bits.append("python3=\(version)" + (found.python3HasPip ? "" : " (no pip module)"))
        } else {
            bits.append("python3=missing")
        }
        if let version = found.python, version != found.python3 {
            bits.append("python=\(version)")
        } else if found.python == nil, found.python3 != nil {
            // Debian and Ubuntu have no `python`: said, so the model does not type it and fail.
            bits.append("python=missing (use python3)")
        }
        if let pip = found.pipPython {
            if mismatch {
                bits.append("pip\u{2192}python\(pip) (mismatch)")
            } else if !found.python3HasPip {
                bits.append("pip\u{2192}python\(pip)")
            }
        } else if !found.python3HasPip {
            bits.append("pip=missing")
        }
        if found.python3ExternallyManaged { bits.append("PEP 668=yes (use venv or uv)") }
        if found.hasUV { bits.append("uv=installed") }
        return "Python toolchain: " + bits.joined(separator: ", ") + "."
    }

    /// The commands Python's probe runs, each bounded by `commandTimeout`, all at once, each on a
    /// thread of its own: Python runs them one after another, but they do not depend on each
    /// other (a result that Python would not have asked for, once `python3` turns out missing, is
    /// dropped), and five Python start-ups in a row, through pyenv's shims, take over a second.
    static func probe() -> Findings {
        let code =
            "import sys, os;stdlib = os.path.dirname(os.__file__);marker = os.path.join(stdlib, 'EXTERNALLY-MANAGED');print('yes' if os.path.exists(marker) else 'no')"
        let checks: [@Sendable () -> Findings] = [
            { Findings(python3: version(of: "python3")) },
            { Findings(python: version(of: "python")) },
            { Findings(python3HasPip: succeeds(["python3", "-m", "pip", "--version"])) },
            {
                guard isOnPath("pip"), let output = run(["pip", "--version"]), output.status == 0 else { return Findings() }
                return Findings(pipPython: pipPython(output.text))
            },
            { Findings(python3ExternallyManaged: run(["python3", "-c", code]).map { $0.status == 0 && $0.text == "yes" } ?? false) },
        ]
        let results = Mutex([Findings](repeating: Findings(), count: checks.count))
        let done = DispatchGroup()
        for (index, check) in checks.enumerated() {
            done.enter()
            Thread.detachNewThread {
                let found = check()
                results.withLock { $0[index] = found }
                done.leave()
            }
        }
        done.wait()
        let each = results.withLock { $0 }
        var found = Findings()
        found.python3 = each[0].python3
        found.python = each[1].python
        found.pipPython = each[3].pipPython
        if found.python3 != nil {
            found.python3HasPip = each[2].python3HasPip
            found.python3ExternallyManaged = each[4].python3ExternallyManaged
        }
        found.hasUV = isOnPath("uv")
        return found
    }

    /// `_pip_python_version`: `3.12` from `pip 24.0 from … (python 3.12)`.
    static func pipPython(_ output: String) -> String? {
        guard output.hasSuffix(")"), let start = output.range(of: "(python ", options: .backwards) else { return nil }
        let version = SystemPrompt.pythonStrip(String(output[start.upperBound...].dropLast()))
        return version.isEmpty ? nil : version
    }

    private static func version(of binary: String) -> String? {
        guard isOnPath(binary) else { return nil }
        let code = "import sys; print(f'{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}')"
        guard let output = run([binary, "-c", code]), output.status == 0, !output.text.isEmpty else { return nil }
        return output.text
    }

    private static func succeeds(_ arguments: [String]) -> Bool { run(arguments)?.status == 0 }

    /// `_run`: the command's status and its output, trimmed; nil when it did not run or end in time.
    private static func run(_ arguments: [String]) -> (status: Int32, text: String)? {
        guard isOnPath(arguments[0]), let output = ShortCommand.run(arguments, timeout: commandTimeout) else { return nil }
        return (output.status, SystemPrompt.pythonStrip(output.standardOutput))
    }

    /// `shutil.which(name) is not None`: an executable file of that name in a folder of `PATH`
    /// (`/bin:/usr/bin` when it is unset, an empty entry being the current folder).
    static func isOnPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/bin:/usr/bin"
        return path.split(separator: ":", omittingEmptySubsequences: false).contains { folder in
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + name
            var info = stat()
            return stat(candidate, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR && access(candidate, X_OK) == 0
        }
    }
}
