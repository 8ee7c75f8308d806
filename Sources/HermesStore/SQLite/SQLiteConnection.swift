// A deliberately small wrapper over the SQLite C API (open, exec, prepare, errors with the
// file name). DESIGN.md chose this over GRDB: the store needs one owned writer connection with
// a few prepared statements and read-only readers, and group commit is ours either way.
import CSQLite

/// One SQLite connection.
///
/// Thread-safety: none. A connection is used by one thread at a time — the writer thread, or
/// the reader that checked it out of the pool — which is why it is `@unchecked Sendable`.
final class SQLiteConnection: @unchecked Sendable {
    /// The database file, for error messages.
    let path: String
    private(set) var handle: OpaquePointer?

    /// Opens `path`. `readOnly` connections never create or change the file.
    init(path: String, readOnly: Bool) throws(StoreError) {
        self.path = path
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(db)
            throw StoreError(sqliteCode: code, message: message, path: path, doing: "open")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Closes the connection; statements still alive are finalized with it.
    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// Runs one or more statements that return no rows (DDL, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code, doing: sql) }
    }

    /// Compiles `sql` once, to be stepped many times.
    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, doing: sql) }
        return SQLiteStatement(statement, connection: self)
    }

    /// The value of the first column of the first row of `sql`, or `nil` when there is no row.
    func scalar(_ sql: String) throws(StoreError) -> SQLiteValue? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.value(at: 0)
    }

    /// The rowid of the last row this connection inserted.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether no transaction is open: SQLite rolls a transaction back by itself after some
    /// errors (a full disk, for one), and the writer must know when that happened.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Makes a `StoreError` from a result code and this connection's last message.
    func error(_ code: Int32, doing: String) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        return StoreError(sqliteCode: code, message: message, path: path, doing: doing)
    }
}
