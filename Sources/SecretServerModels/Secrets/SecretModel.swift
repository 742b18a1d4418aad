/// A secret with its fields (`SecretModel`), as `GET /api/v1/secrets/{id}` returns it and as
/// `POST`/`PUT /api/v1/secrets` take it back.
///
/// `description`, `debugDescription` and the mirror never show field values.
public struct SecretModel: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var secretTemplateId: Int
    /// `-1` is the root.
    public var folderId: Int
    public var active: Bool
    public var items: [RestSecretItem]
    public var launcherConnectAsSecretId: Int
    public var checkOutMinutesRemaining: Int
    public var checkedOut: Bool
    public var checkOutUserDisplayName: String
    public var checkOutUserId: Int
    public var isRestricted: Bool
    public var isOutOfSync: Bool
    public var outOfSyncReason: String
    public var autoChangeEnabled: Bool
    public var autoChangeNextPassword: String?
    public var requiresApprovalForAccess: Bool
    public var requiresComment: Bool
    public var checkOutEnabled: Bool
    public var checkOutIntervalMinutes: Int
    public var checkOutChangePasswordEnabled: Bool
    public var accessRequestWorkflowMapId: Int
    public var proxyEnabled: Bool
    public var sessionRecordingEnabled: Bool
    public var restrictSshCommands: Bool
    public var jumpboxRouteId: String?
    public var allowOwnersUnrestrictedSshCommands: Bool
    public var isDoubleLock: Bool
    public var doubleLockId: Int
    public var enableInheritPermissions: Bool
    public var passwordTypeWebScriptId: Int
    public var siteId: Int
    public var enableInheritSecretPolicy: Bool
    public var secretPolicyId: Int
    /// A `HeartbeatStatus` name: `Pending`, `Success`, `Failed`, ...
    public var lastHeartBeatStatus: String
    public var lastHeartBeatCheck: String
    public var failedPasswordChangeAttempts: Int
    public var lastPasswordChangeAttempt: String
    public var secretTemplateName: String
    public var responseCodes: [String]
    public var webLauncherRequiresIncognitoMode: Bool

    public init(
        id: Int = 0,
        name: String = "",
        secretTemplateId: Int,
        folderId: Int = -1,
        active: Bool = true,
        items: [RestSecretItem] = [],
        siteId: Int = 1,
        secretTemplateName: String = ""
    ) {
        self.id = id
        self.name = name
        self.secretTemplateId = secretTemplateId
        self.folderId = folderId
        self.active = active
        self.items = items
        self.launcherConnectAsSecretId = -1
        self.checkOutMinutesRemaining = 0
        self.checkedOut = false
        self.checkOutUserDisplayName = ""
        self.checkOutUserId = -1
        self.isRestricted = false
        self.isOutOfSync = false
        self.outOfSyncReason = ""
        self.autoChangeEnabled = false
        self.autoChangeNextPassword = nil
        self.requiresApprovalForAccess = false
        self.requiresComment = false
        self.checkOutEnabled = false
        self.checkOutIntervalMinutes = -1
        self.checkOutChangePasswordEnabled = false
        self.accessRequestWorkflowMapId = -1
        self.proxyEnabled = false
        self.sessionRecordingEnabled = false
        self.restrictSshCommands = false
        self.jumpboxRouteId = nil
        self.allowOwnersUnrestrictedSshCommands = false
        self.isDoubleLock = false
        self.doubleLockId = -1
        self.enableInheritPermissions = true
        self.passwordTypeWebScriptId = -1
        self.siteId = siteId
        self.enableInheritSecretPolicy = true
        self.secretPolicyId = -1
        self.lastHeartBeatStatus = "Pending"
        self.lastHeartBeatCheck = WireDate.never
        self.failedPasswordChangeAttempts = 0
        self.lastPasswordChangeAttempt = WireDate.never
        self.secretTemplateName = secretTemplateName
        self.responseCodes = []
        self.webLauncherRequiresIncognitoMode = false
    }

    /// The field whose slug or name is `key` (case-insensitive; slug first).
    public func item(_ key: String) -> RestSecretItem? {
        items.first { $0.slug.equalsIgnoringCase(key) } ?? items.first { $0.fieldName.equalsIgnoringCase(key) }
    }

    /// Sets the value of the field whose slug or name is `key`. Returns `false` when there is no such field.
    @discardableResult
    public mutating func setValue(_ value: String, forItem key: String) -> Bool {
        let index =
            items.firstIndex { $0.slug.equalsIgnoringCase(key) }
            ?? items.firstIndex { $0.fieldName.equalsIgnoringCase(key) }
        guard let index else { return false }
        items[index].itemValue = value
        return true
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, secretTemplateId, folderId, active, items, launcherConnectAsSecretId
        case checkOutMinutesRemaining, checkedOut, checkOutUserDisplayName, checkOutUserId, isRestricted
        case isOutOfSync, outOfSyncReason, autoChangeEnabled, autoChangeNextPassword, requiresApprovalForAccess
        case requiresComment, checkOutEnabled, checkOutIntervalMinutes, checkOutChangePasswordEnabled
        case accessRequestWorkflowMapId, proxyEnabled, sessionRecordingEnabled, restrictSshCommands
        case jumpboxRouteId, allowOwnersUnrestrictedSshCommands, isDoubleLock, doubleLockId
        case enableInheritPermissions, passwordTypeWebScriptId, siteId, enableInheritSecretPolicy
        case secretPolicyId, lastHeartBeatStatus, lastHeartBeatCheck, failedPasswordChangeAttempts
        case lastPasswordChangeAttempt, secretTemplateName, responseCodes, webLauncherRequiresIncognitoMode
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        secretTemplateId = try c.value(.secretTemplateId, or: 0)
        folderId = try c.value(.folderId, or: -1)
        active = try c.value(.active, or: true)
        items = try c.value(.items, or: [])
        launcherConnectAsSecretId = try c.value(.launcherConnectAsSecretId, or: -1)
        checkOutMinutesRemaining = try c.value(.checkOutMinutesRemaining, or: 0)
        checkedOut = try c.value(.checkedOut, or: false)
        checkOutUserDisplayName = try c.value(.checkOutUserDisplayName, or: "")
        checkOutUserId = try c.value(.checkOutUserId, or: -1)
        isRestricted = try c.value(.isRestricted, or: false)
        isOutOfSync = try c.value(.isOutOfSync, or: false)
        outOfSyncReason = try c.value(.outOfSyncReason, or: "")
        autoChangeEnabled = try c.value(.autoChangeEnabled, or: false)
        autoChangeNextPassword = try c.decodeIfPresent(String.self, forKey: .autoChangeNextPassword)
        requiresApprovalForAccess = try c.value(.requiresApprovalForAccess, or: false)
        requiresComment = try c.value(.requiresComment, or: false)
        checkOutEnabled = try c.value(.checkOutEnabled, or: false)
        checkOutIntervalMinutes = try c.value(.checkOutIntervalMinutes, or: -1)
        checkOutChangePasswordEnabled = try c.value(.checkOutChangePasswordEnabled, or: false)
        accessRequestWorkflowMapId = try c.value(.accessRequestWorkflowMapId, or: -1)
        proxyEnabled = try c.value(.proxyEnabled, or: false)
        sessionRecordingEnabled = try c.value(.sessionRecordingEnabled, or: false)
        restrictSshCommands = try c.value(.restrictSshCommands, or: false)
        jumpboxRouteId = try c.decodeIfPresent(String.self, forKey: .jumpboxRouteId)
        allowOwnersUnrestrictedSshCommands = try c.value(.allowOwnersUnrestrictedSshCommands, or: false)
        isDoubleLock = try c.value(.isDoubleLock, or: false)
        doubleLockId = try c.value(.doubleLockId, or: -1)
        enableInheritPermissions = try c.value(.enableInheritPermissions, or: true)
        passwordTypeWebScriptId = try c.value(.passwordTypeWebScriptId, or: -1)
        siteId = try c.value(.siteId, or: 1)
        enableInheritSecretPolicy = try c.value(.enableInheritSecretPolicy, or: true)
        secretPolicyId = try c.value(.secretPolicyId, or: -1)
        lastHeartBeatStatus = try c.value(.lastHeartBeatStatus, or: "Pending")
        lastHeartBeatCheck = try c.value(.lastHeartBeatCheck, or: WireDate.never)
        failedPasswordChangeAttempts = try c.value(.failedPasswordChangeAttempts, or: 0)
        lastPasswordChangeAttempt = try c.value(.lastPasswordChangeAttempt, or: WireDate.never)
        secretTemplateName = try c.value(.secretTemplateName, or: "")
        responseCodes = try c.value(.responseCodes, or: [])
        webLauncherRequiresIncognitoMode = try c.value(.webLauncherRequiresIncognitoMode, or: false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(secretTemplateId, forKey: .secretTemplateId)
        try c.encode(folderId, forKey: .folderId)
        try c.encode(active, forKey: .active)
        try c.encode(items, forKey: .items)
        try c.encode(launcherConnectAsSecretId, forKey: .launcherConnectAsSecretId)
        try c.encode(checkOutMinutesRemaining, forKey: .checkOutMinutesRemaining)
        try c.encode(checkedOut, forKey: .checkedOut)
        try c.encode(checkOutUserDisplayName, forKey: .checkOutUserDisplayName)
        try c.encode(checkOutUserId, forKey: .checkOutUserId)
        try c.encode(isRestricted, forKey: .isRestricted)
        try c.encode(isOutOfSync, forKey: .isOutOfSync)
        try c.encode(outOfSyncReason, forKey: .outOfSyncReason)
        try c.encode(autoChangeEnabled, forKey: .autoChangeEnabled)
        try c.encodeOrNull(autoChangeNextPassword, forKey: .autoChangeNextPassword)
        try c.encode(requiresApprovalForAccess, forKey: .requiresApprovalForAccess)
        try c.encode(requiresComment, forKey: .requiresComment)
        try c.encode(checkOutEnabled, forKey: .checkOutEnabled)
        try c.encode(checkOutIntervalMinutes, forKey: .checkOutIntervalMinutes)
        try c.encode(checkOutChangePasswordEnabled, forKey: .checkOutChangePasswordEnabled)
        try c.encode(accessRequestWorkflowMapId, forKey: .accessRequestWorkflowMapId)
        try c.encode(proxyEnabled, forKey: .proxyEnabled)
        try c.encode(sessionRecordingEnabled, forKey: .sessionRecordingEnabled)
        try c.encode(restrictSshCommands, forKey: .restrictSshCommands)
        try c.encodeOrNull(jumpboxRouteId, forKey: .jumpboxRouteId)
        try c.encode(allowOwnersUnrestrictedSshCommands, forKey: .allowOwnersUnrestrictedSshCommands)
        try c.encode(isDoubleLock, forKey: .isDoubleLock)
        try c.encode(doubleLockId, forKey: .doubleLockId)
        try c.encode(enableInheritPermissions, forKey: .enableInheritPermissions)
        try c.encode(passwordTypeWebScriptId, forKey: .passwordTypeWebScriptId)
        try c.encode(siteId, forKey: .siteId)
        try c.encode(enableInheritSecretPolicy, forKey: .enableInheritSecretPolicy)
        try c.encode(secretPolicyId, forKey: .secretPolicyId)
        try c.encode(lastHeartBeatStatus, forKey: .lastHeartBeatStatus)
        try c.encode(lastHeartBeatCheck, forKey: .lastHeartBeatCheck)
        try c.encode(failedPasswordChangeAttempts, forKey: .failedPasswordChangeAttempts)
        try c.encode(lastPasswordChangeAttempt, forKey: .lastPasswordChangeAttempt)
        try c.encode(secretTemplateName, forKey: .secretTemplateName)
        try c.encode(responseCodes, forKey: .responseCodes)
        try c.encode(webLauncherRequiresIncognitoMode, forKey: .webLauncherRequiresIncognitoMode)
    }
}

extension SecretModel: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let fields = items.map(\.slug).joined(separator: ", ")
        return "SecretModel(id: \(id), name: \(name), template: \(secretTemplateId), folder: \(folderId), fields: [\(fields)])"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "id": id, "name": name, "secretTemplateId": secretTemplateId, "folderId": folderId,
                "items": items,
            ])
    }
}
