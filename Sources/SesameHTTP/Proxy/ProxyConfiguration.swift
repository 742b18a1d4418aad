import Foundation
import SesameRedaction

/// Which proxy, if any, each request goes through: one for `http://` servers, one for `https://` servers, and the
/// hosts that skip them (`NO_PROXY`). Requests through an HTTP proxy use a `CONNECT` tunnel, so a server's
/// certificate is still verified end to end and the proxy sees only the host and port.
public struct ProxyConfiguration: Sendable, Hashable {
    /// For `http://` servers.
    public var http: ProxyServer?
    /// For `https://` servers.
    public var https: ProxyServer?
    /// Hosts reached directly.
    public var noProxy: NoProxyList

    /// No proxy at all, whatever the environment says.
    public static let none = ProxyConfiguration(http: nil, https: nil, noProxy: .empty)

    public init(http: ProxyServer?, https: ProxyServer?, noProxy: NoProxyList = .empty) {
        self.http = http
        self.https = https
        self.noProxy = noProxy
    }

    /// One proxy for every server (`--proxy`), with `noProxy`'s exceptions.
    public init(all proxy: ProxyServer, noProxy: NoProxyList = .empty) {
        self.init(http: proxy, https: proxy, noProxy: noProxy)
    }

    /// The proxies the environment names, as curl reads them: `https_proxy`/`HTTPS_PROXY` for https servers,
    /// `http_proxy`/`HTTP_PROXY` for http servers, `all_proxy`/`ALL_PROXY` for either when its own is unset, and
    /// `no_proxy`/`NO_PROXY`; the lower-case name wins when both are set, and an empty value counts as unset.
    /// `HTTP_PROXY` (upper case) is ignored when `REQUEST_METHOD` is set: in a CGI program it comes from a
    /// request's `Proxy:` header (httpoxy).
    public static func environment(_ environment: [String: String]) throws -> ProxyConfiguration {
        func value(_ name: String, upperCase: Bool = true) -> (name: String, value: String)? {
            if let lower = environment[name.lowercased()], !lower.trimmingCharacters(in: .whitespaces).isEmpty {
                return (name.lowercased(), lower)
            }
            if upperCase, let upper = environment[name], !upper.trimmingCharacters(in: .whitespaces).isEmpty { return (name, upper) }
            return nil
        }
        func server(_ setting: (name: String, value: String)?) throws -> ProxyServer? {
            guard let setting else { return nil }
            return try ProxyServer(parsing: setting.value, source: setting.name)
        }
        let all = try server(value("ALL_PROXY"))
        let http = try server(value("HTTP_PROXY", upperCase: environment["REQUEST_METHOD"] == nil)) ?? all
        let https = try server(value("HTTPS_PROXY")) ?? all
        let noProxy = try value("NO_PROXY").map { try NoProxyList(parsing: $0.value, source: $0.name) } ?? .empty
        return ProxyConfiguration(http: http, https: https, noProxy: noProxy)
    }

    /// A `--proxy` setting: `none` (or empty) for no proxy whatever the environment says, else a proxy URL for every
    /// server, with the environment's `NO_PROXY` exceptions.
    public static func explicit(_ text: String, source: String, environment: [String: String]) throws -> ProxyConfiguration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return .none }
        let fromEnvironment = try ProxyConfiguration.environment(environment.filter { $0.key.lowercased() == "no_proxy" })
        return ProxyConfiguration(all: try ProxyServer(parsing: trimmed, source: source), noProxy: fromEnvironment.noProxy)
    }

    /// The proxy for a request to `url`, or nil to connect directly. A loopback address (`localhost`, 127.0.0.0/8,
    /// `::1`) is reached directly unless the proxy is on this machine too: a proxy elsewhere would reach its own
    /// host instead, and a password or token sent over plain http to the local server would cross the network.
    public func server(for url: URL) -> ProxyServer? {
        guard let host = url.host else { return nil }
        let secure = url.scheme?.lowercased() == "https"
        guard let proxy = secure ? https : http else { return nil }
        if noProxy.matches(host: host, port: url.port ?? (secure ? 443 : 80)) { return nil }
        if Loopback.contains(host), !Loopback.contains(proxy.host) { return nil }
        return proxy
    }

    /// The proxy for a request to `url` (a string), or nil to connect directly.
    public func server(for url: String) -> ProxyServer? {
        URL(string: url).flatMap(server(for:))
    }

    /// Whether any request could go through a proxy.
    public var isEmpty: Bool { http == nil && https == nil }
}

extension ProxyConfiguration: Redacting {
    public var redactedDescription: String {
        "http: \(http?.redactedDescription ?? "direct"), https: \(https?.redactedDescription ?? "direct"), "
            + "noProxy: \(noProxy.entries.count) entries"
    }
}
