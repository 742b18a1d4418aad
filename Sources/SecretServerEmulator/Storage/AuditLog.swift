import Foundation
import GRDB
import Synchronization

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
/// Recording is a `Mutex`-guarded append (every secret read records one), never a wait.
final class AuditLog: Sendable {
    private struct State {
        var pending: [AuditEntry] = []
        var flushScheduled = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    func record(_ entry: AuditEntry) {
        enum Next { case nothing, flushNow, flushSoon }
        let next = state.withLock { state -> Next in
            state.pending.append(entry)
            if state.pending.count >= 256 { return .flushNow }
            guard !state.flushScheduled else { return .nothing }
            state.flushScheduled = true
            return .flushSoon
        }
        switch next {
        case .nothing: break
        case .flushNow: Task { try? await self.flush() }
        case .flushSoon:
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                try? await self.flush()
            }
        }
    }

    /// Writes everything recorded so far.
    func flush() async throws {
        let batch = state.withLock { state -> [AuditEntry] in
            state.flushScheduled = false
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        try await writer.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO secret_audit(secretId, userId, action, notes, ticketNumber, date)
                SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM secret WHERE id = ?)
                """)
            for entry in batch {
                // A secret deleted for good in the meantime takes its audits with it.
                try statement.execute(arguments: [
                    entry.secretId, entry.userId, entry.action, entry.notes, entry.ticketNumber, entry.date, entry.secretId,
                ])
            }
        }
    }
}
