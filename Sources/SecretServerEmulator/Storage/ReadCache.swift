import GRDB
import Synchronization

/// What the hottest routes read again and again while nothing changes: the caller behind a user id, the sealed
/// snapshot of a secret a caller may view, templates, and the ordered ids of a search being paged through. Any
/// committed change to any table but the audit log (and a sign-in's own bookkeeping in `user`) empties it, so an
/// answer from it is always one a fresh read would give; values stay sealed in it and are decrypted on every
/// request.
///
/// Without it, `GET /api/v1/secrets/{id}` spent most of its time in SQLite statements and record decoding
/// (Benchmarks/README.md has the profile).
final class ReadCache: Sendable {
    struct SecretKey: Hashable, Sendable {
        var userId: Int64
        var secretId: Int64
        var includeInactive: Bool
    }

    struct SearchKey: Hashable, Sendable {
        var filter: SecretsStore.SecretFilter
        var userId: Int64
    }

    private struct State {
        var generation: UInt64 = 0
        var callers: [Int64: Caller] = [:]
        var secrets: [SecretKey: SecretsStore.SecretSnapshot] = [:]
        var templates: [Int64: SecretsStore.Template] = [:]
        var searches: [SearchKey: [Int64]] = [:]
    }

    /// Entries kept at most; past it the cache starts over (a dev server's working set is far smaller).
    static let capacity = 50_000
    /// Search results kept at most (each holds every id of one result, in order).
    static let searchCapacity = 32

    private let state = Mutex(State())

    /// Changes whenever the cache is emptied: read it before reading the database, and `store` only when it
    /// has not moved, so a snapshot read before a commit is never kept after it.
    var generation: UInt64 { state.withLock { $0.generation } }

    func caller(userId: Int64) -> Caller? {
        state.withLock { $0.callers[userId] }
    }

    func store(caller: Caller, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.callers.count >= Self.capacity { state.callers.removeAll() }
            state.callers[caller.userId] = caller
        }
    }

    func secret(_ key: SecretKey) -> SecretsStore.SecretSnapshot? {
        state.withLock { $0.secrets[key] }
    }

    func store(secret: SecretsStore.SecretSnapshot, for key: SecretKey, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.secrets.count >= Self.capacity { state.secrets.removeAll() }
            state.secrets[key] = secret
        }
    }

    func template(id: Int64) -> SecretsStore.Template? {
        state.withLock { $0.templates[id] }
    }

    func store(template: SecretsStore.Template, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.templates.count >= Self.capacity { state.templates.removeAll() }
            state.templates[template.row.id] = template
        }
    }

    /// The ordered ids of a search's whole result.
    func search(_ key: SearchKey) -> [Int64]? {
        state.withLock { $0.searches[key] }
    }

    func store(search ids: [Int64], for key: SearchKey, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.searches.count >= Self.searchCapacity { state.searches.removeAll() }
            state.searches[key] = ids
        }
    }

    /// Forgets everything.
    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.callers.removeAll(keepingCapacity: true)
            state.secrets.removeAll(keepingCapacity: true)
            state.templates.removeAll(keepingCapacity: true)
            state.searches.removeAll(keepingCapacity: true)
        }
    }

    /// Empties `cache` after every commit or rollback that changed a table other than `secret_audit`, except updates
    /// of `user` that only touch `signInColumns`.
    final class Invalidator: TransactionObserver {
        private let cache: ReadCache
        private var changed = false

        init(cache: ReadCache) { self.cache = cache }

        /// Columns of `user` that neither a caller nor a secret snapshot holds: a sign-in writes them, and must not
        /// empty the cache for everyone.
        static let signInColumns: Set<String> = ["lastlogin", "loginfailures"]

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            switch eventKind {
            case .update(let table, let columns) where table == "user":
                return !columns.allSatisfy { Self.signInColumns.contains($0.lowercased()) }
            default:
                return eventKind.tableName != "secret_audit"
            }
        }

        func databaseDidChange(with event: DatabaseEvent) {
            changed = true
        }

        func databaseDidCommit(_ db: Database) {
            if changed { cache.invalidate() }
            changed = false
        }

        func databaseDidRollback(_ db: Database) {
            // What was read inside the rolled-back write (and kept) may show changes that never happened.
            if changed { cache.invalidate() }
            changed = false
        }
    }
}
