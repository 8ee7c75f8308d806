import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair for a `pty=true` background process, 30 rows by 120 columns as
/// Python's `ptyprocess` spawn makes it. The child gets the slave on its standard input, output
/// and error; the registry reads and writes the master.
struct PseudoTerminal: Sendable {
    /// Read for output, written for input; non-blocking, closed on exec.
    let master: Int32
    /// The slave's device path (`/dev/pts/N`), which the child's shell reopens so that it
    /// becomes its controlling terminal (`^C` then interrupts it, `/dev/tty` works).
    let slavePath: String
    /// The slave, for the child's three standard descriptors (each its own duplicate).
    let slaves: (Int32, Int32, Int32)

    /// Opens a pair, or says which call failed.
    static func open(rows: UInt16 = 30, columns: UInt16 = 120) throws(PseudoTerminalError) -> PseudoTerminal {
        // posix_openpt, unlockpt and ptsname as glibc does them (Swift's Glibc module does not
        // export them): open the multiplexer, unlock the slave, ask its number.
        let master = openDescriptor("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw PseudoTerminalError("open /dev/ptmx") }
        func fail(_ call: String) -> PseudoTerminalError {
            let error = PseudoTerminalError(call)
            close(master)
            return error
        }
        var unlock: Int32 = 0
        guard ioctl(master, ptyLock, &unlock) == 0 else { throw fail("ioctl(TIOCSPTLCK)") }
        var number: UInt32 = 0
        guard ioctl(master, ptyNumber, &number) == 0 else { throw fail("ioctl(TIOCGPTN)") }
        let path = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        var slaves: [Int32] = []
        for _ in 0..<3 {
            let slave = openDescriptor(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slave >= 0 else {
                for opened in slaves { close(opened) }
                throw fail("open \(path)")
            }
            slaves.append(slave)
        }
        return PseudoTerminal(master: master, slavePath: path, slaves: (slaves[0], slaves[1], slaves[2]))
    }

    /// Linux's `TIOCSPTLCK` (`_IOW('T', 0x31, int)`) and `TIOCGPTN` (`_IOR('T', 0x30, unsigned
    /// int)`), function-like macros that Swift does not import.
    private static let ptyLock: UInt = 0x4004_5431
    private static let ptyNumber: UInt = 0x8004_5430
}

/// `open(2)`, out of reach of `PseudoTerminal.open`'s name.
private func openDescriptor(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }

/// A pseudo-terminal could not be opened: the call and its `errno`.
struct PseudoTerminalError: Error, CustomStringConvertible {
    let description: String

    init(_ call: String) { description = "\(call): \(String(cString: strerror(errno)))" }
}

/// Reads a pseudo-terminal's master on a thread of its own (a blocking-style loop that must
/// not sit on the cooperative pool for the process's whole life), handing each chunk to
/// `onOutput`. It stops when the slave side is closed (EIO or hang-up), or once the child has
/// exited (`childExited()`) and the master has been quiet for three polls of 100 ms, or 2 s at
/// most after the exit: a descendant that keeps the terminal open does not keep the process
/// "running", as with Python's reader, which stops when the child is gone.
final class PseudoTerminalReader: Sendable {
    private struct State {
        var childExited = false
        var done = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init(master: Int32, onOutput: @escaping @Sendable ([UInt8]) -> Void) {
        let thread = Thread { [self] in
            self.loop(master: master, onOutput: onOutput)
        }
        thread.name = "hermes-pty-reader"
        thread.start()
    }

    /// The child has exited: drain what is left, then stop.
    func childExited() { state.withLock { $0.childExited = true } }

    /// Returns once the reader has stopped.
    func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    private func loop(master: Int32, onOutput: @Sendable ([UInt8]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var quietPolls = 0
        var exitSeen: ContinuousClock.Instant?
        reading: while true {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            let exited = state.withLock { $0.childExited }
            if exited && exitSeen == nil { exitSeen = .now }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 || descriptor.revents & Int16(POLLIN) == 0 {
                if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { break }
                if exited {
                    quietPolls += 1
                    if quietPolls >= 3 { break }
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            switch count {
            case 1...:
                quietPolls = 0
                onOutput(Array(buffer[0..<count]))
                if let exitSeen, ContinuousClock.now - exitSeen > .seconds(2) { break reading }
            case 0:
                break reading
            default:
                if errno == EAGAIN || errno == EINTR { continue }
                break reading  // EIO: every slave descriptor is closed
            }
        }
        let waiters = state.withLock { state in
            state.done = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
