import CSQLite

/// SQLite's own heap: page caches (up to `cache_size` per connection), prepared statements,
/// full-text index buffers.
public enum SQLiteMemory {
    /// Bytes SQLite holds now, over all connections of the process (`sqlite3_memory_used`).
    public static var bytesInUse: Int { Int(sqlite3_memory_used()) }
}
