import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens the writer connection: checks the file without changing it, then brings the schema up to
/// date in one transaction.
///
/// Nothing is written until the file passed every check, so a failed open leaves the file as it
/// was: not SQLite, damaged, someone else's database, or a newer schema.
enum SchemaSetup {
    static func openWriter(path: String, configuration: StoreConfiguration) throws(StoreError) -> SQLiteConnection {
        try checkHeader(path: path)
        try makeParentDirectory(of: path)
        let connection = try SQLiteConnection(path: path, readOnly: false)
        do {
            try connection.execute("PRAGMA busy_timeout = \(configuration.busyTimeout.milliseconds)")
            try checkContents(connection)
            try connection.execute("PRAGMA journal_mode = WAL")
            try connection.execute("PRAGMA synchronous = \(configuration.durability == .full ? "FULL" : "NORMAL")")
            try connection.execute("PRAGMA foreign_keys = ON")
            try connection.execute("PRAGMA cache_size = -16384")
            if let pages = configuration.maxPageCount {
                try connection.execute("PRAGMA max_page_count = \(pages)")
            }
            try migrate(connection)
            return connection
        } catch {
            connection.close()
            throw error
        }
    }

    /// Refuses a non-empty file whose first 16 bytes are not SQLite's magic string, before SQLite
    /// gets a chance to touch it.
    static func checkHeader(path: String) throws(StoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw StoreError(.cannotOpen, path: path, message: "this is a directory or a device, not a database file; give a file path")
        }
        guard info.st_size > 0 else { return }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw StoreError(.cannotOpen, path: path, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = read(fd, &header, 16)
        guard count == 16, header == Array("SQLite format 3\0".utf8) else {
            throw StoreError(
                .notADatabase, path: path,
                message: "the file is not an SQLite database; point --db at a state.db file or at a new path")
        }
    }

    private static func makeParentDirectory(of path: String) throws(StoreError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                .cannotOpen, path: path,
                message: "cannot create the directory \(directory): \(error.localizedDescription)")
        }
    }

    /// Reads the schema (which makes SQLite parse the header and the schema pages) and the schema
    /// version, changing nothing.
    private static func checkContents(_ connection: SQLiteConnection) throws(StoreError) {
        let tables = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        var names: Set<String> = []
        while try tables.step() { names.insert(tables.text(0) ?? "") }
        guard !names.isEmpty else { return }
        guard names.contains("schema_version"), names.contains("sessions"), names.contains("messages") else {
            throw StoreError(
                .notADatabase, path: connection.path,
                message:
                    "this SQLite database is not a Hermes state.db (it has tables \(names.sorted().prefix(5).joined(separator: ", ")) but no sessions/messages/schema_version); choose another --db path"
            )
        }
        let found = try connection.scalar("SELECT version FROM schema_version LIMIT 1")?.int
        if let found, found > StateSchema.version {
            throw StoreError(
                .newerSchema, path: connection.path,
                message:
                    "the database has schema version \(found), newer than the \(StateSchema.version) this build understands; upgrade hermes, or use a copy made for this version. The file was not changed"
            )
        }
    }

    private static func migrate(_ connection: SQLiteConnection) throws(StoreError) {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let hadFullText = try tableExists("messages_fts", in: connection)
            let hadTrigram = try tableExists("messages_fts_trigram", in: connection)
            try connection.execute(StateSchema.tables)
            try ColumnReconciler.addMissingColumns(to: connection)
            try connection.execute(StateSchema.laterIndexes)
            try connection.execute("UPDATE messages SET active = 1 WHERE active IS NULL")
            try narrowUpdateTriggers(connection)
            try connection.execute(StateSchema.fullText)
            try connection.execute(StateSchema.trigram)
            if !hadFullText { try backfill("messages_fts", in: connection) }
            if !hadTrigram { try backfill("messages_fts_trigram", in: connection) }
            if try connection.scalar("SELECT version FROM schema_version LIMIT 1") == nil {
                try connection.execute("INSERT INTO schema_version (version) VALUES (\(StateSchema.version))")
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Drops update triggers made by the Python project (they fire on any column), so that the
    /// schema's own, which fire only on the indexed columns, replace them. Python creates its
    /// triggers only when missing and never reads their text, so it keeps using ours.
    private static func narrowUpdateTriggers(_ connection: SQLiteConnection) throws(StoreError) {
        for name in StateSchema.updateTriggers {
            let sql = try connection.scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '\(name)'")
            if case .text(let text) = sql, !text.contains("AFTER UPDATE OF") {
                try connection.execute("DROP TRIGGER \(name)")
            }
        }
    }

    private static func tableExists(_ name: String, in connection: SQLiteConnection) throws(StoreError) -> Bool {
        try connection.scalar("SELECT count(*) FROM sqlite_master WHERE name = '\(name)'")?.int ?? 0 > 0
    }

    /// Indexes messages written before the full-text table existed, the way the triggers would have.
    private static func backfill(_ table: String, in connection: SQLiteConnection) throws(StoreError) {
        try connection.execute(
            """
            INSERT INTO \(table)(rowid, content)
            SELECT id, COALESCE(content, '') || ' ' || COALESCE(tool_name, '') || ' ' || COALESCE(tool_calls, '')
            FROM messages
            """)
    }
}
