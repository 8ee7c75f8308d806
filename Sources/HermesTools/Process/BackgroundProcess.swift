import HermesCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One background process: its output, how it ended, its notification settings and watch
/// state (Python's `ProcessSession`). Shared by the task that runs it and the tools that look
/// at it, behind one lock.
final class BackgroundProcess: Sendable {
    /// How a process ended.
    struct Exit: Sendable, Hashable {
        var code: Int
        /// `exited` or `killed`.
        var reason: String
        /// Who killed it (`process.kill`, `kill_all`); empty when it exited by itself.
        var source: String
    }

    /// What the tools read of a process at one moment.
    struct Snapshot: Sendable {
        var pid: Int32
        var output: RollingText
        var exit: Exit?
        var notifyOnComplete: Bool
        var watchPatterns: [String]
        var watchHits: Int
        var watchDisabled: Bool
        var hasTerminal: Bool
        var completionConsumed: Bool
    }

    let id: String
    let command: String
    let directory: String
    let session: SessionID
    /// The chat of the session, where the gateway delivers the process's notifications; nil
    /// when it has none.
    let chat: ChatAddress?
    let startedAt: ContinuousClock.Instant
    /// Local wall-clock time of the start, as Python lists it (`started_at`).
    let startedAtText: String
    private let state: Mutex<State>

    private struct State {
        var pid: Int32 = 0
        var output: RollingText
        var decoder = UTF8Chunks()
        var exit: Exit?
        var killSource: String?
        /// The runner has reaped the process: its pid (and group id) may belong to another now.
        var reaped = false
        var stopped = false
        var master: Int32?
        var notifyOnComplete = false
        var watchPatterns: [String] = []
        var watch = WatchState()
        /// The agent has taken the result (`process` wait, log or kill), so that no notification
        /// turn repeats it (Python's `_completion_consumed`).
        var completionConsumed = false
        var nextWaiter: UInt64 = 0
        var exitWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    init(
        id: String, command: String, directory: String, session: SessionID, chat: ChatAddress?, startedAt: ContinuousClock.Instant,
        startedAtText: String, outputLimit: Int
    ) {
        self.id = id
        self.command = command
        self.directory = directory
        self.session = session
        self.chat = chat
        self.startedAt = startedAt
        self.startedAtText = startedAtText
        state = Mutex(State(output: RollingText(maxCharacters: outputLimit)))
    }

    // MARK: Running

    /// Starts the process and returns once it runs (its pid known), leaving a task that reads
    /// its output until it ends, then records the exit and calls `onExit`. `onEvent` gets the
    /// watch notifications as output arrives, and the completion notification.
    func start(
        script: String, pty: Bool, clock: any HermesClock, onEvent: @escaping @Sendable (ProcessEvent) -> Void,
        onExit: @escaping @Sendable () -> Void
    ) async throws {
        // Without a pseudo-terminal to be had, the process gets pipes, as Python falls back to them.
        let terminal = pty ? try? PseudoTerminal.open() : nil
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            let once = Mutex<CheckedContinuation<Void, any Error>?>(started)
            let resume: @Sendable (Result<Void, any Error>) -> Void = { result in once.withLock { $0.take() }?.resume(with: result) }
            Task {
                let code: Int
                do {
                    code = try await run(script: script, terminal: terminal, clock: clock, onEvent: onEvent) { pid in
                        self.state.withLock { $0.pid = pid }
                        resume(.success(()))
                    }
                } catch {
                    resume(.failure(error))
                    code = -1
                }
                state.withLock { $0.reaped = true }
                // The registry moves the process to its finished ones, and queues its completion,
                // before any waiter hears of the exit, so that what a waiter does next sees both.
                let (event, waiters) = finish(Exit(code: code, reason: "exited", source: ""))
                onExit()
                if let event { onEvent(event) }
                for waiter in waiters { waiter.resume() }
                let stopWaiters = state.withLock { state in
                    state.stopped = true
                    defer { state.stopWaiters = [] }
                    return state.stopWaiters
                }
                for waiter in stopWaiters { waiter.resume() }
            }
        }
    }

    /// Runs the process to its end; its exit code, or minus the signal that ended it, as
    /// Python's `Popen.returncode`.
    private func run(
        script: String, terminal: PseudoTerminal?, clock: any HermesClock, onEvent: @escaping @Sendable (ProcessEvent) -> Void,
        started: @escaping @Sendable (Int32) -> Void
    ) async throws -> Int {
        var options = PlatformOptions()
        // Python's start_new_session: its own session and process group, so a kill reaches
        // the whole pipeline and no terminal signal of ours reaches it.
        options.createSession = true
        let environment = ShellEnvironment.forCommand(extra: ["PYTHONUNBUFFERED": "1"])
        let status: TerminationStatus
        if let terminal {
            state.withLock { $0.master = terminal.master }
            let reader = PseudoTerminalReader(master: terminal.master) { bytes in
                if let event = self.received(bytes, now: clock.now) { onEvent(event) }
            }
            // Reopening the slave makes it the new session's controlling terminal.
            let takeTerminal = "exec 0<>'\(terminal.slavePath)' 1>&0 2>&0"
            do {
                status = try await Subprocess.run(
                    .path("/bin/bash"), arguments: ["-c", ShellScript.replacingFirstLine(of: script, with: takeTerminal)],
                    environment: environment, workingDirectory: "/",
                    platformOptions: options,
                    input: .fileDescriptor(FileDescriptor(rawValue: terminal.slaves.0), closeAfterSpawningProcess: true),
                    output: .fileDescriptor(FileDescriptor(rawValue: terminal.slaves.1), closeAfterSpawningProcess: true),
                    error: .fileDescriptor(FileDescriptor(rawValue: terminal.slaves.2), closeAfterSpawningProcess: true)
                ) { execution in started(execution.processIdentifier.value) }.terminationStatus
            } catch {
                reader.childExited()
                await reader.finished()
                closeTerminal()
                throw error
            }
            reader.childExited()
            await reader.finished()
            closeTerminal()
        } else {
            status = try await Subprocess.run(
                .path("/bin/bash"), arguments: ["-c", script], environment: environment, workingDirectory: "/", platformOptions: options,
                input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                started(execution.processIdentifier.value)
                do {
                    for try await chunk in execution.standardOutput {
                        let bytes = chunk.withUnsafeBytes { Array($0) }
                        if let event = self.received(bytes, now: clock.now) { onEvent(event) }
                    }
                } catch {
                    // The read is cancelled once the shell has exited while a descendant still
                    // holds the pipe: the output ends there, as Python's reconcile ends it.
                }
            }.terminationStatus
        }
        switch status {
        case .exited(let code): return Int(code)
        case .signaled(let signal): return -Int(signal)
        }
    }

    private func closeTerminal() {
        if let master = state.withLock({ state in
            defer { state.master = nil }
            return state.master
        }) {
            close(master)
        }
    }

    /// Output arrived: into the buffer, and through the watch patterns.
    private func received(_ bytes: [UInt8], now: ContinuousClock.Instant) -> ProcessEvent? {
        state.withLock { state in
            let text = state.decoder.decode(bytes)
            state.output.append(text)
            guard !state.watchPatterns.isEmpty, state.exit == nil else { return nil }
            let verdict = state.watch.check(text, patterns: state.watchPatterns, now: now)
            switch verdict {
            case .none:
                return nil
            case .match(let pattern, let output, let suppressed):
                return event(.watchMatch, state, pattern: pattern, output: output, suppressed: suppressed)
            case .disabled(let suppressed):
                state.notifyOnComplete = true
                return event(
                    .watchDisabled, state, output: "", suppressed: suppressed,
                    message:
                        "Watch patterns disabled for process \(id) — \(WatchState.strikeLimit) consecutive rate-limit windows triggered (min spacing \(WatchState.minimumInterval.components.seconds)s). Falling back to notify_on_complete semantics; you'll get exactly one notification when the process exits."
                )
            }
        }
    }

    private func event(
        _ kind: ProcessEvent.Kind, _ state: State, pattern: String? = nil, output: String, suppressed: Int, message: String? = nil
    ) -> ProcessEvent {
        ProcessEvent(
            kind: kind, processID: id, session: session, chat: chat, command: command, exitCode: state.exit?.code,
            completionReason: state.exit?.reason, terminationSource: state.exit?.source, pattern: pattern, output: output,
            suppressed: suppressed, message: message)
    }

    /// Records how the process ended, unless it already was (a kill records first), and returns
    /// the completion notification when it was asked for, with the waiters to wake. A kill under
    /// way makes it a kill.
    private func finish(_ exit: Exit) -> (ProcessEvent?, [CheckedContinuation<Void, Never>]) {
        state.withLock { state -> (ProcessEvent?, [CheckedContinuation<Void, Never>]) in
            let tail = state.decoder.finish()
            if !tail.isEmpty { state.output.append(tail) }
            guard state.exit == nil else { return (nil, []) }
            state.exit = state.killSource.map { Exit(code: -15, reason: "killed", source: $0) } ?? exit
            defer { state.exitWaiters = [:] }
            let event =
                state.notifyOnComplete
                ? self.event(.completion, state, output: TerminalText.stripANSI(state.output.last(2000)), suppressed: 0) : nil
            return (event, Array(state.exitWaiters.values))
        }
    }

    // MARK: Settings

    /// Python's `notify_on_complete` and `watch_patterns` for this process.
    func configureNotifications(notifyOnComplete: Bool, watchPatterns: [String]) {
        state.withLock { state in
            state.notifyOnComplete = notifyOnComplete
            state.watchPatterns = watchPatterns
        }
    }

    // MARK: Reading

    func snapshot() -> Snapshot {
        state.withLock { state in
            Snapshot(
                pid: state.pid, output: state.output, exit: state.exit, notifyOnComplete: state.notifyOnComplete,
                watchPatterns: state.watchPatterns, watchHits: state.watch.hits, watchDisabled: state.watch.disabled,
                hasTerminal: state.master != nil, completionConsumed: state.completionConsumed)
        }
    }

    var pid: Int32 { state.withLock { $0.pid } }

    /// Records that the agent has the result in hand, once the process has exited.
    func consumeCompletion() {
        state.withLock { state in
            if state.exit != nil { state.completionConsumed = true }
        }
    }

    var hasExited: Bool { state.withLock { $0.exit != nil } }

    /// Returns once the exit is recorded, or when the task is cancelled.
    func exited() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state -> Bool in
                    let done = state.exit != nil || Task.isCancelled
                    if !done { state.exitWaiters[id] = continuation }
                    return done
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.exitWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Returns once the task that runs the process has ended (the process reaped, its output read).
    func stopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if !state.stopped { state.stopWaiters.append(continuation) }
                return state.stopped
            }
            if done { continuation.resume() }
        }
    }

    // MARK: Killing

    /// Marks a kill by `source` under way; false when the process has already exited.
    func beginKill(source: String) -> Bool {
        state.withLock { state in
            guard state.exit == nil else { return false }
            if state.killSource == nil { state.killSource = source }
            return true
        }
    }

    /// Records the kill, whatever the process's own exit said meanwhile (Python overwrites it);
    /// returns the completion notification when it was asked for and the exit had not already
    /// sent it.
    func recordKilled(source: String) -> ProcessEvent? {
        let (event, waiters) = state.withLock { state -> (ProcessEvent?, [CheckedContinuation<Void, Never>]) in
            let first = state.exit == nil
            state.exit = Exit(code: -15, reason: "killed", source: state.killSource ?? source)
            defer { state.exitWaiters = [:] }
            let event =
                first && state.notifyOnComplete
                ? self.event(.completion, state, output: TerminalText.stripANSI(state.output.last(2000)), suppressed: 0) : nil
            return (event, Array(state.exitWaiters.values))
        }
        for waiter in waiters { waiter.resume() }
        return event
    }

    /// Sends `signal` to the process group while its leader is unreaped (so the group id is
    /// still this process's and no other's).
    func signal(_ signal: Int32) {
        state.withLock { state in
            if state.pid > 0 && !state.reaped { signalGroup(state.pid, signal) }
        }
    }

    // MARK: Standard input

    /// What a write to standard input came to.
    enum InputOutcome: Equatable {
        case written(Int)
        case alreadyExited
        case unavailable
        case failed(String)
    }

    /// Writes `data` to the pseudo-terminal (Python counts the characters, not the bytes).
    func write(_ data: String) -> InputOutcome {
        state.withLock { state in
            guard state.exit == nil else { return .alreadyExited }
            guard let master = state.master else { return .unavailable }
            var bytes = Array(data.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { writeDescriptor(master, $0) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return .failed(String(cString: strerror(errno)))
                }
                bytes = bytes.dropFirst(written)
            }
            return .written(data.unicodeScalars.count)
        }
    }
}

/// Sends `signal` to the process group `leader` leads, or to `leader` alone when it has not made
/// the group yet: the spawn returns once the child exists, maybe before it has called setsid, and
/// a signal to a group that does not exist yet would be lost while the child goes on to run.
func signalGroup(_ leader: pid_t, _ signal: Int32) {
    if kill(-leader, signal) != 0 && errno == ESRCH { _ = kill(leader, signal) }
}

/// `write(2)`, out of reach of `BackgroundProcess.write`'s name.
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int { write(descriptor, bytes.baseAddress, bytes.count) }

/// Python's per-process watch rate limit: at most one match notification per 15 s; a window in
/// which matches were dropped is a strike, and after 3 strikes in a row watching stops and the
/// process notifies on exit instead. (Python's global breaker over all processes, 15 per 10 s,
/// is not kept: this limit and the registry's bounds on processes and queued events already
/// bound what a chat can be sent.)
struct WatchState: Sendable {
    static let minimumInterval: Duration = .seconds(15)
    static let strikeLimit = 3

    enum Verdict: Sendable {
        case none
        case match(pattern: String, output: String, suppressed: Int)
        case disabled(suppressed: Int)
    }

    private(set) var hits = 0
    private(set) var disabled = false
    private var suppressed = 0
    private var cooldownUntil: ContinuousClock.Instant?
    private var strikeCandidate = false
    private var consecutiveStrikes = 0

    /// Python's `_check_watch_patterns` over a chunk of output.
    mutating func check(_ text: String, patterns: [String], now: ContinuousClock.Instant) -> Verdict {
        guard !disabled else { return .none }
        var matched: [String] = []
        var firstPattern: String?
        for line in TerminalText.splitLines(text) {
            if let pattern = patterns.first(where: { PythonText.contains(line, $0) }) {
                matched.append(Self.rstrip(line))
                if firstPattern == nil { firstPattern = pattern }
            }
        }
        guard let firstPattern else { return .none }
        if let cooldownUntil, now < cooldownUntil {
            suppressed += matched.count
            if !strikeCandidate {
                strikeCandidate = true
                consecutiveStrikes += 1
                if consecutiveStrikes >= Self.strikeLimit {
                    disabled = true
                    return .disabled(suppressed: suppressed)
                }
            }
            return .none
        }
        if cooldownUntil != nil && !strikeCandidate { consecutiveStrikes = 0 }
        strikeCandidate = false
        cooldownUntil = now + Self.minimumInterval
        hits += 1
        defer { suppressed = 0 }
        var output = matched.prefix(20).joined(separator: "\n")
        if output.unicodeScalars.count > 2000 { output = PythonText.prefix(output, 2000) + "\n...(truncated)" }
        return .match(pattern: firstPattern, output: output, suppressed: suppressed)
    }

    private static func rstrip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let last = scalars.lastIndex(where: { !PythonText.isSpace($0) }) else { return "" }
        return String(scalars[...last])
    }
}

/// The script a command runs in, as Python's local environment wraps it: line 1 is Python's
/// snapshot line (a comment here, or the pseudo-terminal's takeover), line 2 changes into the
/// directory (exit status 126 when it cannot, as Python's), line 3 evaluates the command, so
/// that the shell's messages name the lines Python's do (`bash: line 3: x: command not found`).
enum ShellScript {
    static func wrap(_ command: String, in directory: String) -> String {
        "# hermes\nbuiltin cd -- \(quote(directory)) || exit 126\neval \(quote(command))"
    }

    static func replacingFirstLine(of script: String, with line: String) -> String {
        line + script.drop { $0 != "\n" }
    }

    /// `text` in single quotes, each `'` written `'\''`.
    static func quote(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
