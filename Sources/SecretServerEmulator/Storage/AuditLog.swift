import Foundation
import GRDB
import Logging
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
    private let logger: Logger
    /// Entries kept while writes fail; past it the oldest go (each loss logged as an error).
    static let pendingLimit = 100_000

    init(writer: any DatabaseWriter, logger: Logger) {
        self.writer = writer
        self.logger = logger
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

    /// Writes everything recorded so far. When the write fails, the entries are kept (never dropped in silence),
    /// the failure is logged, and another flush is tried a second later; the error is thrown to the caller.
    func flush() async throws {
        let batch = state.withLock { state -> [AuditEntry] in
            state.flushScheduled = false
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await write(batch)
        } catch {
            let (retry, lost) = state.withLock { state -> (Bool, Int) in
                state.pending = batch + state.pending
                let lost = max(0, state.pending.count - Self.pendingLimit)
                if lost > 0 { state.pending.removeFirst(lost) }
                defer { state.flushScheduled = true }
                return (!state.flushScheduled, lost)
            }
            logger.error(
                "audit entries could not be written; kept to try again",
                metadata: [
                    "audit.pending": "\(batch.count)", "audit.lost": "\(lost)", "error": "\(String(describing: error).prefix(200))",
                ])
            if retry {
                Task {
                    try? await Task.sleep(for: .seconds(1))
                    try? await self.flush()
                }
            }
            throw error
        }
    }

    private func write(_ batch: [AuditEntry]) async throws {
        try await writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
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
