import Foundation
import GRDB

/// One audit entry before it is written.
struct AuditEntry: Sendable {
    var secretId: Int64
    var userId: Int64
    var action: String
    var notes: String?
    var ticketNumber: String?
    var date: Date
}

/// Collects audit entries and writes them in batches, so that reading a secret does not need a write
/// transaction of its own. Entries are written within a moment, and always before audits are read.
actor AuditLog {
    private let writer: any DatabaseWriter
    private var pending: [AuditEntry] = []
    private var flushScheduled = false

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    func record(_ entry: AuditEntry) {
        pending.append(entry)
        if pending.count >= 256 {
            Task { try? await self.flush() }
        } else if !flushScheduled {
            flushScheduled = true
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                try? await self.flush()
            }
        }
    }

    /// Writes everything recorded so far.
    func flush() async throws {
        flushScheduled = false
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll()
        try await writer.write { db in
            for entry in batch {
                // A secret deleted for good in the meantime takes its audits with it.
                try db.execute(
                    sql: """
                        INSERT INTO secret_audit(secretId, userId, action, notes, ticketNumber, date)
                        SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM secret WHERE id = ?)
                        """,
                    arguments: [entry.secretId, entry.userId, entry.action, entry.notes, entry.ticketNumber, entry.date, entry.secretId]
                )
            }
        }
    }
}
