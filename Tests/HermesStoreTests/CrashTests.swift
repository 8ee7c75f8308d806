import Foundation
import HermesCore
import HermesStore
import Testing

/// A writer process killed with SIGKILL at a random moment loses nothing it acknowledged.
@Suite("Session store: crash safety", .timeLimit(.minutes(2)))
struct CrashTests {
    /// `hermes-bench` sits next to the test binary in the build directory.
    static var writerExecutable: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("hermes-bench").path
    }

    @Test("SIGKILL at a random moment: every acknowledged id is present, the file is intact, appending goes on")
    func killedWriter() async throws {
        let executable = Self.writerExecutable
        try #require(FileManager.default.isExecutableFile(atPath: executable), "build hermes-bench first (swift build --build-tests)")
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            var generator = SystemRandomNumberGenerator()
            for round in 0..<3 {
                let output = directory + "/acknowledged-\(round).txt"
                _ = FileManager.default.createFile(atPath: output, contents: nil)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = ["store", "writer", "--db", path, "--sessions", "8"]
                process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
                try process.run()
                // Let it get going, then kill it at a random moment while it writes.
                while Self.lines(of: output).count < 200, process.isRunning {
                    try await Task.sleep(for: .milliseconds(5))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal, "the writer was still running when killed")

                let acknowledged = Self.lines(of: output).compactMap { Int64($0) }
                #expect(acknowledged.count >= 200)
                try await withSessionStore(at: path) { store in
                    var stored: Set<Int64> = []
                    for index in 0..<8 {
                        let id = SessionID("writer-\(process.processIdentifier)-\(index)")
                        let rows = try await store.messages(in: id, offset: 0, limit: nil, includeInactive: true)
                        stored.formUnion(rows.map(\.id))
                        #expect(try await store.session(id)?.messageCount == rows.count, "counters commit with their rows")
                    }
                    let lost = acknowledged.filter { !stored.contains($0) }
                    #expect(lost.isEmpty, "acknowledged but missing after the crash: \(lost.prefix(10))")
                    let id = SessionID("after-crash-\(round)")
                    try await store.createSession(NewSession(id: id, source: "test"))
                    try await store.append([.user("still writable")], to: id)
                }
                #expect(try await integrityCheck(path) == "ok")
            }
        }
    }

    /// Complete lines only: a line the kill cut short is not an acknowledgement.
    private static func lines(of path: String) -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        guard let end = text.lastIndex(of: "\n") else { return [] }
        return text[..<end].split(separator: "\n")
    }
}
