import AsyncHTTPClient
import NIOCore
import NIOSSL

/// How Sesame's transports make their connection pools, in one place: the connect and read timeouts, TLS, no
/// redirects (a token or signature must never follow one to another host), and idle connections kept a minute.
package enum HTTPClientFactory {
    /// A new pool; the caller owns it (`HTTPClientOwner`) and shuts it down.
    /// - Parameters:
    ///   - tls: the TLS settings (trust roots, client certificate); `nil` for the system's defaults.
    ///   - maximumConnections: HTTP/1.1 connections kept open to one host at most.
    ///   - proxy: the proxy every request of this pool goes through (`HTTPClientOwner` picks one per URL).
    package static func make(
        connectTimeout: Duration, readTimeout: Duration, tls: TLSConfiguration? = nil, maximumConnections: Int = 8,
        proxy: HTTPClient.Configuration.Proxy? = nil
    ) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.proxy = proxy
        if let tls { configuration.tlsConfiguration = tls }
        configuration.timeout = .init(connect: TimeAmount(connectTimeout), read: TimeAmount(readTimeout))
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maximumConnections)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The pools of one client, direct and through `proxies` as each URL needs, all with these settings.
    /// - Parameters:
    ///   - engine: `.blocking` sends direct requests with `BlockingHTTPClient` when `tlsSettings` ask nothing it
    ///     does not do (a client certificate, skipped verification); the rest go through the pools.
    ///   - tlsSettings: what `tls` was made from, for the blocking client.
    package static func owner(
        connectTimeout: Duration, readTimeout: Duration, tls: TLSConfiguration? = nil, maximumConnections: Int = 8,
        proxies: ProxyConfiguration, engine: HTTPEngine = .pooled, tlsSettings: TLSSettings = TLSSettings()
    ) -> HTTPClientOwner {
        let blocking =
            engine == .blocking && tlsSettings.clientCertificateFile == nil && !tlsSettings.insecureSkipVerification
            ? BlockingHTTPClient(connectTimeout: connectTimeout, caFile: tlsSettings.caFile) : nil
        return HTTPClientOwner(proxies: proxies, blocking: blocking) { proxy in
            make(connectTimeout: connectTimeout, readTimeout: readTimeout, tls: tls, maximumConnections: maximumConnections, proxy: proxy)
        }
    }
}

/// How a client's requests reach the network.
public enum HTTPEngine: String, Sendable, Hashable {
    /// AsyncHTTPClient's connection pools on NIO's event loops: concurrent requests over kept-alive connections.
    case pooled
    /// `BlockingHTTPClient` on the calling thread for requests straight to the server (no proxy, no client
    /// certificate, verification on), the pools for the rest. For a process that runs its requests on a thread of its
    /// own and exits soon after: it starts no event loop and no thread. It blocks that thread while it waits.
    case blocking
}
