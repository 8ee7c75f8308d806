import HermesCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The background processes of one runtime (`terminal` with `background=true`), which the
/// `process` tool lists, polls, waits on, kills and writes to: Python's `ProcessRegistry`
/// (tools/process_registry.py) with its limits.
///
/// Each process runs `/bin/bash` in a session and process group of its own, its standard output
/// and error merged into one rolling buffer of `maxOutputCharacters` (its standard input is
/// `/dev/null`, or a pseudo-terminal with `pty=true`). At most `maxProcesses` are kept: a new one
/// first drops finished ones older than `finishedLifetime`, then the oldest finished, and is
/// refused when all are still running. Waits, kill escalation and lifetimes run on `clock`.
///
/// `shutdown()` kills every running process group and waits for them; the runtime calls it when
/// it stops. A registry that is released with processes still running kills them too, so that
/// none outlives its owner.
public final class ProcessRegistry: Sendable {
    /// The registry's bounds (Python's defaults).
    public struct Limits: Sendable {
        /// Processes kept, running and finished (`MAX_PROCESSES`).
        public var maxProcesses = 64
        /// Characters of output kept per process, the last ones (`MAX_OUTPUT_CHARS`).
        public var maxOutputCharacters = 200_000
        /// How long a finished process stays listed, from its start (`FINISHED_TTL_SECONDS`).
        public var finishedLifetime: Duration = .seconds(1800)
        /// Between SIGTERM and SIGKILL when a process is killed (`terminal.daemon_term_grace_seconds`).
        public var killGrace: Duration = .seconds(2)
        /// Notifications kept for delivery; the oldest are dropped past it.
        public var maxEvents = 256

        /// Python's limits.
        public init() {}
    }

    /// The clock of waits, kill grace, uptimes and lifetimes.
    public let clock: any HermesClock
    /// The bounds.
    public let limits: Limits
    private let state = Mutex(State())

    private struct State {
        var running: [BackgroundProcess] = []
        var finished: [BackgroundProcess] = []
        var events: [ProcessEvent] = []
        /// The consumer waiting in `nextEvents()`.
        var eventWaiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    /// An empty registry.
    public init(clock: any HermesClock = ContinuousClock(), limits: Limits = Limits()) {
        self.clock = clock
        self.limits = limits
    }

    deinit {
        for process in state.withLock({ $0.running }) { process.signal(SIGKILL) }
    }

    // MARK: Spawning

    /// Starts `script` with `/bin/bash -c` as a process of `session`, shown as `command` and
    /// `directory` (the script changes into it itself); with `pty`, on a pseudo-terminal; with
    /// the notifications asked for recorded before any output arrives, addressed to `chat`.
    /// Returns once it runs, with its pid; throws when the registry is full or closed, or it
    /// cannot start.
    func spawn(
        command: String, script: String, directory: String, session: SessionID, chat: ChatAddress? = nil, pty: Bool,
        notifyOnComplete: Bool = false, watchPatterns: [String] = []
    ) async throws -> BackgroundProcess {
        let process = BackgroundProcess(
            id: Self.newID(), command: command, directory: directory, session: session, chat: chat, startedAt: clock.now,
            startedAtText: Self.localTimestamp(), outputLimit: limits.maxOutputCharacters)
        process.configureNotifications(notifyOnComplete: notifyOnComplete, watchPatterns: watchPatterns)
        let refusal = state.withLock { state -> String? in
            if state.closed { return "the runtime is shutting down" }
            prune(&state)
            if state.running.count + state.finished.count >= limits.maxProcesses {
                return
                    "\(state.running.count) background processes are already running, the most kept at once; kill one with process(action='kill') first"
            }
            state.running.append(process)
            return nil
        }
        if let refusal { throw SpawnError(description: refusal) }
        do {
            try await process.start(script: script, pty: pty, clock: clock) { [weak self] event in
                self?.record(event)
            } onExit: {
                [weak self] in
                self?.finished(process)
            }
        } catch {
            state.withLock { state in
                state.running.removeAll { $0 === process }
                state.finished.removeAll { $0 === process }
            }
            throw error
        }
        return process
    }

    /// Drops the finished processes past their lifetime, then the oldest finished ones while
    /// the registry is full (Python's `_prune_if_needed`, which keeps the bound here).
    private func prune(_ state: inout State) {
        let now = clock.now
        state.finished.removeAll { now - $0.startedAt > limits.finishedLifetime }
        while state.running.count + state.finished.count >= limits.maxProcesses, !state.finished.isEmpty {
            let oldest = state.finished.indices.min { state.finished[$0].startedAt < state.finished[$1].startedAt }!
            state.finished.remove(at: oldest)
        }
    }

    private func finished(_ process: BackgroundProcess) {
        state.withLock { state in
            guard let index = state.running.firstIndex(where: { $0 === process }) else { return }
            state.running.remove(at: index)
            state.finished.append(process)
        }
    }

    private func record(_ event: ProcessEvent) {
        let waiter = state.withLock { state in
            state.events.append(event)
            if state.events.count > limits.maxEvents { state.events.removeFirst(state.events.count - limits.maxEvents) }
            return state.eventWaiter.take()
        }
        waiter?.resume()
    }

    // MARK: Queries

    /// The process `id` of `session`; another session's processes are not found (Python looks
    /// ids up across sessions; they are scoped here so that one API caller cannot reach
    /// another's).
    func process(_ id: String, of session: SessionID) -> BackgroundProcess? {
        state.withLock { state in (state.running + state.finished).first { $0.id == id && $0.session == session } }
    }

    /// `session`'s processes, the running ones first, each group in the order it started/ended.
    func processes(of session: SessionID) -> [BackgroundProcess] {
        state.withLock { state in (state.running + state.finished).filter { $0.session == session } }
    }

    /// How many processes are running.
    public var runningCount: Int { state.withLock { $0.running.count } }

    /// The notifications waiting for delivery (completions of `notify_on_complete` processes,
    /// `watch_patterns` matches), oldest first, and forgets them.
    public func drainEvents() -> [ProcessEvent] {
        state.withLock { state in
            defer { state.events = [] }
            return state.events
        }
    }

    /// The notifications queued, as `drainEvents()`, once there is at least one: for the one
    /// consumer that delivers them (the gateway). Returns what is queued (maybe nothing) when the
    /// task is cancelled.
    public func nextEvents() async -> [ProcessEvent] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (ready, replaced) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                    if !state.events.isEmpty || Task.isCancelled { return (true, nil) }
                    defer { state.eventWaiter = continuation }
                    return (false, state.eventWaiter)
                }
                // A second consumer would take the first one's place; the first goes on, empty-handed.
                replaced?.resume()
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.eventWaiter.take() }?.resume()
        }
        return drainEvents()
    }

    /// What the gateway says now of the completion of process `id` (Python's watcher reads the
    /// process when it sees it exited): a turn with Python's message, the whole log redacted
    /// with `redactor` and cut to its last 2,000 characters at a line break, the command
    /// redacted whatever the setting; or, when the agent already took the result with `process`
    /// wait, log or kill, the plain message Python sends instead. Nil when the process is gone.
    public func completionNotice(for id: String, redactor: Redactor) -> CompletionNotice? {
        let found = state.withLock { state in (state.running + state.finished).first(where: { $0.id == id }) }
        guard let process = found else { return nil }
        let snapshot = process.snapshot()
        guard let exit = snapshot.exit else { return nil }
        return ProcessNotification.completionNotice(
            processID: id, session: process.session, command: process.command, exit: exit, log: snapshot.output.text,
            consumed: snapshot.completionConsumed, redactor: redactor)
    }

    // MARK: Waiting and killing

    /// Whether `process` exits within `timeout` on the registry's clock. Never polls: the wait
    /// is the process's own exit signal raced against a sleep on the clock.
    func waitForExit(_ process: BackgroundProcess, timeout: Duration) async -> Bool {
        if process.hasExited { return true }
        let clock = clock
        let deadline = clock.now + timeout
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await process.exited() }
            group.addTask { try? await clock.sleep(until: deadline, tolerance: nil) }
            await group.next()
            group.cancelAll()
        }
        return process.hasExited
    }

    /// Python's `kill_process`: SIGTERM to the process group, SIGKILL after `killGrace` if it
    /// is still running; the process is then recorded as killed by `source` (exit code -15).
    /// Returns false when it had already exited.
    func kill(_ process: BackgroundProcess, source: String = "process.kill") async -> Bool {
        guard process.beginKill(source: source) else { return false }
        process.signal(SIGTERM)
        if await !waitForExit(process, timeout: limits.killGrace) { process.signal(SIGKILL) }
        let completion = process.recordKilled(source: source)
        finished(process)
        if let completion { record(completion) }
        return true
    }

    /// Kills every running process group (SIGKILL: the runtime is stopping) and waits until each
    /// has been reaped; later spawns are refused. The runtime calls it from its `shutdown()`.
    public func shutdown() async {
        let running = state.withLock { state in
            state.closed = true
            return state.running
        }
        // A process that exits by itself meanwhile keeps its own exit; the others are recorded
        // as killed by their runner, which sees the kill under way.
        let killing = running.filter { $0.beginKill(source: "kill_all") }
        for process in killing { process.signal(SIGKILL) }
        for process in running { await process.stopped() }
    }

    // MARK: Helpers

    /// `proc_` and 12 random hex digits, as Python names them.
    private static func newID() -> String {
        let hex = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
        return "proc_" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// The local time now as Python's `time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())`.
    private static func localTimestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A background process could not be started.
struct SpawnError: Error, CustomStringConvertible {
    let description: String
}

/// Something a session should hear about a background process after its turn (Python's
/// `completion_queue` entries).
public struct ProcessEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        /// A `notify_on_complete` process ended.
        case completion
        /// A line of output contained one of the `watch_patterns`.
        case watchMatch = "watch_match"
        /// Watching stopped after too many rate-limited windows; the process now notifies on exit.
        case watchDisabled = "watch_disabled"
    }

    /// What happened.
    public var kind: Kind
    /// The process (`proc_…`).
    public var processID: String
    /// The session that started it.
    public var session: SessionID
    /// The session's chat, where the gateway delivers the notification; nil when it has none.
    public var chat: ChatAddress?
    /// Its command.
    public var command: String
    /// A completion's exit code.
    public var exitCode: Int?
    /// A completion's reason (`exited`, `killed`).
    public var completionReason: String?
    /// Who killed it (`process.kill`, `kill_all`), empty when it exited by itself.
    public var terminationSource: String?
    /// The pattern that matched.
    public var pattern: String?
    /// The last output (completion) or the matching lines (watch match).
    public var output: String
    /// Matches dropped by the rate limit since the last event.
    public var suppressed: Int
    /// Python's message for `watch_disabled`.
    public var message: String?

    /// Makes an event.
    public init(
        kind: Kind, processID: String, session: SessionID, chat: ChatAddress? = nil, command: String, exitCode: Int? = nil,
        completionReason: String? = nil, terminationSource: String? = nil, pattern: String? = nil, output: String = "",
        suppressed: Int = 0, message: String? = nil
    ) {
        self.kind = kind
        self.processID = processID
        self.session = session
        self.chat = chat
        self.command = command
        self.exitCode = exitCode
        self.completionReason = completionReason
        self.terminationSource = terminationSource
        self.pattern = pattern
        self.output = output
        self.suppressed = suppressed
        self.message = message
    }
}
