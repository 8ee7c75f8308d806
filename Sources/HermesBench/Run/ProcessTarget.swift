import Foundation
import HermesCore
import HermesTools
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `target: process`: each request starts `hermes gateway` as a new process (a fresh session
/// database, models and web tools on the simulators), waits until it listens, sends the turn over
/// the API, then stops it with SIGTERM and waits for it to exit. `turn` is process start to
/// answer; `startup` the part until it listened; `shutdown` SIGTERM to exit (not in `turn`).
///
/// Foundation's `Process` starts it; reading its first line and waiting for its exit happen on
/// a Dispatch queue and in its termination handler, never on the concurrency pool's threads.
final class ProcessTarget: BenchTarget {
    private let executable: String
    private let environment: [String: String]
    private let scratch: String
    private let recorder: RunRecorder
    private let starts = Atomic<Int>(0)
    /// How long a start may take before the request counts as failed.
    static let startupTimeout = Duration.seconds(30)

    /// The `hermes` executable that sits beside the running `hermes-bench` (one build makes both).
    static var siblingExecutable: String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("hermes").path
    }

    init(executable: String, llm: String, web: WebConfiguration, scratch: String, recorder: RunRecorder) {
        self.executable = executable
        var environment = ProcessInfo.processInfo.environment
        environment["HERMES_BASE_URL"] = llm
        environment["API_SERVER_KEY"] = ScenarioRunner.apiKey
        environment["HERMES_WEB_BASE_URL"] = web.baseURL
        environment["HERMES_WEB_API_KEY"] = web.apiKey
        // The measured process must allocate as it would in production, whatever the harness uses.
        environment["MALLOC_CONF"] = nil
        // An empty home of the run's own: the user's ~/.hermes (its config.yaml, .env, memories)
        // must not change what is measured.
        environment["HERMES_HOME"] = scratch + "/home"
        try? FileManager.default.createDirectory(atPath: scratch + "/home", withIntermediateDirectories: true)
        self.environment = environment
        self.scratch = scratch
        self.recorder = recorder
    }

    func send(_ request: BenchRequest) async -> TurnOutcome {
        let index = starts.add(1, ordering: .relaxed).newValue
        let directory = scratch + "/start-\(index)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let started = ContinuousClock.now
        let child: Child
        do {
            child = try Child(
                executable: executable, arguments: ["gateway", "--host", "127.0.0.1", "--port", "0", "--db", directory + "/state.db"],
                environment: environment, log: directory + "/stderr.log")
        } catch {
            return .failed(kind: "spawn")
        }
        guard let url = await child.listeningURL(within: Self.startupTimeout) else {
            child.stop()
            _ = await child.exitStatus()
            return .failed(kind: "startup")
        }
        let startup = ContinuousClock.now - started
        var outcome: TurnOutcome = .failed(kind: "connection")
        if let client = LoadClient(baseURL: url) {
            outcome = await HTTPTarget(client: client, apiKey: ScenarioRunner.apiKey).send(request)
            await client.shutdown()
        }
        let stopping = ContinuousClock.now
        child.stop()
        let status = await child.exitStatus()
        recorder.record(ContinuousClock.now - stopping, as: "shutdown")
        guard case .completed(var timings) = outcome else { return outcome }
        guard status == 0 else { return .failed(kind: "exit_status_\(status)") }
        timings.startup = startup
        return .completed(timings)
    }

    /// One `hermes gateway` process.
    private final class Child: Sendable {
        private let process: Process
        private let output: Pipe
        private let exit: Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)> = Mutex((nil, nil))

        init(executable: String, arguments: [String], environment: [String: String], log: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = environment
            output = Pipe()
            process.standardOutput = output
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: log)
            self.process = process
            process.terminationHandler = { process in
                process.terminationHandler = nil  // it held self
                let waiter = self.exit.withLock { state in
                    state.status = process.terminationStatus
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: process.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                throw error
            }
        }

        /// The URL of its `listening on URL` line, or nil when it printed something else, ended,
        /// or took longer than `timeout`.
        func listeningURL(within timeout: Duration) async -> String? {
            let handle = output.fileHandleForReading
            let line = await withTaskGroup(of: String?.self) { group in
                group.addTask { await handle.nextLine() }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                let first = await group.next() ?? nil
                if first == nil { self.stop() }  // the reader then sees the pipe close
                group.cancelAll()
                return first
            }
            guard let line, line.hasPrefix("listening on ") else { return nil }
            return line.dropFirst("listening on ".count).split(separator: " ").first.map(String.init)
        }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        }

        /// Waits for the process to end; its exit status.
        func exitStatus() async -> Int32 {
            await withCheckedContinuation { continuation in
                let status = exit.withLock { state -> Int32? in
                    if state.status == nil { state.waiter = continuation }
                    return state.status
                }
                if let status { continuation.resume(returning: status) }
            }
        }
    }
}
