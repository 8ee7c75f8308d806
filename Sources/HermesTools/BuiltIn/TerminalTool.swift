import HermesCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// `terminal`: runs a shell command (`/bin/bash -c`) in the session's working directory or
/// `workdir`, with a timeout, and returns its combined output, capped: past `outputCap` bytes
/// the middle is dropped and a marker says how much.
///
/// The command runs in its own process group, so a timeout or a cancelled turn kills the whole
/// pipeline, not just the shell.
struct TerminalTool: Tool {
    static let spec = ToolSpec(
        name: "terminal",
        description:
            "Execute a shell command and return its output (stdout and stderr combined) and exit code. Long output is truncated in the middle.",
        parameters: [
            "type": "object",
            "properties": [
                "command": ["type": "string", "description": "The command to execute"],
                "timeout": [
                    "type": "integer", "description": "Max seconds to wait (default: 180, max: 600)", "minimum": 1,
                    "maximum": 600,
                ],
                "workdir": ["type": "string", "description": "Working directory (default: the session's)"],
            ],
            "required": ["command"],
        ]
    )

    /// The most output returned to the model.
    var outputCap = 50_000

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let command = arguments["command"]?.stringValue ?? ""
        if case .refuse(let result) = await context.approvals.review(command) { return result }
        let timeout = arguments["timeout"]?.intValue.map { Duration.seconds($0) } ?? context.terminalTimeout
        let directory = context.resolve(arguments["workdir"]?.stringValue ?? ".")
        var options = PlatformOptions()
        options.processGroupID = 0
        let watchdog = Watchdog(clock: context.clock)
        let cap = outputCap
        let result: ExecutionResult<CappedOutput, SequenceOutput, CombinedErrorOutput>
        do {
            result = try await Subprocess.run(
                .path("/bin/bash"), arguments: ["-c", command], workingDirectory: .init(directory),
                platformOptions: options, input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                let processGroup = execution.processIdentifier.value
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await watchdog.guardProcessGroup(processGroup, timeout: timeout) }
                    var output = CappedOutput(cap: cap)
                    for try await chunk in execution.standardOutput {
                        chunk.withUnsafeBytes { output.append($0) }
                    }
                    watchdog.finished.store(true, ordering: .releasing)
                    group.cancelAll()
                    return output
                }
            }
        } catch let error as SubprocessError {
            throw ToolError(.failed, "terminal: cannot run the command in \(directory): \(error)")
        }
        try Task.checkCancellation()
        let exitCode: Int
        switch result.terminationStatus {
        case .exited(let code): exitCode = Int(code)
        case .signaled(let signal): exitCode = 128 + Int(signal)
        }
        if watchdog.timedOut.load(ordering: .acquiring) {
            throw ToolError(
                .timeout,
                "terminal: the command ran past its \(timeout.shortDescription) timeout and was killed. Output so far:\n\(context.redactor.redactOutput(result.closureResult.text, of: command))"
            )
        }
        let output = context.redactor.redactOutput(result.closureResult.text, of: command)
        return JSONValue.object(["output": .string(output), "exit_code": .int(exitCode)]).jsonText
    }
}

/// Kills a command's process group when it runs past its timeout (on the session's clock) or
/// its turn is cancelled.
private final class Watchdog: Sendable {
    let finished = Atomic<Bool>(false)
    let timedOut = Atomic<Bool>(false)
    let clock: any HermesClock

    init(clock: any HermesClock) { self.clock = clock }

    func guardProcessGroup(_ group: pid_t, timeout: Duration) async {
        let cancelled: Bool
        do {
            try await clock.sleep(until: clock.now + timeout, tolerance: nil)
            cancelled = false
        } catch {
            cancelled = true
        }
        if finished.load(ordering: .acquiring) { return }
        if !cancelled { timedOut.store(true, ordering: .releasing) }
        kill(-group, SIGKILL)
    }
}

/// Keeps the head and the tail of a byte stream within a cap, counting what was dropped between.
struct CappedOutput: Sendable {
    let cap: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var dropped = 0

    init(cap: Int) { self.cap = max(cap, 64) }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let headRoom = cap / 2 - head.count
        var rest = bytes[...]
        if headRoom > 0 {
            head.append(contentsOf: rest.prefix(headRoom))
            rest = rest.dropFirst(headRoom)
        }
        guard !rest.isEmpty else { return }
        tail.append(contentsOf: rest)
        let tailCap = cap - cap / 2
        if tail.count > tailCap {
            dropped += tail.count - tailCap
            tail.removeFirst(tail.count - tailCap)
        }
    }

    var text: String {
        if dropped == 0 { return String(decoding: head + tail, as: UTF8.self) }
        return String(decoding: head, as: UTF8.self) + "\n[... \(dropped) bytes of output truncated ...]\n"
            + String(decoding: tail, as: UTF8.self)
    }
}
