import NIOPosix
import Synchronization

/// Read-only connections for history loads and searches, each used by one pool thread at a time.
///
/// In WAL mode readers see the last committed state and never wait for the writer, and the
/// writer never waits for them. SQLite calls block, so they run on the pool's own threads.
final class ReaderPool: Sendable {
    private let threads: NIOThreadPool
    private let idle: Mutex<[ReaderConnection]>
    let path: String

    init(path: String, size: Int) throws(StoreError) {
        self.path = path
        var connections: [ReaderConnection] = []
        for _ in 0..<size {
            connections.append(ReaderConnection(try SQLiteConnection(path: path, readOnly: true)))
        }
        idle = Mutex(connections)
        // One thread per connection, so a running job always finds a free connection.
        threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
    }

    /// Runs `body` with a connection of its own, on a pool thread.
    func read<T: Sendable>(_ body: @escaping @Sendable (ReaderConnection) throws -> T) async throws -> T {
        let path = self.path
        do {
            return try await threads.runIfActive { [self] in
                guard let connection = self.idle.withLock({ $0.popLast() }) else {
                    throw StoreError(.closed, path: path, message: "the store is closed")
                }
                defer {
                    connection.endRead()
                    self.idle.withLock { $0.append(connection) }
                }
                return try body(connection)
            }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw StoreError(.closed, path: path, message: "the store is closed")
        }
    }

    /// Like `close()`, without waiting; connections close when the pool goes away.
    func requestClose() {
        threads.shutdownGracefully { _ in }
    }

    /// Waits for running reads, then closes every connection.
    func close() async {
        try? await threads.shutdownGracefully()
        idle.withLock { connections in
            for connection in connections { connection.connection.close() }
            connections.removeAll()
        }
    }
}

/// A read-only connection with its cache of prepared statements.
final class ReaderConnection: @unchecked Sendable {
    let connection: SQLiteConnection
    private var statements: [String: SQLiteStatement] = [:]
    /// Statements stepped during the current read. A statement left mid-result keeps its read
    /// transaction open: later reads on this connection would see that old snapshot, and WAL
    /// checkpoints would wait for it. So each read resets what it used when it ends.
    private var used: [SQLiteStatement] = []
    /// Search builds its SQL from the filters given, so the cache is bounded; past the bound it
    /// starts over rather than growing without limit.
    private let maxStatements = 64

    init(_ connection: SQLiteConnection) { self.connection = connection }

    /// A prepared statement for `sql`, compiled on first use, reset and unbound.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            used.append(cached)
            return cached
        }
        if statements.count >= maxStatements { statements.removeAll() }
        let statement = try connection.prepare(sql)
        statements[sql] = statement
        used.append(statement)
        return statement
    }

    /// Resets every statement the read used, ending its read transaction.
    func endRead() {
        for statement in used { statement.reset() }
        used.removeAll(keepingCapacity: true)
    }
}
