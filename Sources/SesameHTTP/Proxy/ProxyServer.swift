import AsyncHTTPClient
import Foundation
import SesameRedaction

/// One proxy: where it listens, its kind, and the user and password it wants (from the URL's user part). The
/// password is never printed: `description` shows `user:<redacted>@host:port`.
public struct ProxyServer: Sendable, Hashable {
    /// How the proxy is spoken to.
    public enum Kind: String, Sendable, Hashable {
        /// An HTTP proxy: every request goes through a `CONNECT` tunnel, so TLS stays end to end.
        case http
        /// A SOCKS5 proxy (no user and password).
        case socks5
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(kind: Kind = .http, host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// Reads a proxy URL as curl does: `http://[user:password@]host[:port]`, `socks5://host[:port]` (or `socks5h://`);
    /// without a scheme, `http://`; without a port, 1080 (curl's default). The user and password are percent-decoded.
    /// - Parameter source: where the URL came from (`HTTPS_PROXY`, `--proxy`), named in the error.
    public init(parsing text: String, source: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw ProxyError(code: .invalidURL, message: "\(source) is not a proxy URL; use http://[user:password@]host:port")
        }
        switch components.scheme?.lowercased() {
        case "http":
            kind = .http
        case "socks5", "socks5h":
            kind = .socks5
            if components.user != nil {
                throw ProxyError(code: .unsupported, message: "\(source): a SOCKS5 proxy with a user and password is not supported; use an HTTP proxy")
            }
        case "https":
            throw ProxyError(
                code: .unsupported,
                message: "\(source): TLS to the proxy itself (https://) is not supported; use http:// (requests to https servers stay "
                    + "encrypted end to end through CONNECT)"
            )
        default:
            throw ProxyError(code: .unsupported, message: "\(source): the proxy scheme '\(components.scheme ?? "")' is not supported; use http://")
        }
        if components.path.count > 1 || components.query != nil {
            throw ProxyError(code: .invalidURL, message: "\(source): a proxy URL has no path or query; use http://host:port")
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 1080
        guard (1...65535).contains(port) else {
            throw ProxyError(code: .invalidURL, message: "\(source): the proxy port must be 1 to 65535")
        }
        self.username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding ?? $0 }
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding ?? $0 }
        if username?.isEmpty == true { username = nil }
        if password != nil, username == nil {
            throw ProxyError(code: .invalidURL, message: "\(source): a proxy password needs a user name")
        }
    }

    /// AsyncHTTPClient's form.
    public var clientProxy: HTTPClient.Configuration.Proxy {
        switch kind {
        case .socks5:
            return .socksServer(host: host, port: port)
        case .http:
            let authorization = username.map { HTTPClient.Authorization.basic(username: $0, password: password ?? "") }
            return .server(host: host, port: port, authorization: authorization)
        }
    }
}

extension ProxyServer: Redacting {
    public var redactedDescription: String {
        let user = username.map { $0 + (password == nil ? "" : ":<redacted>") + "@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(kind.rawValue)://\(user)\(shownHost):\(port)"
    }
}

/// A proxy setting that cannot be used: what was wrong and where it came from (never the password).
public struct ProxyError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The URL cannot be read.
        public static let invalidURL = Code("invalidURL")
        /// A kind of proxy Sesame does not speak.
        public static let unsupported = Code("unsupported")
        /// A `NO_PROXY` entry that cannot be read.
        public static let invalidNoProxy = Code("invalidNoProxy")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "proxy setting (\(code)): \(message)" }
}
