import Synchronization

/// The query parameters a request's handler looked up, for the contract test that proves every parameter the
/// spec lists for a served route is honoured (read) or refused. It is set only when `recordRoutes` is on.
final class QueryReadLog: Sendable {
    /// The log of the request being handled (a task-local, so the handler's lookups find it without plumbing).
    @TaskLocal static var current: QueryReadLog?

    private let names = Mutex<Set<String>>([])

    /// Every name looked up so far, lower-cased.
    var read: Set<String> { names.withLock { $0 } }

    func record(_ name: String) {
        names.withLock { _ = $0.insert(name.lowercased()) }
    }
}
