import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One memory file (`MEMORY.md`, `USER.md`) as the Python project's `MemoryStore` reads and
/// writes it, byte for byte, so that both implementations can share `~/.hermes/memories`. Every
/// function here blocks on the file system: `MemoryStore` calls them on the blocking-I/O pool.
enum MemoryFile {
    /// `ENTRY_DELIMITER`: entries are joined by a line holding only `§`.
    static let delimiter = "\n§\n"

    /// The file's text as Python's `read_text(encoding="utf-8")` gives it, line endings made
    /// `\n` (universal newlines); nil when the file is missing or cannot be read (Python's
    /// `exists()` check and its `except OSError`). Text that is not UTF-8 fails, as Python's
    /// strict decoding does.
    static func read(_ path: String) throws(MemoryStoreError) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        guard let text = String(validating: universalNewlines(bytes), as: UTF8.self) else {
            throw MemoryStoreError("\(path) is not valid UTF-8")
        }
        return text
    }

    /// `_read_file`: the entries of `text`, each stripped, the empty ones dropped (not yet
    /// de-duplicated).
    static func entries(in text: String?) -> [String] {
        guard let text, !PythonText.strip(text).isEmpty else { return [] }
        return PythonText.split(text, separator: delimiter).map(PythonText.strip).filter { !$0.isEmpty }
    }

    /// `ENTRY_DELIMITER.join(entries)`.
    static func joined(_ entries: [String]) -> String { entries.joined(separator: delimiter) }

    /// `_char_count`: the characters the entries take, delimiters included.
    static func characters(_ entries: [String]) -> Int { PythonText.length(joined(entries)) }

    /// `_detect_external_drift`'s test: whether the file holds something the memory tool would
    /// not write back as it is (text around the delimiters, an empty entry) or an entry longer
    /// than the whole file may be (text appended by another writer, which a rewrite would lose).
    static func hasDrifted(_ text: String?, limit: Int) -> Bool {
        guard let text else { return false }
        let stripped = PythonText.strip(text)
        guard !stripped.isEmpty else { return false }
        let parsed = entries(in: text)
        return !PythonText.same(stripped, joined(parsed)) || parsed.contains { PythonText.length($0) > limit }
    }

    /// `_write_file`: the entries written at once (a temporary file renamed over the old one, so a
    /// reader without the lock still sees one whole version), with Python's mode 0600 (its
    /// `mkstemp`). A symbolic link is kept and its target written, as Python's `atomic_replace` does.
    static func write(_ entries: [String], to path: String) throws(MemoryStoreError) {
        do {
            try AtomicFile.write(Array(joined(entries).utf8), to: resolvingLink(path), mode: 0o600)
        } catch {
            throw MemoryStoreError("Failed to write memory file \(path): \(error)")
        }
    }

    /// `_detect_external_drift`'s snapshot: `text` written to `<path>.bak.<epoch>`; the path, or
    /// with Python's note when the copy could not be written.
    static func backUp(_ text: String, of path: String, epoch: Int) -> String {
        let backup = "\(path).bak.\(epoch)"
        let descriptor = open(backup, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return backup + " (BACKUP FAILED — file unchanged on disk)" }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return backup + " (BACKUP FAILED — file unchanged on disk)" }
            offset += written
        }
        return backup
    }

    /// `_file_lock`: an exclusive `flock` on the sidecar `<path>.lock` (created if missing, never
    /// deleted), which the Python project takes too, so its sessions and these serialise their
    /// read-modify-write. Waits until the lock is free. Returns the descriptor to `unlock`.
    static func lock(_ path: String) throws(MemoryStoreError) -> Int32 {
        let lockPath = path + ".lock"
        try makeDirectory((lockPath as NSString).deletingLastPathComponent)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw MemoryStoreError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw MemoryStoreError("cannot lock \(lockPath): \(reason)")
            }
        }
        return descriptor
    }

    /// Releases a lock `lock` took.
    static func unlock(_ descriptor: Int32) {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// `mkdir(parents=True, exist_ok=True)`.
    static func makeDirectory(_ path: String) throws(MemoryStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw MemoryStoreError("cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// `\r\n` and a lone `\r` read as `\n`, as Python's text mode reads them.
    private static func universalNewlines(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\r")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\r") else {
                out.append(byte)
                continue
            }
            out.append(UInt8(ascii: "\n"))
            if index < bytes.count && bytes[index] == UInt8(ascii: "\n") { index += 1 }
        }
        return out
    }

    /// The file a symbolic link at `path` points to (its full real path, as `os.path.realpath`
    /// gives it, or the link's target when that does not exist yet); `path` itself otherwise.
    private static func resolvingLink(_ path: String) -> String {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return path }
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
        return target.hasPrefix("/") ? target : (path as NSString).deletingLastPathComponent + "/" + target
    }
}

/// A memory file could not be read, locked or written: the file and why.
public struct MemoryStoreError: Error, Sendable, CustomStringConvertible {
    /// What failed, naming the file.
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// `read(2)` and `write(2)`, which the names of `MemoryFile`'s functions hide.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
