import AsyncHTTPClient
import Dispatch
import Synchronization

/// Owns the connection pools of one client: one for direct connections and one per proxy in use, chosen per
/// request URL (`client(for:)`) by the `ProxyConfiguration`. Closes them when the last session sharing them goes
/// away, so a forgotten `shutdown()` costs idle connections for a while instead of a crash.
public final class HTTPClientOwner: Sendable {
    /// Which proxy each URL goes through.
    public let proxies: ProxyConfiguration
    private let make: @Sendable (HTTPClient.Configuration.Proxy?) -> HTTPClient
    private struct Pools {
        var direct: HTTPClient?
        var proxied: [ProxyServer: HTTPClient] = [:]
        var closed = false
        var all: [HTTPClient] { (direct.map { [$0] } ?? []) + Array(proxied.values) }
    }
    private let pools: Mutex<Pools>

    /// Pools made by `make` (given the proxy, nil for direct connections) when first needed.
    public init(proxies: ProxyConfiguration = .none, make: @escaping @Sendable (HTTPClient.Configuration.Proxy?) -> HTTPClient) {
        self.proxies = proxies
        self.make = make
        self.pools = Mutex(Pools())
    }

    /// One pool, for direct connections only.
    public init(_ http: HTTPClient) {
        self.proxies = .none
        self.make = { _ in http }
        self.pools = Mutex(Pools(direct: http))
    }

    /// The pool for direct connections.
    public var http: HTTPClient {
        let (pool, made) = pools.withLock { pools -> (HTTPClient, Bool) in
            if let direct = pools.direct { return (direct, false) }
            let made = make(nil)
            if !pools.closed { pools.direct = made }
            return (made, pools.closed)
        }
        // Asked for after shutdown: a pool that is closed at once, so requests fail and nothing is left open.
        if made { pool.shutdown(queue: .global()) { _ in } }
        return pool
    }

    /// The pool for a request to `url`: through its proxy, or direct.
    public func client(for url: String) -> HTTPClient {
        guard let proxy = proxies.server(for: url) else { return http }
        let (pool, closed) = pools.withLock { pools -> (HTTPClient, Bool) in
            if let pool = pools.proxied[proxy] { return (pool, false) }
            let made = make(proxy.clientProxy)
            if !pools.closed { pools.proxied[proxy] = made }
            return (made, pools.closed)
        }
        if closed { pool.shutdown(queue: .global()) { _ in } }
        return pool
    }

    /// Closes the pools (once; later calls do nothing).
    public func shutdown() async throws {
        let toClose: [HTTPClient] = pools.withLock { pools in
            guard !pools.closed else { return [] }
            pools.closed = true
            return pools.all
        }
        for pool in toClose { try await pool.shutdown() }
    }

    deinit {
        pools.withLock { pools in
            guard !pools.closed else { return }
            for pool in pools.all { pool.shutdown(queue: .global()) { _ in } }
        }
    }
}
