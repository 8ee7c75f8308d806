import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A short command the system prompt's probes run (`git status`, `python3 -c …`), as Python's
/// `subprocess.run(…, timeout=…)` runs them: in this process's environment, with nothing on its
/// standard input, its standard error discarded, and its standard output kept.
///
/// Synchronous: it blocks the calling thread until the command ends or its timeout passes, so it
/// is called where the prompt is built, on NIO's blocking pool, never on the cooperative one.
enum ShortCommand {
    /// How a command that ran to its end ended.
    struct Output: Sendable, Equatable {
        /// Its exit status (128 + N when signal N ended it).
        var status: Int32
        /// Its standard output, as UTF-8 (invalid bytes replaced).
        var standardOutput: String
    }

    /// Runs `arguments` (the first is looked up in `PATH`); nil when it could not be started or
    /// did not end within `timeout`. A command that outlives its timeout is killed, with every
    /// process it started in its group, so a child still holding the output pipe cannot hold
    /// the caller past it either.
    static func run(_ arguments: [String], timeout: Duration) -> Output? {
        guard !arguments.isEmpty else { return nil }
        let deadline = ContinuousClock.now + timeout
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return nil }
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        guard let pid = spawn(arguments, output: writeEnd, closing: readEnd) else {
            close(readEnd)
            close(writeEnd)
            return nil
        }
        close(writeEnd)
        defer { close(readEnd) }
        guard let output = readToEnd(readEnd, until: deadline), let status = exitStatus(pid, until: deadline) else {
            kill(-pid, SIGKILL)
            var ignored: Int32 = 0
            waitpid(pid, &ignored, 0)
            return nil
        }
        return Output(status: status, standardOutput: String(decoding: output, as: UTF8.self))
    }

    /// Starts the command in a process group of its own (so that it can be killed with its
    /// children), with `SIGPIPE` at its default as Python's `subprocess` restores it.
    private static func spawn(_ arguments: [String], output: Int32, closing readEnd: Int32) -> pid_t? {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, output)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ) == 0 else { return nil }
        return pid
    }

    /// Everything written to `descriptor` until its last writer closed it; nil at `deadline`.
    private static func readToEnd(_ descriptor: Int32, until deadline: ContinuousClock.Instant) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            guard let wait = milliseconds(until: deadline) else { return nil }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, wait)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return ready == 0 ? nil : bytes }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// The exit status of `pid`, which closed its output and so is ending; nil if it is still
    /// running at `deadline`.
    private static func exitStatus(_ pid: pid_t, until deadline: ContinuousClock.Instant) -> Int32? {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { return nil }
            // Closing its output and exiting are a moment apart; a short pause, bounded by the deadline.
            guard milliseconds(until: deadline) != nil else { return nil }
            poll(nil, 0, 5)
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The milliseconds left before `deadline` (at least 1), or nil once it has passed.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32? {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return nil }
        let (seconds, attoseconds) = left.components
        return Int32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
