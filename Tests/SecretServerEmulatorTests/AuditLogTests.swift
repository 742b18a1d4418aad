import Foundation
import GRDB
import Logging
@testable import SecretServerEmulator
import SesameTestSupport
import Synchronization
import Testing

/// Audit entries are never dropped in silence: a batch whose write fails is kept (and logged as an error) and
/// written by a later flush.
@Suite(.timeLimit(.minutes(5)))
struct AuditLogTests {
    @Test func aFailedWriteKeepsTheEntriesForTheNextFlush() async throws {
        let database = try DatabaseQueue()
        let capture = LogCapture()
        let log = AuditLog(writer: database, logger: capture.logger(level: .error))
        log.record(AuditEntry(secretId: 1, userId: 2, action: "VIEW", notes: "kept", ticketNumber: nil, date: Date()))
        // No audit table yet: the write fails.
        await #expect(throws: (any Error).self) { try await log.flush() }
        #expect(capture.lines.contains { $0.contains("audit entries could not be written") && $0.contains("audit.pending") })
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE secret (id INTEGER PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO secret (id) VALUES (1)")
            try db.execute(
                sql: """
                    CREATE TABLE secret_audit (id INTEGER PRIMARY KEY, secretId INTEGER, userId INTEGER, action TEXT, notes TEXT,
                    ticketNumber TEXT, date DATETIME)
                    """)
        }
        try await log.flush()
        let written = try await database.read { db in try String.fetchAll(db, sql: "SELECT notes FROM secret_audit") }
        #expect(written == ["kept"])
    }
}

/// The server's key file: processes (here threads) starting at once on a new database all read one whole key.
@Suite(.timeLimit(.minutes(5)))
struct KeyFileTests {
    @Test func startsRacingToMakeTheKeyAllReadTheSameKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("server.sqlite.key")
        let keys = Mutex<[Data]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if let key = try? ValueCipher.loadOrCreateKeyFile(at: path) { keys.withLock { $0.append(key) } }
        }
        let all = keys.withLock { $0 }
        #expect(all.count == 16 && Set(all).count == 1 && all.first?.count == 32)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["server.sqlite.key"])
    }
}
