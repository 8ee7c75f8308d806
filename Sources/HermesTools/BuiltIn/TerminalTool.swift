import HermesCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// `terminal`: runs a shell command as Python's `terminal_tool` runs it on its local backend,
/// with its schema, checks and result shapes.
///
/// In the foreground the command runs in its own process group (so a timeout or a cancelled
/// turn kills the whole pipeline, not just the shell) within `timeout` seconds on the session's
/// clock, and its merged output comes back capped at `outputCap` characters, 40% head and 60%
/// tail around Python's truncation notice, ANSI escapes removed, trimmed and redacted. A
/// timeout is a result, exit code 124 and `[Command timed out after Ns]`, as in Python.
/// Before it runs: a foreground `timeout` over 600 s is refused, commands that would outlive
/// the call (`nohup`, `&`, dev servers) are sent to `background=true`, a dangerous command goes
/// to `context.approvals`, and `workdir` must pass Python's character allowlist.
///
/// With `background=true` it starts in `context.processes` and returns at once with the
/// process's `session_id`, which the `process` tool then polls, waits on, kills or writes to.
///
/// Each call is a fresh shell that carries on the session's shell (`ShellSession`: its
/// directory, exported variables, functions and aliases), with the runtime's credentials kept
/// out of its environment (`ShellEnvironment`), as in Python.
struct TerminalTool: Tool {
    static let spec = ToolSpec(
        name: "terminal",
        description:
            """
            Execute shell commands on a Linux environment. Filesystem, current working directory, and exported environment variables persist between calls.

            Do NOT use cat/head/tail to read files — use read_file instead.
            Do NOT use grep/rg/find to search — use search_files instead.
            Do NOT use ls to list directories — use search_files(target='files') instead.
            Do NOT use sed/awk to edit files — use patch instead.
            Do NOT use echo/cat heredoc to create files — use write_file instead.
            Reserve terminal for: builds, installs, git, processes, scripts, network, package managers, and anything that needs a shell.
            Because exported environment state persists, activate a virtualenv or export setup variables once per session; do not re-source the same environment before every command unless a command proves the shell state was reset.

            Foreground (default): Commands return INSTANTLY when done, even if the timeout is high. Set timeout=300 for long builds/scripts — you'll still get the result in seconds if it's fast. Prefer foreground for short commands.
            Background: Set background=true to get a session_id. Almost always pair with notify_on_complete=true — bg without notify runs SILENTLY and you have no way to learn it finished short of calling process(action='poll') yourself. Two legitimate uses:
              (1) Long-lived processes that never exit (servers, watchers, daemons) — silent is correct, there's no exit to notify on.
              (2) Long-running bounded tasks (tests, builds, deploys, CI pollers, batch jobs) — MUST set notify_on_complete=true. Without it you'll either forget to poll or sit blocked waiting for the user to surface the result.
            For servers/watchers, do NOT use shell-level background wrappers (nohup/disown/setsid/trailing '&') in foreground mode. Use background=true so Hermes can track lifecycle and output.
            After starting a server, verify readiness with a health check or log signal, then run tests in a separate terminal() call. Avoid blind sleep loops.
            Use process(action="poll") for progress checks, process(action="wait") to block until done.
            Working directory: Use 'workdir' for per-command cwd.
            PTY mode: Set pty=true for interactive CLI tools (Codex, Claude Code, Python REPL).

            Do NOT use vim/nano/interactive tools without pty=true — they hang without a pseudo-terminal. Pipe git output to cat if it might page.

            """,
        parameters: [
            "properties": [
                "background": [
                    "default": false,
                    "description":
                        "Run the command in the background. Almost always pair with notify_on_complete=true — without it, the process runs silently and you'll have no way to learn it finished short of calling process(action='poll') yourself (easy to forget, leading to silent blindness on long jobs). Two legitimate patterns: (1) Long-lived processes that never exit (servers, watchers, daemons) — these stay silent because there's no exit to notify on. (2) Long-running bounded tasks (tests, builds, deploys, CI pollers, batch jobs) — these MUST set notify_on_complete=true. For short commands, prefer foreground with a generous timeout instead.",
                    "type": "boolean",
                ],
                "command": [
                    "description": "The command to execute on the VM",
                    "type": "string",
                ],
                "notify_on_complete": [
                    "default": false,
                    "description":
                        "When true (and background=true), you'll be automatically notified exactly once when the process finishes. **This is the right choice for almost every long-running task** — tests, builds, deployments, multi-item batch jobs, anything that takes over a minute and has a defined end. Use this and keep working on other things; the system notifies you on exit. MUTUALLY EXCLUSIVE with watch_patterns — when both are set, watch_patterns is dropped.",
                    "type": "boolean",
                ],
                "pty": [
                    "default": false,
                    "description":
                        "Run in pseudo-terminal (PTY) mode for interactive CLI tools like Codex, Claude Code, or Python REPL. Only works with local and SSH backends. Default: false.",
                    "type": "boolean",
                ],
                "timeout": [
                    "description":
                        "Max seconds to wait (default: 180, foreground max: 600). Returns INSTANTLY when command finishes — set high for long tasks, you won't wait unnecessarily. Foreground timeout above 600s is rejected; use background=true for longer commands.",
                    "minimum": 1,
                    "type": "integer",
                ],
                "watch_patterns": [
                    "description":
                        "Strings to watch for in background process output. HARD RATE LIMIT: at most 1 notification per 15 seconds per process — matches arriving inside the cooldown are dropped. After 3 consecutive 15-second windows with dropped matches, watch_patterns is automatically disabled for that process and promoted to notify_on_complete behavior (one notification on exit, no more mid-process spam). USE ONLY for truly rare, one-shot mid-process signals on LONG-LIVED processes that will never exit on their own — e.g. ['Application startup complete'] on a server so you know when to hit its endpoint, or ['migration done'] on a daemon. DO NOT use for: (1) end-of-run markers like 'DONE'/'PASS' — use notify_on_complete instead; (2) error patterns like 'ERROR'/'Traceback' in loops or multi-item batch jobs — they fire on every iteration and you'll hit the strike limit fast; (3) anything you'd ever combine with notify_on_complete. When in doubt, choose notify_on_complete. MUTUALLY EXCLUSIVE with notify_on_complete — set one, not both.",
                    "items": [
                        "type": "string"
                    ],
                    "type": "array",
                ],
                "workdir": [
                    "description": "Working directory for this command (absolute path). Defaults to the session working directory.",
                    "type": "string",
                ],
            ],
            "required": ["command"],
            "type": "object",
        ]
    )

    /// The most characters of foreground output returned to the model (Python's
    /// `tool_output.max_bytes`).
    var outputCap = 50_000

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let command = arguments["command"]?.stringValue ?? ""
        let background = arguments["background"]?.boolValue ?? false
        // Python's `timeout or default`: a missing (or zero) timeout is the configured one.
        let requested = arguments["timeout"]?.intValue.flatMap { $0 == 0 ? nil : $0 }
        if !background, let requested, requested > TerminalRules.foregroundMaxTimeout {
            return PythonJSON.object(["error": .string(TerminalRules.foregroundTimeoutRefusal(requested))]).text
        }
        if !background, let guidance = TerminalRules.foregroundGuidance(command) {
            return Self.failure(guidance, status: "error")
        }
        if case .refuse(let result) = await context.approvals.review(command) { return result }
        let workdir = arguments["workdir"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if let workdir, let refusal = TerminalRules.workdirRefusal(workdir) { return Self.failure(refusal, status: "blocked") }
        let directory = workdir.map { context.resolve($0) } ?? context.shell.directory
        if background {
            return await startInBackground(command, in: directory, arguments: arguments, context: context)
        }
        let seconds = requested ?? Int(context.terminalTimeout.components.seconds)
        return try await runInForeground(command, in: directory, timeout: seconds, context: context)
    }

    /// Python's error result: no output, exit code -1, the reason, and a status.
    static func failure(_ error: String, status: String? = nil) -> String {
        var members: [PythonJSON.Member] = [
            .init(key: "output", value: ""), .init(key: "exit_code", value: -1), .init(key: "error", value: .string(error)),
        ]
        if let status { members.append(.init(key: "status", value: .string(status))) }
        return PythonJSON.object(members).text
    }

    // MARK: Foreground

    private func runInForeground(_ command: String, in directory: String, timeout seconds: Int, context: ToolContext) async throws -> String {
        let shell = context.shell
        if shell.needsSnapshot {
            let snapshot = try await execute(
                shell.snapshotScript(home: ProcessEnvironment.value("HOME")), login: true, timeout: Self.snapshotTimeout, cap: outputCap,
                clock: context.clock)
            if case .ran(let window, let exitCode, let timedOut) = snapshot {
                _ = shell.absorb(window.render())
                shell.snapshotTaken(exitCode == 0 && !timedOut)
            } else {
                shell.snapshotTaken(false)
            }
        }
        let execution = try await execute(
            shell.script(for: command, in: directory), login: shell.runsInLoginShell, timeout: .seconds(seconds), cap: outputCap,
            clock: context.clock)
        let window: OutputWindow
        var exitCode: Int
        let timedOut: Bool
        switch execution {
        case .failedToStart(let error):
            return PythonJSON.object([
                "output": "", "exit_code": -1, "error": .string("Command execution failed: SubprocessError: \(error)"),
            ]).text
        case .ran(let output, let code, let killed):
            (window, exitCode, timedOut) = (output, code, killed)
        }
        var output: String
        if timedOut {
            exitCode = 124
            output = window.render(suffix: "\n[Command timed out after \(seconds)s]")
            if window.totalCharacters == 0 { output = String(output.unicodeScalars.drop(while: PythonText.isSpace)) }
        } else {
            output = shell.absorb(window.render())
        }
        output = TerminalText.stripANSI(output)
        output = output.isEmpty ? "" : context.redactor.redactOutput(PythonText.strip(output), of: command)
        var members: [PythonJSON.Member] = [
            .init(key: "output", value: .string(output)), .init(key: "exit_code", value: .int(exitCode)), .init(key: "error", value: .null),
        ]
        if let meaning = TerminalRules.exitCodeMeaning(command, exitCode) {
            members.append(.init(key: "exit_code_meaning", value: .string(meaning)))
        }
        return PythonJSON.object(members).text
    }

    /// How long the session's snapshot may take (Python's `_snapshot_timeout`).
    static let snapshotTimeout = Duration.seconds(30)

    /// How a script ran: its merged output, its exit code (minus the signal that ended it), and
    /// whether it was killed at its timeout; or why it could not start.
    private enum Execution {
        case ran(OutputWindow, exitCode: Int, timedOut: Bool)
        case failedToStart(SubprocessError)
    }

    /// Runs `script` with `bash -c` (`bash -l -c` with `login`) in a process group of its own,
    /// with the environment commands get (`ShellEnvironment`), killing the group at `timeout`
    /// on `clock` or when the turn is cancelled.
    private func execute(_ script: String, login: Bool, timeout: Duration, cap: Int, clock: any HermesClock) async throws -> Execution {
        var options = PlatformOptions()
        options.processGroupID = 0
        let watchdog = Watchdog(clock: clock)
        let result: ExecutionResult<OutputWindow, SequenceOutput, CombinedErrorOutput>
        do {
            // The script changes into the directory itself, so a missing one is the shell's
            // message and exit status 126, as in Python, not a failure to start.
            result = try await Subprocess.run(
                .path("/bin/bash"), arguments: Arguments(login ? ["-l", "-c", script] : ["-c", script]),
                environment: ShellEnvironment.forCommand(), workingDirectory: "/", platformOptions: options, input: .none,
                output: .sequence, error: .combinedWithOutput
            ) { execution in
                let processGroup = execution.processIdentifier.value
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await watchdog.guardProcessGroup(processGroup, timeout: timeout) }
                    var output = OutputWindow(maxCharacters: cap)
                    var decoder = UTF8Chunks()
                    do {
                        for try await chunk in execution.standardOutput {
                            output.append(chunk.withUnsafeBytes { decoder.decode($0) })
                        }
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        // The read was cut off because the shell exited while a process it left
                        // behind keeps the pipe open: the output ends with the shell, as in Python.
                    }
                    output.append(decoder.finish())
                    watchdog.finished.store(true, ordering: .releasing)
                    group.cancelAll()
                    return output
                }
            }
        } catch let error as SubprocessError {
            return .failedToStart(error)
        }
        try Task.checkCancellation()
        let exitCode: Int
        switch result.terminationStatus {
        case .exited(let code): exitCode = Int(code)
        case .signaled(let signal): exitCode = -Int(signal)
        }
        return .ran(result.closureResult, exitCode: exitCode, timedOut: watchdog.timedOut.load(ordering: .acquiring))
    }

    // MARK: Background

    /// Python's background branch: the process starts in the registry, and the result says how
    /// to follow it, with Python's notes on `pty`, silent processes, CI pollers and
    /// notifications, in Python's key order.
    private func startInBackground(_ command: String, in directory: String, arguments: JSONValue, context: ToolContext) async -> String {
        var pty = arguments["pty"]?.boolValue ?? false
        let ptyNote: String?
        if pty && TerminalRules.requiresPipeStdin(command) {
            pty = false
            ptyNote = TerminalRules.ptyDisabledNote
        } else {
            ptyNote = nil
        }
        let askedNotify = arguments["notify_on_complete"]?.boolValue ?? false
        let askedWatch = arguments["watch_patterns"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // Where nothing can reach the session after its turn (the API server), the flags are
        // refused rather than silently never honoured; else notify_on_complete wins over
        // watch_patterns, as Python resolves the two.
        let refused = (askedNotify || !askedWatch.isEmpty) && !context.asyncDelivery
        let notify = askedNotify && !refused
        let ignoredWatch = notify && !askedWatch.isEmpty
        let watch = refused || ignoredWatch ? [] : askedWatch
        let process: BackgroundProcess
        do {
            process = try await context.processes.spawn(
                command: command, script: ShellScript.wrap(command, in: directory), directory: directory, session: context.sessionID,
                chat: context.chat, pty: pty, notifyOnComplete: notify, watchPatterns: watch)
        } catch {
            return PythonJSON.object(["output": "", "exit_code": -1, "error": .string("Failed to start background process: \(error)")]).text
        }
        var members: [PythonJSON.Member] = [
            .init(key: "output", value: "Background process started"), .init(key: "session_id", value: .string(process.id)),
            .init(key: "pid", value: .int(Int(process.pid))), .init(key: "exit_code", value: 0), .init(key: "error", value: .null),
        ]
        if let ptyNote { members.append(.init(key: "pty_note", value: .string(ptyNote))) }
        var hint = !askedNotify && askedWatch.isEmpty ? TerminalRules.silentBackgroundHint : nil
        if TerminalRules.looksLikeCIPoller(command) {
            hint = hint.map { $0 + "\n\n" + TerminalRules.ciPollerHint } ?? TerminalRules.ciPollerHint
        }
        if let hint { members.append(.init(key: "hint", value: .string(hint))) }
        if refused {
            members.append(.init(key: "notify_on_complete", value: false))
            members.append(.init(key: "notify_unsupported", value: .string(TerminalRules.notifyUnsupported)))
        }
        if ignoredWatch { members.append(.init(key: "watch_patterns_ignored", value: .string(TerminalRules.watchPatternsIgnored))) }
        if notify { members.append(.init(key: "notify_on_complete", value: true)) }
        if !watch.isEmpty { members.append(.init(key: "watch_patterns", value: .strings(watch))) }
        return PythonJSON.object(members).text
    }
}

/// Kills a foreground command's process group when it runs past its timeout (on the session's
/// clock) or its turn is cancelled.
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
        signalGroup(group, SIGKILL)
    }
}
