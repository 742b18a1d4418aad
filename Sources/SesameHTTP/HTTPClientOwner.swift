import AsyncHTTPClient
import Dispatch
import NIOHTTP1
import NIOCore
import Synchronization

/// Owns the connection pools of one client: one for direct connections and one per proxy in use, chosen per
/// request URL (`client(for:)`) by the `ProxyConfiguration`. Closes them when the last session sharing them goes
/// away, so a forgotten `shutdown()` costs idle connections for a while instead of a crash.
package final class HTTPClientOwner: Sendable {
    /// Which proxy each URL goes through.
    package let proxies: ProxyConfiguration
    /// Sends the requests that go straight to their server, when the engine is `.blocking`.
    private let blocking: BlockingHTTPClient?
    private let make: @Sendable (HTTPClient.Configuration.Proxy?) -> HTTPClient
    private struct Pools {
        var direct: HTTPClient?
        var proxied: [ProxyServer: HTTPClient] = [:]
        var closed = false
        var all: [HTTPClient] { (direct.map { [$0] } ?? []) + Array(proxied.values) }
    }
    private let pools: Mutex<Pools>

    /// Pools made by `make` (given the proxy, nil for direct connections) when first needed; `blocking` sends the
    /// direct requests instead when given.
    package init(
        proxies: ProxyConfiguration = .none, blocking: BlockingHTTPClient? = nil,
        make: @escaping @Sendable (HTTPClient.Configuration.Proxy?) -> HTTPClient
    ) {
        self.proxies = proxies
        self.blocking = blocking
        self.make = make
        self.pools = Mutex(Pools())
    }

    /// One pool, for direct connections only.
    package init(_ http: HTTPClient) {
        self.proxies = .none
        self.blocking = nil
        self.make = { _ in http }
        self.pools = Mutex(Pools(direct: http))
    }

    /// The pool for direct connections.
    package var http: HTTPClient {
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
    package func client(for url: String) -> HTTPClient {
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

    /// Sends `request` and reads its whole answer, at most `maximumSize` bytes, by `timeout` from now: with the
    /// blocking client when there is one and the URL needs no proxy, else through the URL's pool. With `log`, an
    /// answer is logged at trace (`RequestLog`).
    /// - Throws: what AsyncHTTPClient throws (`ExchangeFailure` classifies it), `NIOTooManyBytesError` past the size,
    ///   `HTTPClientError.deadlineExceeded` past the time, and `BlockingHTTPError`.
    package func execute(_ request: OutgoingRequest, timeout: Duration, maximumSize: Int, log: RequestLog? = nil) async throws
        -> CollectedResponse
    {
        let started = ContinuousClock.now
        var timeout = timeout
        if let deadline = AttemptLoop.deadline {
            // The request's deadline (`RetryPolicy.deadline`) comes first.
            guard deadline > started else { throw HTTPClientError.deadlineExceeded }
            timeout = min(timeout, deadline - started)
        }
        let response: CollectedResponse
        if let blocking, proxies.server(for: request.url) == nil {
            try Task.checkCancellation()
            response = try blocking.execute(request, timeout: timeout, maximumSize: maximumSize)
        } else {
            let answer = try await client(for: request.url).execute(request.clientRequest, timeout: TimeAmount(timeout))
            let body = try await ResponseBodyReader.collect(answer.body, upTo: maximumSize, before: started + timeout)
            response = CollectedResponse(status: Int(answer.status.code), headers: answer.headers, body: body)
        }
        log?.record(status: response.status, since: started)
        return response
    }

    /// Closes the pools (once; later calls do nothing).
    package func shutdown() async throws {
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
