/// A user (`UserModel`). The password is never part of it.
public struct UserModel: Codable, Sendable, Hashable {
    public var id: Int
    public var userName: String
    public var displayName: String
    public var lastLogin: String?
    public var created: String?
    public var enabled: Bool
    public var loginFailures: Int
    public var emailAddress: String?
    public var userLcid: Int
    /// `-1` for a local user.
    public var domainId: Int
    public var lastSessionActivity: String?
    public var isLockedOut: Bool
    public var lockOutReason: String?
    public var lockOutReasonDescription: String?
    public var radiusUserName: String?
    public var twoFactor: Bool
    public var radiusTwoFactor: Bool
    public var isEmailVerified: Bool
    public var mustVerifyEmail: Bool
    public var verifyEmailSentDate: String
    public var passwordLastChanged: String
    public var dateOptionId: Int
    public var timeOptionId: Int
    public var isEmailCopiedFromAD: Bool
    public var adGuid: String?
    public var adAccountExpires: String
    public var resetSessionStarted: String
    public var isApplicationAccount: Bool
    public var oathTwoFactor: Bool
    public var oathVerified: Bool
    public var duoTwoFactor: Bool
    public var fido2TwoFactor: Bool
    public var personalGroupId: Int
    public var slackId: String?
    public var externalUserSource: String
    public var platformIntegrationType: String
    public var unixAuthenticationMethod: String

    public init(
        id: Int = 0,
        userName: String = "",
        displayName: String = "",
        lastLogin: String? = nil,
        created: String? = nil,
        enabled: Bool = true,
        loginFailures: Int = 0,
        emailAddress: String? = nil,
        userLcid: Int = 0,
        domainId: Int = -1,
        lastSessionActivity: String? = nil,
        isLockedOut: Bool = false,
        lockOutReason: String? = nil,
        lockOutReasonDescription: String? = nil,
        radiusUserName: String? = nil,
        twoFactor: Bool = false,
        radiusTwoFactor: Bool = false,
        isEmailVerified: Bool = false,
        mustVerifyEmail: Bool = false,
        verifyEmailSentDate: String = WireDate.never,
        passwordLastChanged: String = WireDate.never,
        dateOptionId: Int = -1,
        timeOptionId: Int = -1,
        isEmailCopiedFromAD: Bool = false,
        adGuid: String? = nil,
        adAccountExpires: String = WireDate.never,
        resetSessionStarted: String = WireDate.never,
        isApplicationAccount: Bool = false,
        oathTwoFactor: Bool = false,
        oathVerified: Bool = false,
        duoTwoFactor: Bool = false,
        fido2TwoFactor: Bool = false,
        personalGroupId: Int = -1,
        slackId: String? = nil,
        externalUserSource: String = "None",
        platformIntegrationType: String = "None",
        unixAuthenticationMethod: String = "Password"
    ) {
        self.id = id
        self.userName = userName
        self.displayName = displayName
        self.lastLogin = lastLogin
        self.created = created
        self.enabled = enabled
        self.loginFailures = loginFailures
        self.emailAddress = emailAddress
        self.userLcid = userLcid
        self.domainId = domainId
        self.lastSessionActivity = lastSessionActivity
        self.isLockedOut = isLockedOut
        self.lockOutReason = lockOutReason
        self.lockOutReasonDescription = lockOutReasonDescription
        self.radiusUserName = radiusUserName
        self.twoFactor = twoFactor
        self.radiusTwoFactor = radiusTwoFactor
        self.isEmailVerified = isEmailVerified
        self.mustVerifyEmail = mustVerifyEmail
        self.verifyEmailSentDate = verifyEmailSentDate
        self.passwordLastChanged = passwordLastChanged
        self.dateOptionId = dateOptionId
        self.timeOptionId = timeOptionId
        self.isEmailCopiedFromAD = isEmailCopiedFromAD
        self.adGuid = adGuid
        self.adAccountExpires = adAccountExpires
        self.resetSessionStarted = resetSessionStarted
        self.isApplicationAccount = isApplicationAccount
        self.oathTwoFactor = oathTwoFactor
        self.oathVerified = oathVerified
        self.duoTwoFactor = duoTwoFactor
        self.fido2TwoFactor = fido2TwoFactor
        self.personalGroupId = personalGroupId
        self.slackId = slackId
        self.externalUserSource = externalUserSource
        self.platformIntegrationType = platformIntegrationType
        self.unixAuthenticationMethod = unixAuthenticationMethod
    }

    enum CodingKeys: String, CodingKey {
        case id, userName, displayName, lastLogin, created, enabled, loginFailures, emailAddress, userLcid
        case domainId, lastSessionActivity, isLockedOut, lockOutReason, lockOutReasonDescription
        case radiusUserName, twoFactor, radiusTwoFactor, isEmailVerified, mustVerifyEmail
        case verifyEmailSentDate, passwordLastChanged, dateOptionId, timeOptionId, isEmailCopiedFromAD
        case adGuid, adAccountExpires, resetSessionStarted, isApplicationAccount
        case oathTwoFactor, oathVerified, duoTwoFactor, fido2TwoFactor, personalGroupId, slackId
        case externalUserSource, platformIntegrationType, unixAuthenticationMethod
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        userName = try c.value(.userName, or: "")
        displayName = try c.value(.displayName, or: "")
        lastLogin = try c.decodeIfPresent(String.self, forKey: .lastLogin)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        enabled = try c.value(.enabled, or: true)
        loginFailures = try c.value(.loginFailures, or: 0)
        emailAddress = try c.decodeIfPresent(String.self, forKey: .emailAddress)
        userLcid = try c.value(.userLcid, or: 0)
        domainId = try c.value(.domainId, or: -1)
        lastSessionActivity = try c.decodeIfPresent(String.self, forKey: .lastSessionActivity)
        isLockedOut = try c.value(.isLockedOut, or: false)
        lockOutReason = try c.decodeIfPresent(String.self, forKey: .lockOutReason)
        lockOutReasonDescription = try c.decodeIfPresent(String.self, forKey: .lockOutReasonDescription)
        radiusUserName = try c.decodeIfPresent(String.self, forKey: .radiusUserName)
        twoFactor = try c.value(.twoFactor, or: false)
        radiusTwoFactor = try c.value(.radiusTwoFactor, or: false)
        isEmailVerified = try c.value(.isEmailVerified, or: false)
        mustVerifyEmail = try c.value(.mustVerifyEmail, or: false)
        verifyEmailSentDate = try c.value(.verifyEmailSentDate, or: WireDate.never)
        passwordLastChanged = try c.value(.passwordLastChanged, or: WireDate.never)
        dateOptionId = try c.value(.dateOptionId, or: -1)
        timeOptionId = try c.value(.timeOptionId, or: -1)
        isEmailCopiedFromAD = try c.value(.isEmailCopiedFromAD, or: false)
        adGuid = try c.decodeIfPresent(String.self, forKey: .adGuid)
        adAccountExpires = try c.value(.adAccountExpires, or: WireDate.never)
        resetSessionStarted = try c.value(.resetSessionStarted, or: WireDate.never)
        isApplicationAccount = try c.value(.isApplicationAccount, or: false)
        oathTwoFactor = try c.value(.oathTwoFactor, or: false)
        oathVerified = try c.value(.oathVerified, or: false)
        duoTwoFactor = try c.value(.duoTwoFactor, or: false)
        fido2TwoFactor = try c.value(.fido2TwoFactor, or: false)
        personalGroupId = try c.value(.personalGroupId, or: -1)
        slackId = try c.decodeIfPresent(String.self, forKey: .slackId)
        externalUserSource = try c.value(.externalUserSource, or: "None")
        platformIntegrationType = try c.value(.platformIntegrationType, or: "None")
        unixAuthenticationMethod = try c.value(.unixAuthenticationMethod, or: "Password")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(userName, forKey: .userName)
        try c.encode(displayName, forKey: .displayName)
        try c.encodeOrNull(lastLogin, forKey: .lastLogin)
        try c.encodeOrNull(created, forKey: .created)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(loginFailures, forKey: .loginFailures)
        try c.encodeOrNull(emailAddress, forKey: .emailAddress)
        try c.encode(userLcid, forKey: .userLcid)
        try c.encode(domainId, forKey: .domainId)
        try c.encodeOrNull(lastSessionActivity, forKey: .lastSessionActivity)
        try c.encode(isLockedOut, forKey: .isLockedOut)
        try c.encodeOrNull(lockOutReason, forKey: .lockOutReason)
        try c.encodeOrNull(lockOutReasonDescription, forKey: .lockOutReasonDescription)
        try c.encodeOrNull(radiusUserName, forKey: .radiusUserName)
        try c.encode(twoFactor, forKey: .twoFactor)
        try c.encode(radiusTwoFactor, forKey: .radiusTwoFactor)
        try c.encode(isEmailVerified, forKey: .isEmailVerified)
        try c.encode(mustVerifyEmail, forKey: .mustVerifyEmail)
        try c.encode(verifyEmailSentDate, forKey: .verifyEmailSentDate)
        try c.encode(passwordLastChanged, forKey: .passwordLastChanged)
        try c.encode(dateOptionId, forKey: .dateOptionId)
        try c.encode(timeOptionId, forKey: .timeOptionId)
        try c.encode(isEmailCopiedFromAD, forKey: .isEmailCopiedFromAD)
        try c.encodeOrNull(adGuid, forKey: .adGuid)
        try c.encode(adAccountExpires, forKey: .adAccountExpires)
        try c.encode(resetSessionStarted, forKey: .resetSessionStarted)
        try c.encode(isApplicationAccount, forKey: .isApplicationAccount)
        try c.encode(oathTwoFactor, forKey: .oathTwoFactor)
        try c.encode(oathVerified, forKey: .oathVerified)
        try c.encode(duoTwoFactor, forKey: .duoTwoFactor)
        try c.encode(fido2TwoFactor, forKey: .fido2TwoFactor)
        try c.encode(personalGroupId, forKey: .personalGroupId)
        try c.encodeOrNull(slackId, forKey: .slackId)
        try c.encode(externalUserSource, forKey: .externalUserSource)
        try c.encode(platformIntegrationType, forKey: .platformIntegrationType)
        try c.encode(unixAuthenticationMethod, forKey: .unixAuthenticationMethod)
    }
}
