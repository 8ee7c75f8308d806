import Foundation
import HermesCore
import HermesStore
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
func python(_ script: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    #expect(
        process.terminationStatus == 0, "python3 failed: \(String(decoding: errorData, as: UTF8.self))",
        sourceLocation: sourceLocation)
    return text
}

/// `PRAGMA integrity_check`, as Python's sqlite3 reports it.
func integrityCheck(_ path: String) throws -> String {
    try python("import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", path)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The bytes of a file, to show it was not changed.
func contents(of path: String) -> Data? { FileManager.default.contents(atPath: path) }

