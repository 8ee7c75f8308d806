import Foundation
import HermesCore
import HermesStore
import HermesTesting
import Testing

@Suite("Session store: bad files and full disks", .timeLimit(.minutes(1)))
struct StoreErrorTests {
    private func openError(_ path: String) async -> StoreError? {
        do {
            let store = try await SQLiteSessionStore.open(at: path)
            await store.close()
            return nil
        } catch {
            return error as? StoreError
        }
    }

    @Test("a file that is not SQLite is refused by name and left unchanged")
    func notSQLite() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/notes.txt"
            try Data("these are my notes, not a database\n".utf8).write(to: URL(fileURLWithPath: path))
            let before = contents(of: path)
            let error = try #require(await openError(path))
            #expect(error.code == .notADatabase)
            #expect(error.description.hasPrefix(path))
            #expect(contents(of: path) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test("a damaged file is refused by name and left unchanged")
    func corrupt() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            try await withSessionStore(at: path) { store in
                try await store.createSession(NewSession(id: SessionID("x"), source: "cli"))
            }
            var bytes = try #require(contents(of: path))
            // Keep the 100-byte header, overwrite the schema on page 1.
            for index in 100..<min(bytes.count, 4096) { bytes[index] = 0xA5 }
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = try #require(await openError(path))
            #expect(error.code == .corrupt || error.code == .notADatabase)
            #expect(error.description.hasPrefix(path))
            #expect(contents(of: path) == bytes)
        }
    }

    @Test("another application's SQLite file is refused and left unchanged")
    func foreignDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/other.db"
            try await python("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table photos(id)'); c.commit()", path)
            let before = contents(of: path)
            let error = try #require(await openError(path))
            #expect(error.code == .notADatabase)
            #expect(error.message.contains("photos"))
            #expect(contents(of: path) == before)
        }
    }

    @Test("a newer schema version is refused with both versions named, and the file left unchanged")
    func newerSchema() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            try await withSessionStore(at: path) { store in
                try await store.createSession(NewSession(id: SessionID("x"), source: "cli"))
            }
            try await python(
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update schema_version set version = 23'); c.commit()", path)
            let before = contents(of: path)
            let error = try #require(await openError(path))
            #expect(error.code == .newerSchema)
            #expect(error.message.contains("23") && error.message.contains("22"))
            #expect(contents(of: path) == before)
        }
    }

    @Test("a full database fails the writes that do not fit; everything acknowledged stays")
    func full() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/state.db"
            var acknowledged: [Int64] = []
            var failure: StoreError?
            try await withSessionStore(at: path, configuration: StoreConfiguration(maxPageCount: 64)) { store in
                let id = SessionID("full")
                try await store.createSession(NewSession(id: id, source: "cli"))
                let text = String(repeating: "lorem ipsum dolor sit amet ", count: 40)
                for index in 0..<2000 {
                    do {
                        acknowledged += try await store.append([.user("\(index) \(text)")], to: id)
                    } catch {
                        failure = error as? StoreError
                        break
                    }
                }
            }
            let error = try #require(failure)
            #expect(error.code == .full)
            #expect(error.description.hasPrefix(path))
            #expect(!acknowledged.isEmpty)
            try await withSessionStore(at: path) { store in
                let stored = try await store.messages(in: SessionID("full"), offset: 0, limit: nil, includeInactive: true)
                #expect(stored.map(\.id) == acknowledged)
                #expect(try await store.session(SessionID("full"))?.messageCount == acknowledged.count)
                try await store.append([.user("after the cap was lifted")], to: SessionID("full"))
            }
            #expect(try await integrityCheck(path) == "ok")
        }
    }

    @Test(
        "a really full disk (a 2 MiB tmpfs): acknowledged messages survive", .requires(.tmpfsMounts))
    func fullFilesystem() async throws {
        try await Prerequisite.tmpfsMounts.require()
        try await withTmpfs(options: "size=2m") { mountPoint in
            let path = mountPoint + "/state.db"
            var acknowledged = 0
            var failure: StoreError?
            try await withSessionStore(at: path) { store in
                let id = SessionID("disk")
                try await store.createSession(NewSession(id: id, source: "cli"))
                let text = String(repeating: "the disk fills up ", count: 60)
                for index in 0..<5000 {
                    do {
                        acknowledged += try await store.append([.user("\(index) \(text)")], to: id).count
                    } catch {
                        failure = error as? StoreError
                        break
                    }
                }
            }
            let error = try #require(failure)
            #expect(error.code == .full || error.code == .io)
            #expect(error.description.hasPrefix(path))
            #expect(acknowledged > 0)
            // Reading back needs no new space: every acknowledged message is there.
            let count = try await python(
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from messages\").fetchone()[0])", path)
            #expect(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) == acknowledged)
        }
    }

    /// A directory this process cannot write: permission bits for a user; root ignores those,
    /// so for root a read-only tmpfs mount.
    static let writeProtection = Prerequisite(
        "a read-only directory (a user's, or root allowed to mount a tmpfs)", remedy: "run as a user, or as root with mount rights"
    ) { getuid() != 0 ? true : await Prerequisite.tmpfsMounts.isMet() }

    @Test("a read-only directory gives a clear error naming the file", .requires(writeProtection))
    func readOnlyDirectory() async throws {
        try await Self.writeProtection.require()
        let check = { (readOnly: String) async throws in
            let path = readOnly + "/state.db"
            let error = try #require(await openError(path))
            #expect(error.code == .cannotOpen || error.code == .readOnly)
            #expect(error.description.hasPrefix(path))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        if getuid() == 0 {
            try await withTmpfs(options: "ro,size=64k", check)
        } else {
            try await withTemporaryDirectory { directory in
                chmod(directory, 0o555)
                defer { chmod(directory, 0o755) }
                try await check(directory)
            }
        }
    }

    /// Mounts a tmpfs with `options` on a fresh directory for `body`, and unmounts it afterwards.
    private func withTmpfs(options: String, _ body: (String) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let mountPoint = directory + "/mount"
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            let mounted = try await runProcess("mount", ["-t", "tmpfs", "-o", options, "tmpfs", mountPoint])
            try #require(mounted.status == 0, "mount failed: \(mounted.standardError)")
            do {
                try await body(mountPoint)
            } catch {
                _ = try? await runProcess("umount", [mountPoint])
                throw error
            }
            _ = try await runProcess("umount", [mountPoint])
        }
    }
}
