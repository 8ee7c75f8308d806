import CSQLite

/// Every failure of the session store: what went wrong, with which file, and what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is; stable, and safe as a metric label.
    public enum Code: String, Sendable, Hashable {
        /// The file exists but is not an SQLite database.
        case notADatabase = "not_a_database"
        /// SQLite found damaged pages or a damaged schema.
        case corrupt
        /// The file was written by a newer schema than this build understands.
        case newerSchema = "newer_schema"
        /// The file or its directory cannot be written.
        case readOnly = "read_only"
        /// The disk (or the configured size cap) is full.
        case full
        /// The file cannot be opened or created at all.
        case cannotOpen = "cannot_open"
        /// Another process held the database lock for longer than the busy timeout.
        case busy
        /// A row broke a constraint, e.g. a message for a session that does not exist.
        case constraint
        /// An I/O error from the operating system.
        case io
        /// The store was closed before the call.
        case closed
        /// Anything else SQLite reported.
        case sqlite
    }

    /// The kind of failure.
    public var code: Code
    /// The database file.
    public var path: String
    /// What happened, for people.
    public var message: String
    /// SQLite's own words and result code, when SQLite reported the failure.
    public var cause: String?
    /// The source file in our code where the error was made.
    public var file: String
    /// The line in `file`.
    public var line: Int

    /// Makes an error.
    public init(
        _ code: Code, path: String, message: String, cause: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.path = path
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    /// Turns an SQLite result code into an error with advice for people.
    init(
        sqliteCode: Int32, message sqliteMessage: String, path: String, doing: String,
        file: String = #fileID, line: Int = #line
    ) {
        let cause = "\(sqliteMessage) (SQLite code \(sqliteCode) while running: \(doing.prefix(80)))"
        let (code, message): (Code, String) =
            switch sqliteCode & 0xFF {
            case SQLITE_NOTADB:
                (.notADatabase, "the file is not an SQLite database; point --db at a state.db file or at a new path")
            case SQLITE_CORRUPT:
                (.corrupt, "the database is damaged; restore it from a backup, or recover it with `sqlite3 FILE .recover`")
            case SQLITE_READONLY:
                (.readOnly, "the database or its directory is read-only; make both writable or choose another --db path")
            case SQLITE_FULL:
                (.full, "the disk is full (or the database reached its size cap); free space and retry — committed messages are safe")
            case SQLITE_CANTOPEN:
                (.cannotOpen, "cannot open or create the database; check that the directory exists and is writable")
            case SQLITE_BUSY, SQLITE_LOCKED:
                (.busy, "another process kept the database locked past the busy timeout; retry, or raise busy_timeout")
            case SQLITE_CONSTRAINT:
                (.constraint, "a row broke a constraint (for example a message for a session that was never created)")
            case SQLITE_IOERR:
                (.io, "the operating system reported an I/O error; check the disk")
            default:
                (.sqlite, "SQLite reported an error")
            }
        self.init(code, path: path, message: message, cause: cause, file: file, line: line)
    }

    public var description: String {
        var text = "\(path): \(message)"
        if let cause { text += " [\(cause)]" }
        return text
    }

    /// The description without variable values: the code and the advice. Safe as a metric label.
    public var shortDescription: String { code.rawValue }
}
