import Foundation
import HermesCore
import HermesStore
import HermesTesting
import Testing

/// A fresh directory under the system's temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = NSTemporaryDirectory() + "hermes-store-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs `python3 -c script args…` and returns its standard output; fails the test on a non-zero exit.
@discardableResult
func python(_ script: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
    let result = try await runProcess("python3", ["-c", script] + arguments)
    #expect(result.status == 0, "python3 failed: \(result.standardError)", sourceLocation: sourceLocation)
    return result.standardOutput
}

/// `PRAGMA integrity_check`, as Python's sqlite3 reports it.
func integrityCheck(_ path: String) async throws -> String {
    try await python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", path)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The bytes of a file, to show it was not changed.
func contents(of path: String) -> Data? { FileManager.default.contents(atPath: path) }
