import Foundation
import GRDB
import Logging
import SesameRedaction

/// The local server's one database (SQLite through GRDB, WAL when on disk) and what every store over it shares:
/// the cipher for values at rest, the password hasher, the clock, the audit log and the read cache. Every write
/// is one transaction.
final class EmulatorDatabase: Sendable {
    let writer: any DatabaseWriter
    let cipher: ValueCipher
    let hasher: PasswordHasher
    let now: @Sendable () -> Date
    let audits: AuditLog
    /// `EmulatorConfiguration.requireTicketNumberWithComment`.
    let requireTicketNumberWithComment: Bool
    /// DoubleLock passwords checked before transactions, and wrong ones counted.
    let doubleLock: DoubleLockGuard
    /// Callers and secret snapshots of the hot routes, emptied by every commit (see `ReadCache`).
    let readCache = ReadCache()

    init(
        writer: any DatabaseWriter, cipher: ValueCipher, hasher: PasswordHasher, requireTicketNumberWithComment: Bool,
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.writer = writer
        self.requireTicketNumberWithComment = requireTicketNumberWithComment
        self.doubleLock = DoubleLockGuard(now: now)
        self.audits = AuditLog(writer: writer, logger: logger)
        self.cipher = cipher
        self.hasher = hasher
        self.now = now
    }

    /// Runs a read-only `body`. A file database reads from its pool of read-only connections, snapshot-isolated. A
    /// memory database has one serialized connection, where GRDB's `read` switches `PRAGMA query_only` on and off
    /// around each read; preparing those pragmas resets SQLite's authorizer, which expires every cached statement,
    /// so each read re-prepared all of them (a fifth of a cold secret read's time). There, reads run as they are:
    /// the queue already serializes them with writes. They also run synchronously, on the calling thread (GRDB's
    /// queue runs a `sync` block there when it is free): a memory database answers in microseconds and has no
    /// disk to wait on, and the hop to the queue's thread and back cost more than most reads.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let queue = writer as? DatabaseQueue { return try Self.readNow(queue, body) }
        return try await writer.read(body)
    }

    /// The synchronous `unsafeRead` (a separate function, so that the `async` overload is not chosen).
    private static func readNow<T>(_ queue: DatabaseQueue, _ body: (Database) throws -> T) throws -> T {
        try queue.unsafeRead(body)
    }
}

extension EmulatorDatabase: Redacting {
    var redactedDescription: String { "cipher: <redacted>" }
}
