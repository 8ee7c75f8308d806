#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces a file's whole content at once: the bytes go to a new temporary file beside it,
/// are flushed to disk, then renamed over it. A reader (this process, another one, the Python
/// project sharing `~/.hermes`) sees the old content or the new, never part of either, and a
/// crash leaves at most a stray `*.tmp` file, never a half-written one.
public enum AtomicFile {
    /// Writes `bytes` to `path` with permission bits `mode` (the temporary file is created with
    /// them, so a secret is never readable by others, even for a moment). The directory must
    /// exist. Throws the failing step and `strerror`, and leaves `path` as it was.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(AtomicFileError) {
        let temporary = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw AtomicFileError(path: temporary, step: "create", errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw AtomicFileError(path: temporary, step: "write", errno: code)
            }
            offset += written
        }
        // The umask may have narrowed `mode`; the caller asked for exactly these bits.
        let failed = fchmod(descriptor, mode) != 0 || fsync(descriptor) != 0
        let code = errno
        close(descriptor)
        guard !failed else {
            unlink(temporary)
            throw AtomicFileError(path: temporary, step: "flush", errno: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw AtomicFileError(path: path, step: "replace", errno: code)
        }
    }

    /// The permission bits of the file at `path`, or nil when there is none.
    public static func mode(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }
}

/// `write(2)`, which `AtomicFile.write` hides inside the type.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// A file that `AtomicFile` could not write: the file, the step that failed and why.
public struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    /// The file being written (the temporary one for the create, write and flush steps).
    public let path: String
    /// `create`, `write`, `flush` or `replace`.
    public let step: String
    /// The system's reason.
    public let reason: String

    init(path: String, step: String, errno code: Int32) {
        self.path = path
        self.step = step
        self.reason = String(cString: strerror(code))
    }

    public var description: String { "cannot \(step) \(path): \(reason)" }
}
