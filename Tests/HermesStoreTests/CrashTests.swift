import Foundation
import HermesCore
import HermesStore
import HermesTesting
import Testing

/// A writer process killed with SIGKILL in the middle of its work loses nothing it acknowledged.
@Suite("Session store: crash safety", .timeLimit(.minutes(2)))
struct CrashTests {
    @Test("SIGKILL while it writes: every acknowledged id is present, the file is intact, appending goes on")
    func killedWriter() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Executables.hermesBench), "build hermes-bench first (swift build --build-tests)")
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            var generator = SystemRandomNumberGenerator()
            for round in 0..<3 {
                // Killed after a random number of acknowledgements: the writer goes on writing while
                // the test reads them, so the kill lands at a different point of its work each time.
                let killAfter = Int.random(in: 200...2_000, using: &generator)
                let (written, status, _) = try await withChildProcess(
                    Executables.hermesBench, ["store", "writer", "--db", path, "--sessions", "8"]
                ) { writer -> (pid: Int32, acknowledged: [Int64]) in
                    var acknowledged: [Int64] = []
                    while let line = await writer.nextLine() {
                        if let id = Int64(line) { acknowledged.append(id) }
                        if acknowledged.count == killAfter { writer.signal(SIGKILL) }
                    }
                    return (writer.processIdentifier, acknowledged)
                }
                #expect(status == 128 + SIGKILL, "the writer was still running when killed")
                #expect(written.acknowledged.count >= killAfter)
                try await withSessionStore(at: path) { store in
                    var stored: Set<Int64> = []
                    for index in 0..<8 {
                        let id = SessionID("writer-\(written.pid)-\(index)")
                        let rows = try await store.messages(in: id, offset: 0, limit: nil, includeInactive: true)
                        stored.formUnion(rows.map(\.id))
                        #expect(try await store.session(id)?.messageCount == rows.count, "counters commit with their rows")
                    }
                    let lost = written.acknowledged.filter { !stored.contains($0) }
                    #expect(lost.isEmpty, "acknowledged but missing after the crash: \(lost.prefix(10))")
                    let id = SessionID("after-crash-\(round)")
                    try await store.createSession(NewSession(id: id, source: "test"))
                    try await store.append([.user("still writable")], to: id)
                }
                #expect(try await integrityCheck(path) == "ok")
            }
        }
    }
}
