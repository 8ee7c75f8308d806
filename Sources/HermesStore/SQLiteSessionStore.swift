import Foundation
import HermesCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The embedded session store: one SQLite file in the Python project's `state.db` format.
///
/// One writer thread commits the writes of all sessions in groups (see `GroupCommitWriter`); a
/// pool of read-only connections serves history loads and searches without waiting for it.
///
/// Open it with `open(at:configuration:)` and `close()` it when done, use `withSessionStore`, or
/// run it in a `ServiceGroup`, which closes it on graceful shutdown.
public final class SQLiteSessionStore: SessionStore, Service {
    /// The database file.
    public let path: String
    private let writer: GroupCommitWriter
    private let readers: ReaderPool
    private let statisticsRecorder: StatisticsRecorder
    private let isClosed = Mutex(false)

    private init(path: String, writer: GroupCommitWriter, readers: ReaderPool, statistics: StatisticsRecorder) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.statisticsRecorder = statistics
    }

    /// Opens (or creates) the database at `path`, checking it and bringing its schema up to date.
    ///
    /// Fails with a `StoreError` naming the file when it is not SQLite, is damaged, is not a Hermes
    /// database, has a newer schema, or cannot be written; the file is then left as it was.
    /// `onCommit` hears of every committed transaction (for metrics).
    public static func open(
        at path: String, configuration: StoreConfiguration = .init(), onCommit: CommitObserver? = nil
    ) async throws -> SQLiteSessionStore {
        // Opening reads and may migrate the file: blocking work, kept off the concurrency pool.
        return try await NIOThreadPool.singleton.runIfActive {
            let connection = try SchemaSetup.openWriter(path: path, configuration: configuration)
            let statistics = StatisticsRecorder(observer: onCommit)
            let readers: ReaderPool
            let writer: GroupCommitWriter
            do {
                readers = try ReaderPool(path: path, size: configuration.readers)
                writer = try GroupCommitWriter(connection: connection, configuration: configuration, statistics: statistics)
            } catch {
                connection.close()
                throw error
            }
            return SQLiteSessionStore(path: path, writer: writer, readers: readers, statistics: statistics)
        }
    }

    deinit {
        // Closing was forgotten: let the threads finish what is queued and exit.
        if !isClosed.withLock({ $0 }) {
            writer.requestClose()
            readers.requestClose()
        }
    }

    /// Commits queued writes, then closes every connection. Later calls fail with `.closed`.
    public func close() async {
        guard
            isClosed.withLock({ closed in
                defer { closed = true }
                return !closed
            })
        else { return }
        await writer.close()
        await readers.close()
    }

    /// Runs until graceful shutdown, then closes the store.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Counts of what the writer did since the store opened.
    public var statistics: StoreStatistics { statisticsRecorder.snapshot }

    /// Writes waiting for the writer (not yet in a transaction): how far it is behind.
    public var queuedWrites: Int { writer.queuedWrites }

    public func createSession(_ session: NewSession) async throws {
        _ = try await writer.submit(.createSession(session, now: Self.now))
    }

    @discardableResult
    public func append(_ messages: [Message], to session: SessionID, usage: SessionUsage) async throws -> [Int64] {
        try await writer.submit(.append(messages, session: session, usage: usage, now: Self.now))
    }

    @discardableResult
    public func compact(_ session: SessionID, to messages: [Message]) async throws -> [Int64] {
        try await writer.submit(.compact(messages, session: session, now: Self.now))
    }

    public func endSession(_ session: SessionID, reason: String) async throws {
        _ = try await writer.submit(.endSession(session, reason: reason, now: Self.now))
    }

    public func setSystemPrompt(_ prompt: String, of session: SessionID) async throws {
        _ = try await writer.submit(.setSystemPrompt(prompt, session: session))
    }

    public func session(_ id: SessionID) async throws -> SessionRecord? {
        try await readers.read { try $0.session(id) }
    }

    public func sessions(_ query: SessionListQuery) async throws -> [SessionRecord] {
        try await readers.read { try $0.sessions(query) }
    }

    /// Sessions whose id starts with `prefix` (at most `limit`), for people who type short ids.
    public func sessionIDs(withPrefix prefix: String, limit: Int = 10) async throws -> [SessionID] {
        try await readers.read { try $0.sessionIDs(withPrefix: prefix, limit: limit) }
    }

    public func messages(in session: SessionID, offset: Int, limit: Int?, includeInactive: Bool) async throws -> [StoredMessage] {
        try await readers.read { try $0.messages(in: session, offset: offset, limit: limit, includeInactive: includeInactive) }
    }

    public func search(_ query: SearchQuery) async throws -> [SearchHit] {
        try await readers.read { try $0.search(query) }
    }

    public func recallMessages(in session: SessionID) async throws -> [RecallMessage] {
        try await readers.read { try $0.recallMessages(in: session) }
    }

    public func messages(around anchor: Int64, in session: SessionID, window: Int) async throws -> MessageWindow {
        try await readers.read { try $0.messages(around: anchor, in: session, window: window) }
    }

    public func anchoredView(around anchor: Int64, in session: SessionID, window: Int, bookend: Int) async throws -> AnchoredView {
        try await readers.read { try $0.anchoredView(around: anchor, in: session, window: window, bookend: bookend) }
    }

    public func sessionID(titled title: String) async throws -> SessionID? {
        try await readers.read { try $0.sessionID(titled: title) }
    }

    public func sessionID(owningMessage id: Int64) async throws -> SessionID? {
        try await readers.read { try $0.sessionID(owningMessage: id) }
    }

    public func recentSessions(_ query: RecentSessionsQuery) async throws -> [SessionRecord] {
        try await readers.read { try $0.recentSessions(query) }
    }

    private static var now: Double { Date().timeIntervalSince1970 }
}

/// Opens a store, runs `body` with it, and closes it whatever `body` does.
public func withSessionStore<Result: Sendable>(
    at path: String, configuration: StoreConfiguration = .init(),
    _ body: (SQLiteSessionStore) async throws -> Result
) async throws -> Result {
    let store = try await SQLiteSessionStore.open(at: path, configuration: configuration)
    do {
        let result = try await body(store)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}
