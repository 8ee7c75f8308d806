import Foundation
import HermesCore
import HermesStore
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
            try await python("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update schema_version set version = 23'); c.commit()", path)
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

    @Test("a really full disk (a 2 MiB tmpfs, where mounting is allowed): acknowledged messages survive")
    func fullFilesystem() async throws {
        try await withTemporaryDirectory { directory in
            let mountPoint = directory + "/small"
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            guard getuid() == 0, shell("mount -t tmpfs -o size=2m tmpfs \(mountPoint)") else {
                print("skipped: mounting a small tmpfs needs root; the max_page_count test covers full databases")
                return
            }
            defer { _ = shell("umount \(mountPoint)") }
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

    @Test("a read-only directory gives a clear error naming the file")
    func readOnlyDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let readOnly = directory + "/ro"
            try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
            // Root ignores permission bits, so as root the directory is a read-only tmpfs mount.
            let mounted = getuid() == 0 && shell("mount -t tmpfs -o ro,size=64k tmpfs \(readOnly)")
            defer { if mounted { _ = shell("umount \(readOnly)") } }
            if !mounted { chmod(readOnly, 0o555) }
            guard mounted || getuid() != 0 else {
                // Root without the right to mount (a locked-down container) has no read-only directory to try.
                print("skipped: running as root without permission to mount a read-only tmpfs")
                return
            }
            let path = readOnly + "/state.db"
            let error = try #require(await openError(path))
            #expect(error.code == .cannotOpen || error.code == .readOnly)
            #expect(error.description.hasPrefix(path))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    private func shell(_ command: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>/dev/null"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
