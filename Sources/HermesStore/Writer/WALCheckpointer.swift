import CSQLite
import Foundation
import HermesCore

/// Copies committed WAL pages back into the database file on a thread and connection of its own,
/// so the writer never pays for a checkpoint in the middle of a commit.
///
/// SQLite's default (a checkpoint inside the commit that crosses 1000 WAL pages) made every
/// 50th or so commit several milliseconds slower and set the append p99. Instead the writer's WAL
/// hook asks this thread for a `PASSIVE` checkpoint, which runs while the writer goes on. Under
/// sustained load the WAL cannot restart while frames keep arriving, so past `hardLimitPages`
/// the writer checkpoints inline once, which lets the next transaction restart the WAL: its size
/// stays bounded.
final class WALCheckpointer: @unchecked Sendable {
    /// WAL pages after which a background checkpoint is requested (SQLite's own default).
    static let softLimitPages: Int32 = 1_000
    /// WAL pages after which the writer checkpoints itself (64 MiB at 4 KiB pages).
    static let hardLimitPages: Int32 = 16_000

    private let connection: SQLiteConnection
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested = false
    private var stopping = false
    private var stopped = false

    init(path: String, busyTimeout: Duration) throws(StoreError) {
        connection = try SQLiteConnection(path: path, readOnly: false)
        try connection.execute("PRAGMA busy_timeout = \(busyTimeout.milliseconds)")
        // A connection that has not read the file yet does not know it is in WAL mode, and its
        // checkpoints would do nothing.
        _ = try connection.scalar("SELECT count(*) FROM sqlite_master")
        let thread = Thread { [self] in run() }
        thread.name = "hermes-store-checkpoint"
        thread.start()
    }

    /// Installs the WAL hook on the writer connection. The checkpointer must outlive it.
    func attach(to writer: SQLiteConnection) {
        let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
            context, database, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(to: pages, writer: database)
            return SQLITE_OK
        }
        sqlite3_wal_hook(writer.handle, hook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called by SQLite on the writer thread after each commit, with the WAL's size in pages.
    private func walGrew(to pages: Int32, writer: OpaquePointer?) {
        if pages >= Self.hardLimitPages {
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if pages >= Self.softLimitPages {
            condition.lock()
            requested = true
            condition.signal()
            condition.unlock()
        }
    }

    /// Stops the thread (after a checkpoint in progress) and closes its connection.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while !requested && !stopping { condition.wait() }
            if stopping {
                connection.close()
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            requested = false
            condition.unlock()
            // Best effort: a busy or failed checkpoint is retried on the next request, and the
            // hard limit bounds the WAL meanwhile.
            sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }
}
