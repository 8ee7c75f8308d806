/// How a `SQLiteSessionStore` writes and reads.
public struct StoreConfiguration: Sendable, Hashable {
    /// SQLite's `synchronous` setting for the writer.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// `synchronous=NORMAL` in WAL mode: a commit survives a crash of this process; a power
        /// loss may undo the last commits since the last checkpoint, never corrupt the file.
        case normal
        /// `synchronous=FULL`: every commit is on disk before `append` returns.
        case full
    }

    /// Commit durability. Default `.normal`.
    public var durability: Durability
    /// The most write operations committed in one transaction.
    public var maxBatchSize: Int
    /// How long the writer may hold a batch open waiting for more writes once one has arrived.
    /// Zero (the default) commits whatever queued while the previous commit ran, which already
    /// groups writes under load without delaying a lone writer.
    public var maxBatchDelay: Duration
    /// Read-only connections (and threads) for history loads and searches.
    public var readers: Int
    /// How long a statement waits for a lock another process holds before failing with `busy`.
    public var busyTimeout: Duration
    /// Whether WAL checkpoints run on a thread of their own (`true`) or inside the commit that
    /// crosses 1000 WAL pages, as SQLite does by default (`false`).
    public var backgroundCheckpoints: Bool
    /// A cap on the database size in pages (`PRAGMA max_page_count`); past it writes fail with
    /// `StoreError.Code.full` and nothing committed is lost. `nil`: no cap.
    public var maxPageCount: Int?

    /// Makes a configuration; every argument has a production default.
    public init(
        durability: Durability = .normal,
        maxBatchSize: Int = 512,
        maxBatchDelay: Duration = .zero,
        readers: Int = 2,
        busyTimeout: Duration = .seconds(5),
        backgroundCheckpoints: Bool = true,
        maxPageCount: Int? = nil
    ) {
        self.durability = durability
        self.maxBatchSize = max(1, maxBatchSize)
        self.maxBatchDelay = max(.zero, maxBatchDelay)
        self.readers = max(1, readers)
        self.busyTimeout = busyTimeout
        self.backgroundCheckpoints = backgroundCheckpoints
        self.maxPageCount = maxPageCount
    }
}
