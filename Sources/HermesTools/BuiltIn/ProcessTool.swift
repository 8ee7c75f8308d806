import HermesCore

/// `process`: Python's tool for the background processes `terminal(background=true)` started
/// (tools/process_registry.py `_handle_process`), with its actions, result shapes and messages:
/// `list`, `poll`, `log`, `wait`, `kill`, `write`, `submit`, `close`.
///
/// Output is ANSI-stripped and redacted as the foreground terminal's is, commands redacted as
/// code. A `wait` that sees the exit, a `log` that reaches the end of an exited process's output
/// and a `kill` mark the result as taken, so that the gateway does not repeat it in a
/// notification turn (Python's `_completion_consumed`); a `poll` does not. Where this differs from Python: a session sees only its own processes (Python looks an
/// id up across sessions); `list` redacts and strips its previews too; a `wait` cut short by
/// the turn's cancellation ends the call as any cancelled tool does, where Python answers
/// `interrupted`; stdin can be written only with `pty=true`, as in Python, whose other
/// processes also read /dev/null.
struct ProcessTool: Tool {
    static let spec = ToolSpec(
        name: "process",
        description:
            "Manage background processes started with terminal(background=true). Actions: 'list' (show all), 'poll' (check status + new output), 'log' (full output with pagination), 'wait' (block until done or timeout), 'kill' (terminate), 'write' (send raw stdin data without newline), 'submit' (send data + Enter, for answering prompts), 'close' (close stdin/send EOF).",
        parameters: [
            "properties": [
                "action": [
                    "description": "Action to perform on background processes",
                    "enum": ["list", "poll", "log", "wait", "kill", "write", "submit", "close"],
                    "type": "string",
                ],
                "data": [
                    "description": "Text to send to process stdin (for 'write' and 'submit' actions)",
                    "type": "string",
                ],
                "limit": [
                    "description": "Max lines to return for 'log' action",
                    "minimum": 1,
                    "type": "integer",
                ],
                "offset": [
                    "description": "Line offset for 'log' action (default: last 200 lines)",
                    "type": "integer",
                ],
                "session_id": [
                    "description": "Process session ID (from terminal background output). Required for all actions except 'list'.",
                    "type": "string",
                ],
                "timeout": [
                    "description": "Max seconds to block for 'wait' action. Returns partial output on timeout.",
                    "minimum": 1,
                    "type": "integer",
                ],
            ],
            "required": ["action"],
            "type": "object",
        ]
    )

    static let actions = ["list", "poll", "log", "wait", "kill", "write", "submit", "close"]

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { false }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let action = arguments["action"]?.stringValue ?? ""
        let id = arguments["session_id"]?.stringValue ?? ""
        let registry = context.processes
        if action == "list" {
            return PythonJSON.object(["processes": .array(registry.processes(of: context.sessionID).map { entry($0, context) })]).text
        }
        guard Self.actions.contains(action) else {
            return Self.error("Unknown process action: \(action). Use: \(Self.actions.joined(separator: ", "))")
        }
        guard !id.isEmpty else { return Self.error("session_id is required for \(action)") }
        guard let process = registry.process(id, of: context.sessionID) else {
            return PythonJSON.object(["status": "not_found", "error": .string("No process with ID \(id)")]).text
        }
        switch action {
        case "poll": return poll(process, context)
        case "log": return log(process, offset: arguments["offset"]?.intValue ?? 0, limit: arguments["limit"]?.intValue ?? 200, context)
        case "wait": return try await wait(process, timeout: arguments["timeout"]?.intValue, context)
        case "kill": return await kill(process, context)
        case "write": return input(process.write(arguments["data"]?.stringValue ?? ""))
        case "submit": return input(process.write((arguments["data"]?.stringValue ?? "") + "\n"))
        default: return close(process)
        }
    }

    /// Python's `tool_error`: `{"error": message}`.
    static func error(_ message: String) -> String { PythonJSON.object(["error": .string(message)]).text }

    // MARK: Actions

    private func entry(_ process: BackgroundProcess, _ context: ToolContext) -> PythonJSON {
        let snapshot = process.snapshot()
        var members: [PythonJSON.Member] = [
            .init(key: "session_id", value: .string(process.id)),
            .init(key: "command", value: .string(redactedCommand(PythonText.prefix(process.command, 200), context))),
            .init(key: "cwd", value: .string(process.directory)), .init(key: "pid", value: .int(Int(snapshot.pid))),
            .init(key: "started_at", value: .string(process.startedAtText)),
            .init(key: "uptime_seconds", value: .int(uptime(process, context))),
            .init(key: "status", value: snapshot.exit == nil ? "running" : "exited"),
            .init(key: "output_preview", value: .string(redactedOutput(snapshot.output.last(200), of: process, context))),
        ]
        if !snapshot.watchPatterns.isEmpty && !snapshot.watchDisabled {
            members.append(.init(key: "watch_patterns", value: .strings(snapshot.watchPatterns)))
            members.append(.init(key: "watch_hit", value: .bool(snapshot.watchHits > 0)))
        }
        if snapshot.notifyOnComplete { members.append(.init(key: "notify_on_complete", value: true)) }
        if let exit = snapshot.exit { members.append(.init(key: "exit_code", value: .int(exit.code))) }
        return .object(members)
    }

    private func poll(_ process: BackgroundProcess, _ context: ToolContext) -> String {
        let snapshot = process.snapshot()
        var members: [PythonJSON.Member] = [
            .init(key: "session_id", value: .string(process.id)), .init(key: "command", value: .string(redactedCommand(process.command, context))),
            .init(key: "status", value: snapshot.exit == nil ? "running" : "exited"), .init(key: "pid", value: .int(Int(snapshot.pid))),
            .init(key: "uptime_seconds", value: .int(uptime(process, context))),
            .init(key: "output_preview", value: .string(redactedOutput(snapshot.output.last(1000), of: process, context))),
        ]
        if let exit = snapshot.exit { members += Self.exitMembers(exit) }
        return PythonJSON.object(members).text
    }

    private func log(_ process: BackgroundProcess, offset: Int, limit: Int, _ context: ToolContext) -> String {
        let snapshot = process.snapshot()
        let lines = TerminalText.splitLines(TerminalText.stripANSI(snapshot.output.text))
        // Python: the last `limit` lines by default, else lines[offset:offset+limit].
        let selected = offset == 0 && limit > 0 ? lines.suffix(limit)[...] : Self.slice(lines, offset, offset + limit)
        // Python's read_log: the result is taken when the lines shown reach the end of the output.
        let reachedEnd = lines.isEmpty || (!selected.isEmpty && (offset == 0 && limit > 0 || selected.endIndex == lines.count))
        if snapshot.exit != nil && reachedEnd { process.consumeCompletion() }
        return PythonJSON.object([
            "session_id": .string(process.id), "command": .string(redactedCommand(process.command, context)),
            "status": snapshot.exit == nil ? "running" : "exited",
            "output": .string(redact(selected.joined(separator: "\n"), of: process, context)), "total_lines": .int(lines.count),
            "showing": .string("\(selected.count) lines"),
        ]).text
    }

    private func wait(_ process: BackgroundProcess, timeout requested: Int?, _ context: ToolContext) async throws -> String {
        // Python's default and ceiling are both TERMINAL_TIMEOUT; a longer wait is clamped, and said so.
        let ceiling = Int(context.terminalTimeout.components.seconds)
        var note: String?
        let seconds: Int
        if let requested, requested > ceiling {
            seconds = ceiling
            note = "Requested wait of \(requested)s was clamped to configured limit of \(ceiling)s"
        } else {
            seconds = requested.flatMap { $0 == 0 ? nil : $0 } ?? ceiling
        }
        let exited = await context.processes.waitForExit(process, timeout: .seconds(seconds))
        try Task.checkCancellation()
        let snapshot = process.snapshot()
        var members: [PythonJSON.Member]
        if exited, let exit = snapshot.exit {
            process.consumeCompletion()
            members = [.init(key: "status", value: "exited"), .init(key: "command", value: .string(redactedCommand(process.command, context)))]
            members += Self.exitMembers(exit)
            members.append(.init(key: "output", value: .string(redactedOutput(snapshot.output.last(2000), of: process, context))))
        } else {
            members = [
                .init(key: "status", value: "timeout"), .init(key: "command", value: .string(redactedCommand(process.command, context))),
                .init(key: "output", value: .string(redactedOutput(snapshot.output.last(1000), of: process, context))),
            ]
            note = note ?? "Waited \(seconds)s, process still running"
        }
        if let note { members.append(.init(key: "timeout_note", value: .string(note))) }
        return PythonJSON.object(members).text
    }

    private func kill(_ process: BackgroundProcess, _ context: ToolContext) async -> String {
        let killed = await context.processes.kill(process)
        process.consumeCompletion()
        let snapshot = process.snapshot()
        let output = redactedOutput(snapshot.output.last(2000), of: process, context)
        guard killed, let exit = snapshot.exit else {
            var members: [PythonJSON.Member] = [
                .init(key: "status", value: "already_exited"), .init(key: "command", value: .string(redactedCommand(process.command, context))),
            ]
            if let exit = snapshot.exit { members += Self.exitMembers(exit) }
            members.append(.init(key: "output", value: .string(output)))
            return PythonJSON.object(members).text
        }
        return PythonJSON.object([
            "status": "killed", "session_id": .string(process.id), "completion_reason": .string(exit.reason),
            "termination_source": .string(exit.source), "output": .string(output),
        ]).text
    }

    private func input(_ outcome: BackgroundProcess.InputOutcome) -> String {
        switch outcome {
        case .written(let count): PythonJSON.object(["status": "ok", "bytes_written": .int(count)]).text
        case .alreadyExited: Self.alreadyFinished
        case .unavailable: Self.noStdin
        case .failed(let message): PythonJSON.object(["status": "error", "error": .string(message)]).text
        }
    }

    /// Python's `close` of a pseudo-terminal: the EOF character (^D), as `ptyprocess.sendeof` sends it.
    private func close(_ process: BackgroundProcess) -> String {
        switch process.write("\u{04}") {
        case .written: PythonJSON.object(["status": "ok", "message": "EOF sent"]).text
        case .alreadyExited: Self.alreadyFinished
        case .unavailable: Self.noStdin
        case .failed(let message): PythonJSON.object(["status": "error", "error": .string(message)]).text
        }
    }

    private static let alreadyFinished = PythonJSON.object(["status": "already_exited", "error": "Process has already finished"]).text
    private static let noStdin = PythonJSON.object([
        "status": "error", "error": "Process stdin not available (non-local backend or stdin closed)",
    ]).text

    // MARK: Helpers

    private static func exitMembers(_ exit: BackgroundProcess.Exit) -> [PythonJSON.Member] {
        [
            .init(key: "exit_code", value: .int(exit.code)), .init(key: "completion_reason", value: .string(exit.reason)),
            .init(key: "termination_source", value: .string(exit.source)),
        ]
    }

    /// `lines[start:stop]` with Python's slice rules (negative bounds count from the end).
    static func slice(_ lines: [String], _ start: Int, _ stop: Int) -> ArraySlice<String> {
        func bound(_ index: Int) -> Int { index < 0 ? max(0, index + lines.count) : min(index, lines.count) }
        let (lower, upper) = (bound(start), bound(stop))
        return lower < upper ? lines[lower..<upper] : []
    }

    private func uptime(_ process: BackgroundProcess, _ context: ToolContext) -> Int {
        Int((context.processes.clock.now - process.startedAt).components.seconds)
    }

    private func redactedOutput(_ text: String, of process: BackgroundProcess, _ context: ToolContext) -> String {
        redact(TerminalText.stripANSI(text), of: process, context)
    }

    private func redact(_ text: String, of process: BackgroundProcess, _ context: ToolContext) -> String {
        text.isEmpty ? text : context.redactor.redactOutput(text, of: process.command)
    }

    private func redactedCommand(_ command: String, _ context: ToolContext) -> String {
        command.isEmpty ? command : context.redactor.redact(command, as: .code)
    }
}
