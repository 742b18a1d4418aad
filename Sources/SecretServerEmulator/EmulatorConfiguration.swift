import Foundation
import SesameRedaction

/// How the local Secret Server runs. Every property has a default that matches a fresh real server.
public struct EmulatorConfiguration: Sendable {
    /// Where the data lives.
    public enum Storage: Sendable, Equatable {
        /// Everything in memory; gone when the process ends.
        case memory
        /// A SQLite file (WAL mode) that survives restarts. The encryption key sits beside it in
        /// `PATH.key` (mode 0600) unless `encryptionKey` is set.
        case file(path: String)
    }

    /// How `GET /api/v1/healthcheck` spells its keys. python-tss-sdk 2.0.1 needs PascalCase `Healthy`;
    /// the spec says camelCase. The real casing is unverified, so it is a setting.
    public enum HealthCheckCasing: String, Sendable, CaseIterable {
        case pascal, camel, both
    }

    /// The address to bind. `127.0.0.1` unless asked otherwise.
    public var host: String
    /// The port; `0` picks a free one.
    public var port: Int
    /// The virtual directory the API is also served under (`/SecretServer`); it is always served at `/` too.
    public var basePath: String
    public var storage: Storage
    /// The 32-byte key that encrypts secret values at rest. `nil` means: read or create the key file
    /// beside the database, or a random key for memory storage.
    public var encryptionKey: Data?
    /// The admin's password. `nil` means: keep the stored one, or generate one at first start.
    public var adminPassword: String?
    /// Access token lifetime in seconds ("Session Timeout for Webservices"; 1199 by default).
    public var tokenLifetime: Int
    /// Whether the token route issues refresh tokens ("Enable Refresh Tokens for Web Services").
    public var refreshTokensEnabled: Bool
    /// Default `take` of a search that sends none.
    public var defaultPageSize: Int
    public var healthCheckCasing: HealthCheckCasing
    /// The version `GET /api/v1/version` reports.
    public var version: String
    /// Cost of the scrypt hash of user passwords (N = 2^cost). 14 by default; tests may lower it.
    public var passwordHashCost: Int
    /// The largest request body accepted, in bytes.
    public var maximumBodySize: Int
    /// Whether to record which routes are served (`EmulatorServer.routeLog`), for tests.
    public var recordRoutes: Bool
    /// Failed sign-ins after which a user is locked out (`isLockedOut`, as the real server's "login failures
    /// before lockout"); an administrator unlocks with `PUT /users/{id}` `isLockedOut: false`. 0 never locks.
    public var maximumLoginFailures: Int
    /// Failed sign-ins from one address within `failedLoginWindow` after which the token route answers 429.
    /// 0 turns the throttle off.
    public var failedLoginsPerAddress: Int
    public var failedLoginWindow: TimeInterval
    /// Random faults from the start (latency, failure rate); `nil` serves every request as it should. Tests can
    /// also plan faults while the server runs (`EmulatorServer.faults`).
    public var faultMode: FaultMode?
    /// Whether a secret that requires a comment also requires a ticket number, as on a real server whose ticket
    /// system is set to require one. Off by default (no ticket system).
    public var requireTicketNumberWithComment: Bool
    /// Serve HTTPS with this certificate (`DevelopmentCertificate.generate()`); `nil` serves plain HTTP.
    public var tls: DevelopmentCertificate?
    /// The Delinea Platform front door.
    public var platform: Platform
    /// The wall clock. Injected so tests can move time.
    public var now: @Sendable () -> Date
    /// Two-factor sign-in (the emulator's opt-in mode): users named here (any case) must send the current code of
    /// their authenticator in the password grant's `OTP` header, as on a real server with TOTP turned on for them.
    /// A code is accepted once (no replay), within a step either side of the current one.
    public var twoFactor: [String: TOTP] = [:]

    /// The Delinea Platform front door: a second base URL (`{server}/platform` by default) where Platform clients
    /// find `/health`, the `xpmplatform` token route for service users, and `/vaultbroker/api/vaults`, which points
    /// at this server's Secret Server base. Its tokens are accepted by the Secret Server API as the mapped user.
    public struct Platform: Sendable {
        /// The path the front door is served under (`/platform`); empty turns it off.
        public var path: String
        /// The seeded service user's client id.
        public var clientId: String
        /// Its secret. `nil` keeps the stored one, or generates one at first start.
        public var clientSecret: String?
        /// How `/health` spells `Healthy`: python-tss-sdk reads `Healthy`, Go clients and Cortex XSOAR `healthy`;
        /// the real spelling is not documented, so both by default.
        public var healthCasing: HealthCheckCasing
        /// The vault's `type` in `/vaultbroker/api/vaults` (not documented; clients read only the URL and flags).
        public var vaultType: String

        public init(
            path: String = "/platform", clientId: String = "sesame-platform", clientSecret: String? = nil,
            healthCasing: HealthCheckCasing = .both, vaultType: String = "SecretServer"
        ) {
            self.path = path
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.healthCasing = healthCasing
            self.vaultType = vaultType
        }

        /// Whether the front door is served.
        public var isEnabled: Bool { !normalizedPath.isEmpty }

        /// The path with one leading slash and none trailing (`""` when off).
        public var normalizedPath: String {
            let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return trimmed.isEmpty ? "" : "/" + trimmed
        }
    }

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        basePath: String = "/SecretServer",
        storage: Storage = .memory,
        encryptionKey: Data? = nil,
        adminPassword: String? = nil,
        tokenLifetime: Int = 1199,
        refreshTokensEnabled: Bool = true,
        defaultPageSize: Int = 10,
        healthCheckCasing: HealthCheckCasing = .pascal,
        version: String = "11.7.000061",
        passwordHashCost: Int = 14,
        maximumBodySize: Int = 64 << 20,
        recordRoutes: Bool = false,
        maximumLoginFailures: Int = 10,
        failedLoginsPerAddress: Int = 20,
        failedLoginWindow: TimeInterval = 60,
        faultMode: FaultMode? = nil,
        tls: DevelopmentCertificate? = nil,
        requireTicketNumberWithComment: Bool = false,
        platform: Platform = Platform(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.platform = platform
        self.requireTicketNumberWithComment = requireTicketNumberWithComment
        self.maximumLoginFailures = maximumLoginFailures
        self.failedLoginsPerAddress = failedLoginsPerAddress
        self.failedLoginWindow = failedLoginWindow
        self.faultMode = faultMode
        self.host = host
        self.port = port
        self.basePath = basePath
        self.storage = storage
        self.encryptionKey = encryptionKey
        self.adminPassword = adminPassword
        self.tokenLifetime = tokenLifetime
        self.refreshTokensEnabled = refreshTokensEnabled
        self.defaultPageSize = defaultPageSize
        self.healthCheckCasing = healthCheckCasing
        self.version = version
        self.passwordHashCost = passwordHashCost
        self.maximumBodySize = maximumBodySize
        self.recordRoutes = recordRoutes
        self.tls = tls
        self.now = now
    }

    /// Settings that cannot work together, said before anything starts: the Platform front door under the base path
    /// or the root would register the token route twice (`/oauth2/token`); a short Platform client secret.
    func validate() throws {
        let platformPath = platform.normalizedPath.lowercased()
        if !platform.path.isEmpty && platform.normalizedPath.isEmpty {
            throw EmulatorStartupError("the Platform path '\(platform.path)' is the root; give a path such as /platform, or '' to turn it off")
        }
        if !platformPath.isEmpty {
            let base = normalizedBasePath.lowercased()
            guard platformPath != base, !platformPath.hasPrefix(base + "/") || base.isEmpty, !base.hasPrefix(platformPath + "/"),
                platformPath != "/api", !platformPath.hasPrefix("/api/")
            else {
                throw EmulatorStartupError("the Platform path \(platform.normalizedPath) overlaps the Secret Server's (\(basePath) and /api); choose another")
            }
            if let secret = platform.clientSecret, secret.count < 12 {
                throw EmulatorStartupError("the Platform client secret is too short: use at least 12 characters")
            }
        }
    }

    /// The base path with one leading slash and none trailing (`""` for the root).
    var normalizedBasePath: String {
        let trimmed = basePath.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return trimmed.isEmpty ? "" : "/" + trimmed
    }
}

extension EmulatorConfiguration.Platform: Redacting {
    /// Where it is served and the client id; never the client secret.
    public var redactedDescription: String {
        "path: \(isEnabled ? normalizedPath : "off"), clientId: \(clientId), clientSecret: \(clientSecret == nil ? "none" : "<redacted>")"
    }
}

extension EmulatorConfiguration: Redacting {
    /// Where it listens and stores; never the admin password or the encryption key.
    public var redactedDescription: String {
        "host: \(host), port: \(port), basePath: \(basePath), storage: \(storage), "
            + "adminPassword: \(adminPassword == nil ? "none" : "<redacted>"), encryptionKey: \(encryptionKey == nil ? "none" : "<redacted>"), "
            + "platform: \(platform.isEnabled ? platform.normalizedPath : "off") (client \(platform.clientId), secret: \(platform.clientSecret == nil ? "none" : "<redacted>"))"
    }
}
