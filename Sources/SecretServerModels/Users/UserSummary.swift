/// A user as search returns it (`UserSummary`).
public struct UserSummary: Codable, Sendable, Hashable {
    public var id: Int
    public var userName: String
    public var displayName: String
    public var emailAddress: String?
    public var enabled: Bool
    /// `-1` for a local user.
    public var domainId: Int
    public var domainName: String?
    public var isApplicationAccount: Bool
    public var isLockedOut: Bool
    public var lastLogin: String?
    public var created: String?
    public var loginFailures: Int
    public var twoFactorMethod: String
    public var externalUserSource: String
    public var platformIntegrationType: String

    public init(
        id: Int = 0,
        userName: String = "",
        displayName: String = "",
        emailAddress: String? = nil,
        enabled: Bool = true,
        domainId: Int = -1,
        domainName: String? = nil,
        isApplicationAccount: Bool = false,
        isLockedOut: Bool = false,
        lastLogin: String? = nil,
        created: String? = nil,
        loginFailures: Int = 0,
        twoFactorMethod: String = "None",
        externalUserSource: String = "None",
        platformIntegrationType: String = "None"
    ) {
        self.id = id
        self.userName = userName
        self.displayName = displayName
        self.emailAddress = emailAddress
        self.enabled = enabled
        self.domainId = domainId
        self.domainName = domainName
        self.isApplicationAccount = isApplicationAccount
        self.isLockedOut = isLockedOut
        self.lastLogin = lastLogin
        self.created = created
        self.loginFailures = loginFailures
        self.twoFactorMethod = twoFactorMethod
        self.externalUserSource = externalUserSource
        self.platformIntegrationType = platformIntegrationType
    }

    enum CodingKeys: String, CodingKey {
        case id, userName, displayName, emailAddress, enabled, domainId, domainName, isApplicationAccount
        case isLockedOut, lastLogin, created, loginFailures, twoFactorMethod, externalUserSource
        case platformIntegrationType
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        userName = try c.value(.userName, or: "")
        displayName = try c.value(.displayName, or: "")
        emailAddress = try c.decodeIfPresent(String.self, forKey: .emailAddress)
        enabled = try c.value(.enabled, or: true)
        domainId = try c.value(.domainId, or: -1)
        domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        isApplicationAccount = try c.value(.isApplicationAccount, or: false)
        isLockedOut = try c.value(.isLockedOut, or: false)
        lastLogin = try c.decodeIfPresent(String.self, forKey: .lastLogin)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        loginFailures = try c.value(.loginFailures, or: 0)
        twoFactorMethod = try c.value(.twoFactorMethod, or: "None")
        externalUserSource = try c.value(.externalUserSource, or: "None")
        platformIntegrationType = try c.value(.platformIntegrationType, or: "None")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(userName, forKey: .userName)
        try c.encode(displayName, forKey: .displayName)
        try c.encodeOrNull(emailAddress, forKey: .emailAddress)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(domainId, forKey: .domainId)
        try c.encodeOrNull(domainName, forKey: .domainName)
        try c.encode(isApplicationAccount, forKey: .isApplicationAccount)
        try c.encode(isLockedOut, forKey: .isLockedOut)
        try c.encodeOrNull(lastLogin, forKey: .lastLogin)
        try c.encodeOrNull(created, forKey: .created)
        try c.encode(loginFailures, forKey: .loginFailures)
        try c.encode(twoFactorMethod, forKey: .twoFactorMethod)
        try c.encode(externalUserSource, forKey: .externalUserSource)
        try c.encode(platformIntegrationType, forKey: .platformIntegrationType)
    }
}
