import Foundation
import HermesCore
import HermesTesting
import Testing

@testable import HermesTools

#if canImport(Glibc)
    import Glibc
#endif

/// `terminal(background=true)` and the `process` tool against Python's: result shapes, key order
/// and messages, the registry's bounds, pseudo-terminals, notifications and shutdown. Every
/// wait is the registry's own (the process's exit raced against the manual clock), so no test
/// sleeps or reads the wall clock.
@Suite("Process tool", .timeLimit(.minutes(1)))
struct ProcessToolTests {
    let directory: String
    let clock = ManualClock()
    let tools = ToolRegistry.builtIn()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-process-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func context(_ processes: ProcessRegistry, session: String = "owner") -> ToolContext {
        var context = ToolContext(sessionID: SessionID(session), workingDirectory: directory, clock: clock)
        context.processes = processes
        return context
    }

    func call(_ tool: String, _ arguments: JSONValue, _ context: ToolContext) async throws -> String {
        let tool = try #require(tools.tool(named: tool))
        try ArgumentValidator.validate(arguments, against: tool.spec.parameters, tool: tool.name)
        return try await tool.run(arguments, context: context)
    }

    /// Starts `command` in the background and returns its result and session id.
    func start(_ command: String, _ context: ToolContext, _ extra: [String: JSONValue] = [:]) async throws -> (JSONValue, String) {
        var arguments: [String: JSONValue] = ["command": .string(command), "background": true]
        arguments.merge(extra) { $1 }
        let result = try JSONValue(parsing: try await call("terminal", .object(arguments), context))
        return (result, try #require(result["session_id"]?.stringValue, "\(result)"))
    }

    // MARK: Starting

    @Test("a background start returns at once with Python's keys in Python's order, and the silent-process hint")
    func startResult() async throws {
        let registry = ProcessRegistry(clock: clock)
        let text = try await call("terminal", ["command": "sleep 600", "background": true], context(registry))
        #expect(topLevelKeys(text) == ["output", "session_id", "pid", "exit_code", "error", "hint"])
        let result = try JSONValue(parsing: text)
        #expect(result["output"] == "Background process started" && result["exit_code"] == 0 && result["error"] == .null)
        let id = try #require(result["session_id"]?.stringValue)
        #expect(id.hasPrefix("proc_") && id.count == 17 && id.dropFirst(5).allSatisfy(\.isHexDigit))
        let pid = try #require(result["pid"]?.intValue)
        #expect(getpgid(pid_t(pid)) == pid_t(pid), "it leads a process group of its own")
        #expect(getsid(pid_t(pid)) == pid_t(pid), "and a session of its own")
        #expect(result["hint"]?.stringValue == TerminalRules.silentBackgroundHint)
        await registry.shutdown()
    }

    @Test("wait, poll and log give Python's shapes once the process has exited")
    func exitedResults() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let command = "echo started; echo done >&2; exit 3"
        let (_, id) = try await start(command, context)
        #expect(
            try await call("process", ["action": "wait", "session_id": .string(id)], context)
                == #"{"status": "exited", "command": "echo started; echo done >&2; exit 3", "exit_code": 3, "completion_reason": "exited", "termination_source": "", "output": "started\ndone\n"}"#
        )
        let poll = try await call("process", ["action": "poll", "session_id": .string(id)], context)
        let pid = try #require(try JSONValue(parsing: poll)["pid"]?.intValue)
        #expect(
            poll
                == #"{"session_id": "\#(id)", "command": "\#(command)", "status": "exited", "pid": \#(pid), "uptime_seconds": 0, "output_preview": "started\ndone\n", "exit_code": 3, "completion_reason": "exited", "termination_source": ""}"#
        )
        #expect(
            try await call("process", ["action": "log", "session_id": .string(id)], context)
                == #"{"session_id": "\#(id)", "command": "\#(command)", "status": "exited", "output": "started\ndone", "total_lines": 2, "showing": "2 lines"}"#
        )
        let kill = try await call("process", ["action": "kill", "session_id": .string(id)], context)
        #expect(
            kill
                == #"{"status": "already_exited", "command": "\#(command)", "exit_code": 3, "completion_reason": "exited", "termination_source": "", "output": "started\ndone\n"}"#
        )
    }

    @Test("log pages by lines as Python slices them: the last lines by default, else from the offset")
    func logPaging() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let (_, id) = try await start("seq 1 10", context)
        _ = try await call("process", ["action": "wait", "session_id": .string(id)], context)
        func log(_ extra: [String: JSONValue]) async throws -> JSONValue {
            var arguments: [String: JSONValue] = ["action": "log", "session_id": .string(id)]
            arguments.merge(extra) { $1 }
            return try JSONValue(parsing: try await call("process", .object(arguments), context))
        }
        let last = try await log(["limit": 3])
        #expect(last["output"] == "8\n9\n10" && last["total_lines"] == 10 && last["showing"] == "3 lines")
        #expect(try await log(["offset": 2, "limit": 3])["output"] == "3\n4\n5")
        #expect(try await log(["offset": -2])["output"] == "9\n10")
        #expect(try await log(["offset": 20])["showing"] == "0 lines")
    }

    @Test("wait times out on the clock with Python's note; kill then ends the group, recorded as Python records it")
    func waitTimeoutThenKill() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let held = try FIFOReader(directory + "/held")
        // Every process of the command holds the FIFO open; it reads EOF once all are gone.
        let (_, id) = try await start("exec 3>\(held.path); echo up; sleep 600 | cat", context)
        await held.opened()
        let waiting = Task { try await call("process", ["action": "wait", "session_id": .string(id), "timeout": 5], context) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        let timedOut = try JSONValue(parsing: try await waiting.value)
        #expect(timedOut["status"] == "timeout" && timedOut["timeout_note"] == "Waited 5s, process still running", "\(timedOut)")
        #expect(topLevelKeys(try await waiting.value) == ["status", "command", "output", "timeout_note"])

        let killed = try await call("process", ["action": "kill", "session_id": .string(id)], context)
        #expect(topLevelKeys(killed) == ["status", "session_id", "completion_reason", "termination_source", "output"])
        let result = try JSONValue(parsing: killed)
        #expect(result["status"] == "killed" && result["completion_reason"] == "killed" && result["termination_source"] == "process.kill")
        let poll = try JSONValue(parsing: try await call("process", ["action": "poll", "session_id": .string(id)], context))
        #expect(poll["status"] == "exited" && poll["exit_code"] == -15, "\(poll)")
        #expect(await held.closed() == "", "nothing of its group is left")
    }

    @Test("a process that ignores SIGTERM gets SIGKILL once the grace has passed on the clock")
    func killEscalates() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let held = try FIFOReader(directory + "/held")
        let (_, id) = try await start("trap '' TERM; exec 3>\(held.path); sleep 600", context)
        await held.opened()
        let killing = Task { try await call("process", ["action": "kill", "session_id": .string(id)], context) }
        await clock.waitForSleepers(1)
        let during = try JSONValue(parsing: try await call("process", ["action": "poll", "session_id": .string(id)], context))
        #expect(during["status"] == "running", "SIGTERM alone did not end it")
        clock.advance(by: .seconds(2))
        #expect(try JSONValue(parsing: try await killing.value)["status"] == "killed")
        #expect(await held.closed() == "", "SIGKILL ended the group")
    }

    @Test("a wait longer than terminal.timeout is clamped to it, and says so")
    func waitClamped() async throws {
        let registry = ProcessRegistry(clock: clock)
        var context = context(registry)
        context.terminalTimeout = .seconds(180)
        let (_, id) = try await start("sleep 600", context)
        let waiting = Task { [context] in try await call("process", ["action": "wait", "session_id": .string(id), "timeout": 500], context) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(180))
        let result = try JSONValue(parsing: try await waiting.value)
        #expect(result["status"] == "timeout")
        #expect(result["timeout_note"] == "Requested wait of 500s was clamped to configured limit of 180s")
        await registry.shutdown()
    }

    @Test("Python's messages for a missing session_id, an unknown action, an unknown id, and stdin without a terminal")
    func messages() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        #expect(try await call("process", ["action": "poll"], context) == #"{"error": "session_id is required for poll"}"#)
        #expect(
            try await ProcessTool().run(["action": "nope"], context: context)
                == #"{"error": "Unknown process action: nope. Use: list, poll, log, wait, kill, write, submit, close"}"#)
        #expect(
            try await call("process", ["action": "kill", "session_id": "proc_x"], context)
                == #"{"status": "not_found", "error": "No process with ID proc_x"}"#)
        let (_, id) = try await start("sleep 600", context)
        for action in ["write", "submit", "close"] {
            #expect(
                try await call("process", ["action": .string(action), "session_id": .string(id), "data": "x"], context)
                    == #"{"status": "error", "error": "Process stdin not available (non-local backend or stdin closed)"}"#)
        }
        _ = try await call("process", ["action": "kill", "session_id": .string(id)], context)
        #expect(
            try await call("process", ["action": "write", "session_id": .string(id), "data": "x"], context)
                == #"{"status": "already_exited", "error": "Process has already finished"}"#)
    }

    @Test("list shows the session's own processes in Python's shape; another session can neither see nor touch them")
    func listScopedToSession() async throws {
        let registry = ProcessRegistry(clock: clock)
        let owner = context(registry)
        let other = context(registry, session: "other")
        let (_, id) = try await start("echo hello; exit 4", owner)
        _ = try await call("process", ["action": "wait", "session_id": .string(id)], owner)
        let list = try await call("process", ["action": "list"], owner)
        let entry = try #require(try JSONValue(parsing: list)["processes"]?.arrayValue?.first)
        #expect(entry["session_id"]?.stringValue == id && entry["cwd"]?.stringValue == directory && entry["status"] == "exited")
        #expect(entry["output_preview"] == "hello\n" && entry["exit_code"] == 4 && entry["uptime_seconds"] == 0)
        let started = try #require(entry["started_at"]?.stringValue)
        #expect(started.count == 19 && Array(started)[10] == "T", "Python's %Y-%m-%dT%H:%M:%S: \(started)")
        #expect(try await call("process", ["action": "list"], other) == #"{"processes": []}"#)
        #expect(try await call("process", ["action": "kill", "session_id": .string(id)], other).contains("not_found"))
    }

    @Test("output is redacted and stripped of escapes in every result that carries it")
    func redacted() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let (_, id) = try await start(#"printf '\033[32mkey sk-proj-0123456789abcdefghij\n'"#, context)
        for action in ["wait", "poll", "log", "list"] {
            let result = try await call("process", ["action": .string(action), "session_id": .string(id)], context)
            #expect(!result.contains("0123456789abcdefghij") && result.contains("key sk-pro"), "\(action): \(result)")
            #expect(!result.contains("\\u001b"), "\(action): \(result)")
        }
    }

    // MARK: Bounds and lifetime

    @Test("the registry holds at most maxProcesses: a finished one makes room, all running refuse a new one")
    func processBound() async throws {
        var limits = ProcessRegistry.Limits()
        limits.maxProcesses = 2
        let registry = ProcessRegistry(clock: clock, limits: limits)
        let context = context(registry)
        let (_, first) = try await start("sleep 600", context)
        _ = try await start("sleep 600", context)
        #expect(
            try await call("terminal", ["command": "true", "background": true], context)
                == #"{"output": "", "exit_code": -1, "error": "Failed to start background process: 2 background processes are already running, the most kept at once; kill one with process(action='kill') first"}"#
        )
        _ = try await call("process", ["action": "kill", "session_id": .string(first)], context)
        let (_, third) = try await start("true", context)
        #expect(
            try await call("process", ["action": "poll", "session_id": .string(first)], context).contains("not_found"), "the oldest finished went")
        #expect(registry.process(third, of: SessionID("owner")) != nil)
        await registry.shutdown()
    }

    @Test("a process keeps only the last maxOutputCharacters of its output")
    func outputBound() async throws {
        var limits = ProcessRegistry.Limits()
        limits.maxOutputCharacters = 100
        let registry = ProcessRegistry(clock: clock, limits: limits)
        let context = context(registry)
        let (_, id) = try await start("seq 1 1000", context)
        _ = try await call("process", ["action": "wait", "session_id": .string(id)], context)
        let snapshot = try #require(registry.process(id, of: SessionID("owner"))?.snapshot())
        #expect(snapshot.output.text.unicodeScalars.count == 100 && snapshot.output.text.hasSuffix("999\n1000\n"))
        var rolling = RollingText(maxCharacters: 4)
        for text in ["ab", "cdé", "fgh"] { rolling.append(text) }
        #expect(rolling.text == "éfgh" && rolling.last(2) == "gh")
    }

    @Test("finished processes go once past their lifetime, measured on the registry's clock")
    func finishedLifetime() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let (_, old) = try await start("true", context)
        _ = try await call("process", ["action": "wait", "session_id": .string(old)], context)
        clock.advance(by: .seconds(1801))
        _ = try await start("true", context)
        #expect(registry.process(old, of: SessionID("owner")) == nil)
    }

    @Test("shutdown kills every running group and waits for it; later starts are refused")
    func shutdown() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let held = try FIFOReader(directory + "/held")
        let (_, id) = try await start("exec 3>\(held.path); sleep 600 | cat", context)
        await held.opened()
        await registry.shutdown()
        #expect(await held.closed() == "", "the whole pipeline is gone")
        let poll = try JSONValue(parsing: try await call("process", ["action": "poll", "session_id": .string(id)], context))
        #expect(poll["exit_code"] == -15 && poll["termination_source"] == "kill_all", "\(poll)")
        #expect(registry.runningCount == 0)
        let refused = try await call("terminal", ["command": "true", "background": true], context)
        #expect(refused.contains("Failed to start background process: the runtime is shutting down"))
    }

    @Test("a registry released with processes running kills them")
    func releasedRegistry() async throws {
        var registry: ProcessRegistry? = ProcessRegistry(clock: clock)
        let held = try FIFOReader(directory + "/held")
        let (_, id) = try await start("exec 3>\(held.path); sleep 600", context(registry!))
        let process = try #require(registry?.process(id, of: SessionID("owner")))
        await held.opened()
        registry = nil
        await process.stopped()
        #expect(await held.closed() == "")
    }

    // MARK: Pseudo-terminals

    @Test("pty=true runs on a real pseudo-terminal: the command sees a tty, submit types a line, close sends EOF")
    func pseudoTerminal() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let command = #"[ -t 0 ] && [ -t 1 ] && echo "tty $(stty size)"; read line; echo "got $line"; cat; echo "eof""#
        let (_, id) = try await start(command, context, ["pty": true])
        #expect(
            try await call("process", ["action": "submit", "session_id": .string(id), "data": "héllo"], context)
                == #"{"status": "ok", "bytes_written": 6}"#, "Python counts characters")
        _ = try await call("process", ["action": "write", "session_id": .string(id), "data": "x\n"], context)
        #expect(try await call("process", ["action": "close", "session_id": .string(id)], context) == #"{"status": "ok", "message": "EOF sent"}"#)
        let result = try JSONValue(parsing: try await call("process", ["action": "wait", "session_id": .string(id)], context))
        let output = try #require(result["output"]?.stringValue)
        #expect(result["exit_code"] == 0, "\(result)")
        #expect(output.contains("tty 30 120") && output.contains("got héllo") && output.hasSuffix("eof\r\n"), "\(output)")
    }

    @Test("the pseudo-terminal is the process's controlling terminal: ^C interrupts it")
    func controllingTerminal() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let ready = try FIFOReader(directory + "/ready")
        // Once the command runs, the shell has made the terminal its own: ^C then reaches it.
        let (_, id) = try await start("echo up > \(ready.path); sleep 600", context, ["pty": true])
        #expect(await ready.closed() == "up\n")
        _ = try await call("process", ["action": "write", "session_id": .string(id), "data": "\u{03}"], context)
        let result = try JSONValue(parsing: try await call("process", ["action": "wait", "session_id": .string(id)], context))
        #expect(result["exit_code"] == -2 || result["exit_code"] == 130, "SIGINT from the terminal: \(result)")
    }

    @Test("gh auth login --with-token gets pipes instead, with Python's note")
    func ptyDisabledForPipedStdin() async throws {
        let registry = ProcessRegistry(clock: clock)
        let (result, id) = try await start("gh auth login --with-token", context(registry), ["pty": true])
        #expect(result["pty_note"]?.stringValue == TerminalRules.ptyDisabledNote)
        #expect(registry.process(id, of: SessionID("owner"))?.snapshot().hasTerminal == false)
        await registry.shutdown()
    }

    // MARK: Notifications

    @Test("where nothing can reach the session after its turn (the API server), the notification flags are refused")
    func notificationsRefused() async throws {
        let registry = ProcessRegistry(clock: clock)
        var context = context(registry)
        context.asyncDelivery = false
        let text = try await call("terminal", ["command": "true", "background": true, "notify_on_complete": true], context)
        #expect(topLevelKeys(text) == ["output", "session_id", "pid", "exit_code", "error", "notify_on_complete", "notify_unsupported"])
        let result = try JSONValue(parsing: text)
        #expect(result["notify_on_complete"] == false && result["notify_unsupported"]?.stringValue == TerminalRules.notifyUnsupported)
        let id = try #require(result["session_id"]?.stringValue)
        _ = try await call("process", ["action": "wait", "session_id": .string(id)], context)
        #expect(registry.drainEvents().isEmpty)
        #expect(!(try await call("process", ["action": "list"], context)).contains("notify_on_complete"))
    }

    @Test("elsewhere notify_on_complete is recorded, listed, and its completion queued; with both flags watch_patterns is dropped")
    func notifyOnComplete() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let text = try await call(
            "terminal", ["command": "echo built; exit 2", "background": true, "notify_on_complete": true, "watch_patterns": ["x"]], context)
        #expect(topLevelKeys(text) == ["output", "session_id", "pid", "exit_code", "error", "watch_patterns_ignored", "notify_on_complete"])
        let result = try JSONValue(parsing: text)
        #expect(result["watch_patterns_ignored"]?.stringValue == TerminalRules.watchPatternsIgnored && result["notify_on_complete"] == true)
        let id = try #require(result["session_id"]?.stringValue)
        _ = try await call("process", ["action": "wait", "session_id": .string(id)], context)
        let entry = try #require(try JSONValue(parsing: try await call("process", ["action": "list"], context))["processes"]?.arrayValue?.first)
        #expect(entry["notify_on_complete"] == true && entry["watch_patterns"] == nil)
        let events = registry.drainEvents()
        #expect(events.count == 1)
        #expect(events.first?.kind == .completion && events.first?.exitCode == 2 && events.first?.output == "built\n")
        #expect(events.first?.processID == id && events.first?.session == SessionID("owner"))
    }

    @Test("wait, a log read to its end and kill take a completion's result, so the gateway sends no turn; poll does not")
    func completionTaken() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        func notice(_ action: String, _ command: String = "echo one") async throws -> CompletionNotice? {
            let (_, id) = try await start(command, context, ["notify_on_complete": true])
            let process = try #require(registry.process(id, of: SessionID("owner")))
            if action != "kill" { _ = await registry.waitForExit(process, timeout: .seconds(600)) }
            _ = try await call("process", ["action": .string(action), "session_id": .string(id)], context)
            return registry.completionNotice(for: id, redactor: Redactor())
        }
        guard case .turn(let text)? = try await notice("poll") else {
            Issue.record("a poll leaves the notification")
            return
        }
        #expect(text.hasSuffix("(exit code 0).\nCommand: echo one\nOutput:\none\n]"))
        for action in ["wait", "log"] {
            guard case .message(let message, exitCode: 0)? = try await notice(action) else {
                Issue.record("\(action) takes the result")
                continue
            }
            #expect(message.hasSuffix("finished with exit code 0~ Here's the final output:\none\n]"))
        }
        guard case .message(_, exitCode: -15)? = try await notice("kill", "sleep 600") else {
            Issue.record("kill takes the result")
            return
        }
        #expect(registry.drainEvents().map(\.kind) == Array(repeating: .completion, count: 4))
    }

    @Test("watch_patterns are recorded and matched line by line; a match is queued and listed as a hit")
    func watchPatterns() async throws {
        let registry = ProcessRegistry(clock: clock)
        let context = context(registry)
        let (result, id) = try await start("echo booting; echo 'server ready on :8000  '", context, ["watch_patterns": ["ready"]])
        #expect(result["watch_patterns"] == ["ready"] && result["hint"] == nil)
        _ = try await call("process", ["action": "wait", "session_id": .string(id)], context)
        let entry = try #require(try JSONValue(parsing: try await call("process", ["action": "list"], context))["processes"]?.arrayValue?.first)
        #expect(entry["watch_patterns"] == ["ready"] && entry["watch_hit"] == true)
        let events = registry.drainEvents()
        #expect(events.map(\.kind) == [.watchMatch])
        #expect(events.first?.pattern == "ready" && events.first?.output == "server ready on :8000")
    }

    @Test("watch rate limit: one match per 15 s; three strike windows in a row disable watching and promote to notify")
    func watchRateLimit() {
        var watch = WatchState()
        let start = ContinuousClock.now
        func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }
        guard case .match(_, _, 0) = watch.check("ready", patterns: ["ready"], now: at(0)) else {
            Issue.record("first match")
            return
        }
        guard case .none = watch.check("ready\nready", patterns: ["ready"], now: at(5)) else {
            Issue.record("inside the cooldown")
            return
        }
        guard case .match(_, _, let suppressed) = watch.check("ready", patterns: ["ready"], now: at(16)) else {
            Issue.record("after")
            return
        }
        #expect(suppressed == 2, "the dropped matches are counted in the next event")
        _ = watch.check("ready", patterns: ["ready"], now: at(20))  // strike 2
        _ = watch.check("ready", patterns: ["ready"], now: at(32))  // emits
        guard case .disabled = watch.check("ready", patterns: ["ready"], now: at(33)) else {
            Issue.record("strike 3 disables")
            return
        }
        #expect(watch.disabled && watch.hits == 3)
        guard case .none = watch.check("ready", patterns: ["ready"], now: at(100)) else {
            Issue.record("stays off")
            return
        }
        var clean = WatchState()
        _ = clean.check("a", patterns: ["a"], now: at(0))
        _ = clean.check("a", patterns: ["a"], now: at(1))  // strike 1
        _ = clean.check("a", patterns: ["a"], now: at(16))
        _ = clean.check("a", patterns: ["a"], now: at(40))  // a clean window resets the count
        _ = clean.check("a", patterns: ["a"], now: at(41))
        _ = clean.check("a", patterns: ["a"], now: at(56))
        guard case .none = clean.check("a", patterns: ["a"], now: at(57)) else {
            Issue.record("only two strikes in a row")
            return
        }
        #expect(!clean.disabled)
    }

    /// The keys of a JSON object's top level, in the order the text writes them.
    private func topLevelKeys(_ json: String) -> [String] {
        var keys: [String] = []
        var depth = 0
        var inString = false
        var escaped = false
        var expectingKey = false
        var capturing = false
        var current = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if inString {
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inString = false
                    if capturing { keys.append(String(current)) }
                    capturing = false
                    continue
                }
                if capturing { current.append(scalar) }
                continue
            }
            switch scalar {
            case "{", "[":
                depth += 1
                expectingKey = scalar == "{" && depth == 1
            case "}", "]": depth -= 1
            case ",": expectingKey = depth == 1
            case "\"":
                inString = true
                capturing = expectingKey
                expectingKey = false
                current = String.UnicodeScalarView()
            default: break
            }
        }
        return keys
    }
}
