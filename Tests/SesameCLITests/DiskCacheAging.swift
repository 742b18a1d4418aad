import GRDB

/// Time passing for the encrypted disk cache without waiting for it: the cache keeps wall-clock times in plain
/// columns (the values alone are sealed), so moving every entry's times into the past makes the next `sesame`
/// process see them as old as if that time had gone by.
enum DiskCacheAging {
    /// Moves the fetch and expiry times of every entry of the cache at `path` back by `seconds`.
    static func age(_ path: String, by seconds: Double) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: "UPDATE entry SET fetched_at = fetched_at - ?, expires_at = expires_at - ?", arguments: [seconds, seconds])
            guard db.changesCount > 0 else { throw AgingError() }
        }
        try queue.close()
    }

    /// There was no entry to age: the test's premise (a cached value) does not hold.
    struct AgingError: Error, CustomStringConvertible {
        var description: String { "the disk cache holds no entry to age" }
    }
}
