/// The answer of `POST /oauth2/token`.
public struct TokenResponse: Codable, Sendable {
    public var accessToken: String
    /// Always lowercase `bearer`.
    public var tokenType: String
    /// Lifetime of the access token in seconds (1199 by default).
    public var expiresIn: Int
    /// Present when the server gives refresh tokens. Single-use.
    public var refreshToken: String?

    public init(accessToken: String, tokenType: String = "bearer", expiresIn: Int, refreshToken: String?) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.decode(String.self, forKey: .accessToken)
        tokenType = try c.value(.tokenType, or: "bearer")
        expiresIn = try c.value(.expiresIn, or: 1199)
        refreshToken = try c.decodeIfPresent(String.self, forKey: .refreshToken)
    }
}

/// `HealthCheckModel` of `GET /api/v1/healthcheck`.
public struct HealthCheckModel: Codable, Sendable {
    public var healthy: Bool
    public var databaseHealthy: Bool
    public var serviceBusHealthy: Bool
    public var storageAccountHealthy: Bool
    public var scheduledForDeletion: Bool
    public var readOnlyMode: Bool
    public var databaseMismatch: Bool
    public var now: String?
    public var utcNow: String?

    public init(healthy: Bool, now: String?, utcNow: String?) {
        self.healthy = healthy
        self.databaseHealthy = healthy
        self.serviceBusHealthy = true
        self.storageAccountHealthy = true
        self.scheduledForDeletion = false
        self.readOnlyMode = false
        self.databaseMismatch = false
        self.now = now
        self.utcNow = utcNow
    }

    enum CodingKeys: String, CodingKey {
        case healthy, databaseHealthy, serviceBusHealthy, storageAccountHealthy, scheduledForDeletion
        case readOnlyMode, databaseMismatch, now, utcNow
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let pascal = try decoder.container(keyedBy: AnyCodingKey.self)
        healthy =
            try c.decodeIfPresent(Bool.self, forKey: .healthy)
            ?? pascal.decodeIfPresent(Bool.self, forKey: AnyCodingKey("Healthy")) ?? false
        databaseHealthy = try c.value(.databaseHealthy, or: healthy)
        serviceBusHealthy = try c.value(.serviceBusHealthy, or: true)
        storageAccountHealthy = try c.value(.storageAccountHealthy, or: true)
        scheduledForDeletion = try c.value(.scheduledForDeletion, or: false)
        readOnlyMode = try c.value(.readOnlyMode, or: false)
        databaseMismatch = try c.value(.databaseMismatch, or: false)
        now = try c.decodeIfPresent(String.self, forKey: .now)
        utcNow = try c.decodeIfPresent(String.self, forKey: .utcNow)
    }
}

/// `VersionSummary` of `GET /api/v1/version`. Some servers wrap it as `{"model":{"version":…}}`;
/// both shapes decode.
public struct VersionSummary: Codable, Sendable {
    public var version: String

    public init(version: String) { self.version = version }

    enum CodingKeys: String, CodingKey { case version, model }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let version = try c.decodeIfPresent(String.self, forKey: .version) {
            self.version = version
        } else {
            let model = try c.nestedContainer(keyedBy: CodingKeys.self, forKey: .model)
            self.version = try model.decode(String.self, forKey: .version)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
    }
}

extension TokenResponse: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "TokenResponse(tokenType: \(tokenType), expiresIn: \(expiresIn), accessToken: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["tokenType": tokenType, "expiresIn": expiresIn, "accessToken": "<redacted>"]) }
}
