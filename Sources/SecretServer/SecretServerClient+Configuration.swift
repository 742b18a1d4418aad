import Crypto
@_exported import struct SesameHTTP.RetryPolicy
@_exported import struct SesameHTTP.ProxyConfiguration
@_exported import struct SesameHTTP.ProxyServer
@_exported import struct SesameHTTP.NoProxyList
@_exported import struct SesameHTTP.ProxyError
@_exported import struct SesameHTTP.TLSSettings
@_exported import enum SesameHTTP.Loopback
@_exported import enum SesameHTTP.HTTPEngine
import SesameHTTP
import SesameRedaction
import Foundation
import Logging

extension SecretServerClient {
    /// How the client reaches and signs in to Secret Server. Every property but the URL and the
    /// credentials has a default.
    public struct Configuration: Sendable {
        /// The server's base URL: `https://host/SecretServer` on premises, `https://tenant.secretservercloud.com`
        /// in the cloud. The API is under `{baseURL}/api`, the token route at `{baseURL}/oauth2/token`.
        public var baseURL: String
        public var credentials: Credentials
        public var tls: TLS
        public var timeouts: Timeouts
        public var retry: RetryPolicy
        /// How long before expiry a token is renewed. Capped at a tenth of the token's lifetime.
        public var tokenRenewalMargin: Duration
        /// Where the client logs. It never logs a token, a password or a secret value.
        public var logger: Logger
        /// The `User-Agent` header.
        public var userAgent: String
        /// The monotonic clock token expiry is measured on. Injected so tests can move time.
        public var now: @Sendable () -> ContinuousClock.Instant
        /// HTTP/1.1 connections kept open to the server at most (8, as AsyncHTTPClient; 16 was no faster for 16
        /// reads in flight against the local server on two cores). Requests beyond it wait for a free connection.
        public var maximumConnections: Int
        /// The largest answer read, in bytes (64 MiB by default, room for big file attachments). A larger answer
        /// is an `invalidResponse` error as soon as the limit is passed; it is never read to its end.
        public var maximumResponseSize: Int
        /// Who signs in, when the credentials alone do not say (a stored session's refresh token): caches keep
        /// entries per server and principal, so one account's values never answer for another's. `nil` uses
        /// `credentials.principal`.
        public var principal: String?
        /// Whether credentials may go over plain `http://` to a server that is not on this machine. Off: anyone on
        /// the network path could read the password or token, so the client refuses to start (loopback is fine).
        public var allowsPlainHTTP: Bool
        /// Whether `baseURL` is a Secret Server or a Delinea Platform, or to find out as Delinea's SDKs do.
        public var server: ServerKind
        /// Which proxy requests go through; `nil` reads `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (and the lower-case
        /// forms) from the process environment when the client is made. `.none` connects directly whatever they say.
        public var proxy: ProxyConfiguration?
        /// The current two-factor code (TOTP) for a password sign-in, sent in the `OTP` header of the token request.
        /// It is good once: renewing the session later uses its refresh token, or needs a new code.
        public var oneTimePassword: String?
        /// How requests reach the server: AsyncHTTPClient's connection pool (`.pooled`, the default), or, for a
        /// process that makes a request or two on a thread of its own and exits, `.blocking`: one connection per
        /// request on the calling thread, no event loop (see `HTTPEngine`). Proxies and client certificates always
        /// go through the pool.
        public var engine: HTTPEngine = .pooled
        /// The executor the client's own tasks prefer (a token renewal, which concurrent requests share); nil for the
        /// global executor. With `engine` `.blocking` on a thread of its own, give that thread's executor, and the
        /// client starts no thread at all.
        public var taskExecutor: (any TaskExecutor)?

        public init(
            baseURL: String,
            credentials: Credentials,
            tls: TLS = TLS(),
            timeouts: Timeouts = Timeouts(),
            retry: RetryPolicy = RetryPolicy(),
            tokenRenewalMargin: Duration = .seconds(60),
            logger: Logger = Logger(label: "sesame.secret-server"),
            userAgent: String = "sesame/0.1",
            now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
            maximumResponseSize: Int = 64 << 20,
            maximumConnections: Int = 8,
            principal: String? = nil,
            allowsPlainHTTP: Bool = false,
            server: ServerKind = .automatic,
            proxy: ProxyConfiguration? = nil
        ) {
            self.server = server
            self.proxy = proxy
            self.principal = principal
            self.allowsPlainHTTP = allowsPlainHTTP
            self.baseURL = baseURL
            self.credentials = credentials
            self.tls = tls
            self.timeouts = timeouts
            self.retry = retry
            self.tokenRenewalMargin = tokenRenewalMargin
            self.logger = logger
            self.userAgent = userAgent
            self.now = now
            self.maximumResponseSize = max(1024, maximumResponseSize)
            self.maximumConnections = max(1, maximumConnections)
        }

        /// A Secret Server Cloud tenant: `https://{tenant}.secretservercloud.{domainSuffix}`.
        public static func cloud(tenant: String, domainSuffix: String = "com", credentials: Credentials) -> Configuration {
            Configuration(baseURL: "https://\(tenant).secretservercloud.\(domainSuffix)", credentials: credentials)
        }
    }

    /// What `baseURL` is.
    public enum ServerKind: String, Sendable, CaseIterable {
        /// Find out once, before the first sign-in, as Delinea's SDKs do: `GET {base}/api/v1/healthcheck` healthy is
        /// a Secret Server; else `GET {base}/health` healthy is a Platform; else a Secret Server (whose errors then
        /// say what is wrong). One extra request per client.
        case automatic
        /// A Secret Server (on premises or Secret Server Cloud): no probe.
        case secretServer = "secret-server"
        /// A Delinea Platform tenant: service user credentials get a token from
        /// `{base}/identity/api/oauth2/token/xpmplatform` (scope `xpmheadless`), and the API is that of the default
        /// active vault `GET {base}/vaultbroker/api/vaults` names, called with the Platform token.
        case platform
    }

    /// How the client signs in. `description` never shows the password or token.
    public struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        enum Kind: Sendable {
            case password(username: String, password: String, domain: String?)
            case token(String)
            case sdkClient(clientId: String, clientSecret: String)
            case platform(clientId: String, clientSecret: String)
            case refreshToken(String)
            case kept(any SessionKeeper)
        }
        let kind: Kind

        /// The OAuth password grant, with an optional Active Directory domain.
        public static func password(username: String, password: String, domain: String? = nil) -> Credentials {
            Credentials(kind: .password(username: username, password: password, domain: domain))
        }

        /// An onboarded SDK client: the `client_credentials` grant as `sdk-client-<clientId>`.
        public static func sdkClient(clientId: String, clientSecret: String) -> Credentials {
            Credentials(kind: .sdkClient(clientId: clientId, clientSecret: clientSecret))
        }

        /// A Delinea Platform service user: its client id and secret (the `client_credentials` grant of the Platform's
        /// `xpmplatform` token route). Implies `ServerKind.platform`. A password grant's user name and password are
        /// taken as these too when the server turns out to be a Platform, as Delinea's SDKs take them.
        public static func platform(clientId: String, clientSecret: String) -> Credentials {
            Credentials(kind: .platform(clientId: clientId, clientSecret: clientSecret))
        }

        /// A token issued elsewhere; it is sent as it is and never renewed.
        public static func token(_ token: String) -> Credentials {
            Credentials(kind: .token(token))
        }

        /// A refresh token from an earlier sign-in (`sesame login` keeps one): exchanged for an access token on
        /// first use, then renewed with the refresh tokens the server returns.
        public static func refreshToken(_ token: String) -> Credentials {
            Credentials(kind: .refreshToken(token))
        }

        /// A session kept between processes (`sesame login`'s store): its access token while it is fresh, then its
        /// refresh token, spent under the keeper's lock and its successor kept at once (see `SessionKeeper`).
        public static func kept(_ keeper: any SessionKeeper) -> Credentials {
            Credentials(kind: .kept(keeper))
        }

        /// The user name, when signing in with a password.
        public var username: String? {
            if case .password(let username, _, _) = kind { return username }
            return nil
        }

        /// Who these credentials sign in as, without the secret: `user:DOMAIN\name` (lower case, as Secret Server
        /// compares names), `sdk-client:ID`, or for a token a fingerprint of it (`token:` and 16 hex digits of its
        /// SHA-256), which tells tokens apart without showing them.
        public var principal: String {
            switch kind {
            case .password(let username, _, let domain):
                return "user:" + ((domain?.isEmpty == false ? domain! + "\\" : "") + username).lowercased()
            case .sdkClient(let clientId, _):
                return "sdk-client:" + clientId.lowercased()
            case .platform(let clientId, _):
                return "platform:" + clientId.lowercased()
            case .token(let token), .refreshToken(let token):
                return "token:" + SHA256.hash(data: Data(token.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            case .kept(let keeper):
                return keeper.principal
            }
        }

        public var description: String {
            switch kind {
            case .password(let username, _, let domain):
                return "password(username: \(username)\(domain.map { ", domain: \($0)" } ?? ""), password: <redacted>)"
            case .token:
                return "token(<redacted>)"
            case .sdkClient(let clientId, _):
                return "sdkClient(clientId: \(clientId), clientSecret: <redacted>)"
            case .platform(let clientId, _):
                return "platform(clientId: \(clientId), clientSecret: <redacted>)"
            case .refreshToken:
                return "refreshToken(<redacted>)"
            case .kept(let keeper):
                return "kept(principal: \(keeper.principal))"
            }
        }
        public var debugDescription: String { description }
        /// What `dump()` shows: no password, token or client secret.
        public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
    }

    /// TLS settings (`SesameHTTP.TLSSettings`, shared with the AWS clients). The server's certificate is verified
    /// against the system's roots (plus `caFile`) unless `insecureSkipVerification` is set, which the client logs as
    /// a warning on every start.
    public typealias TLS = TLSSettings

    /// Timeouts.
    public struct Timeouts: Sendable {
        /// To open a connection.
        public var connect: Duration
        /// For one whole request, from sending to the last byte of the answer.
        public var request: Duration

        public init(connect: Duration = .seconds(10), request: Duration = .seconds(60)) {
            self.connect = connect
            self.request = request
        }
    }

    /// When and how requests are tried again (SesameHTTP's, shared with the AWS clients): on dropped connections,
    /// timeouts, 429, 500, 502, 503, 504, with exponential backoff and full jitter. A create is never retried blindly.
    public typealias RetryPolicy = SesameHTTP.RetryPolicy
}

extension SecretServerClient.Credentials.Kind: Redacting {
    var redactedDescription: String { SecretServerClient.Credentials(kind: self).description }
}

extension SecretServerClient.Configuration: Redacting {
    /// Where and how; the credentials as they redact themselves, never the two-factor code.
    public var redactedDescription: String {
        "baseURL: \(CredentialDestination.shown(baseURL)), credentials: \(credentials), server: \(server.rawValue), proxy: \(proxy.map { "\($0)" } ?? "environment"), "
            + "oneTimePassword: \(oneTimePassword == nil ? "none" : "<redacted>")"
    }
}
