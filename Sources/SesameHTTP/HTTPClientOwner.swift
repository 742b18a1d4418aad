import AsyncHTTPClient
import Dispatch
import Synchronization

/// Owns a connection pool and closes it when the last session sharing it goes away, so a forgotten
/// `shutdown()` costs idle connections for a while instead of a crash.
public final class HTTPClientOwner: Sendable {
    public let http: HTTPClient
    private let closed = Mutex(false)

    public init(_ http: HTTPClient) {
        self.http = http
    }

    /// Closes the pool (once; later calls do nothing).
    public func shutdown() async throws {
        guard closed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        try await http.shutdown()
    }

    deinit {
        if closed.withLock({ !$0 }) {
            http.shutdown(queue: .global()) { _ in }
        }
    }
}
