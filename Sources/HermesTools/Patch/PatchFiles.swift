import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#endif

/// The disk side of `write_file` and `patch`. Run it on the blocking pool (`FileIO.offload`).
extension FileIO {
    /// The largest file `patch` reads into memory to edit.
    static let maxEditableBytes = 8 << 20

    /// The file at `path` as the V4A apply and the replace mode see it; `given` names it in the
    /// reasons, as Python's `read_file_raw` does.
    static func textState(_ path: String, given: String) -> V4AFileState {
        var status = stat()
        guard stat(path, &status) == 0 else {
            // A dangling link is something there, which a move must not replace.
            return lstat(path, &status) == 0 ? .unreadable("File not found: \(given)") : .missing
        }
        if status.st_mode & S_IFMT == S_IFDIR { return .unreadable("File not found: \(given)") }
        if Int(status.st_size) > maxEditableBytes {
            return .unreadable("\(given) is \(status.st_size) bytes, over the \(maxEditableBytes)-byte limit of patch")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .unreadable("Failed to read file: \(given): permission denied or unreadable")
        }
        // Text only: rewriting a binary file through a lossy decoding would corrupt it.
        guard !data.prefix(8192).contains(0), let text = String(validating: data, as: UTF8.self) else {
            return .unreadable("Binary file — cannot display as text.")
        }
        return .text(text)
    }

    /// The conventions a write to `path` keeps: the old file's CRLF line breaks (in its first
    /// 4096 bytes) and byte-order mark.
    static func conventions(of path: String) -> TextConventions {
        guard let handle = FileHandle(forReadingAtPath: path) else { return TextConventions(of: nil) }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let crlf = zip(head, head.dropFirst()).contains { $0 == 0x0D && $1 == 0x0A }
        return TextConventions(crlf: crlf, byteOrderMark: head.starts(with: [0xEF, 0xBB, 0xBF]))
    }

    /// Replaces `path`'s content with `text` atomically (a temporary file beside it, renamed
    /// over it), keeping its permission bits (0644 for a new file) and creating its directories.
    /// Returns the bytes written.
    @discardableResult
    static func writeText(_ text: String, to path: String) throws -> Int {
        let bytes = Array(text.utf8)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(bytes, to: path, mode: AtomicFile.mode(of: path) ?? 0o644)
        return bytes.count
    }

    /// Deletes the file (or link) at `path`; a directory is refused.
    static func deleteFile(_ path: String) throws {
        guard unlink(path) == 0 else { throw POSIXFailure(errno: errno) }
    }

    /// Renames `source` to `destination`, creating the destination's directories (Python's `mv`
    /// would fail there, half-way through a patch). Across file systems it copies, then deletes.
    static func moveFile(_ source: String, to destination: String) throws {
        try FileManager.default.createDirectory(
            atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: source, toPath: destination)
    }

    /// A failed system call, described as `strerror` describes it.
    struct POSIXFailure: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { String(cString: strerror(errno)) }
    }
}
