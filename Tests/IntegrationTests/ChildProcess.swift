import Foundation
@testable import HermesBench
import HermesSimulators

#if canImport(Glibc)
import Glibc
#endif

/// A child process (`hermes`, `hermes-bench`, Prometheus) whose first output line and exit are
/// awaited without blocking the test's threads.
final class ChildProcess: Sendable {
    private let process: Process
    private let output: Pipe
    private let errors: Pipe

    init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        output = Pipe()
        errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        self.process = process
    }

    /// The URL from the `listening on URL` line.
    func listeningURL() async throws -> String {
        let line = await output.fileHandleForReading.nextLine()
        guard line.hasPrefix("listening on ") else {
            throw SimulatorError("\(process.executableURL?.lastPathComponent ?? "the process") printed \"\(line)\" instead of its address; stderr: \(standardError)")
        }
        return String(line.dropFirst("listening on ".count))
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to end and returns its exit status.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }

    /// What it wrote to standard error (read once it has exited).
    var standardError: String {
        guard !process.isRunning else { return "(still running)" }
        return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
