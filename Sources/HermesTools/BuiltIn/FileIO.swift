import Foundation
import NIOPosix

/// File-system work for the file tools, run on NIO's blocking-I/O thread pool so a slow disk never
/// stalls the cooperative threads that run every session's turn.
enum FileIO {
    /// Runs `body` on the blocking pool.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Writes `data` to `path` atomically: a temporary file in the same directory, then a rename,
    /// so a crash or a full disk never leaves a half-written file. Parent directories are created.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    /// Reads a whole file, refusing ones over `limit` bytes and binary ones.
    static func readText(_ path: String, limit: Int) throws(ToolError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ToolError(.failed, "file not found: \(path). Check the path, or use search_files to find it.")
        }
        if isDirectory.boolValue {
            throw ToolError(.failed, "\(path) is a directory; use search_files with target 'files' to list it")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > limit {
            throw ToolError(
                .failed, "\(path) is \(size) bytes, over the \(limit)-byte limit; use search_files to find the part you need")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ToolError(.failed, "cannot read \(path): permission denied or unreadable")
        }
        if data.prefix(8192).contains(0) {
            throw ToolError(.failed, "\(path) is a binary file; read_file reads text only")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
