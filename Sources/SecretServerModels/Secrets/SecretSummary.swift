/// A secret as search returns it (`SecretSummary`): no field values.
public struct SecretSummary: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var secretTemplateId: Int
    public var secretTemplateName: String
    public var folderId: Int
    public var folderPath: String?
    public var siteId: Int
    public var active: Bool
    public var checkedOut: Bool
    public var checkOutUserId: Int
    public var checkOutUserName: String?
    public var isRestricted: Bool
    public var isOutOfSync: Bool
    public var outOfSyncReason: String
    public var lastHeartBeatStatus: String
    public var lastPasswordChangeAttempt: String
    public var responseCodes: [String]?
    public var lastAccessed: String?
    public var extendedFields: [ExtendedField]?
    public var checkOutEnabled: Bool
    public var autoChangeEnabled: Bool
    public var doubleLockEnabled: Bool
    public var requiresApproval: Bool
    public var requiresComment: Bool
    public var inheritsPermissions: Bool
    public var hidePassword: Bool
    public var hasLauncher: Bool
    public var createDate: String?
    public var daysUntilExpiration: Int?

    /// `{name, value}`: a field echoed into search results by `filter.extendedFields`.
    public struct ExtendedField: Codable, Sendable, Hashable {
        public var name: String
        public var value: String?
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public init(id: Int, name: String, secretTemplateId: Int, secretTemplateName: String, folderId: Int) {
        self.id = id
        self.name = name
        self.secretTemplateId = secretTemplateId
        self.secretTemplateName = secretTemplateName
        self.folderId = folderId
        self.folderPath = nil
        self.siteId = 1
        self.active = true
        self.checkedOut = false
        self.checkOutUserId = -1
        self.checkOutUserName = nil
        self.isRestricted = false
        self.isOutOfSync = false
        self.outOfSyncReason = ""
        self.lastHeartBeatStatus = "Pending"
        self.lastPasswordChangeAttempt = WireDate.never
        self.responseCodes = nil
        self.lastAccessed = nil
        self.extendedFields = nil
        self.checkOutEnabled = false
        self.autoChangeEnabled = false
        self.doubleLockEnabled = false
        self.requiresApproval = false
        self.requiresComment = false
        self.inheritsPermissions = true
        self.hidePassword = false
        self.hasLauncher = false
        self.createDate = nil
        self.daysUntilExpiration = nil
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, secretTemplateId, secretTemplateName, folderId, folderPath, siteId, active, checkedOut
        case checkOutUserId, checkOutUserName, isRestricted, isOutOfSync, outOfSyncReason, lastHeartBeatStatus
        case lastPasswordChangeAttempt, responseCodes, lastAccessed, extendedFields, checkOutEnabled
        case autoChangeEnabled, doubleLockEnabled, requiresApproval, requiresComment, inheritsPermissions
        case hidePassword, hasLauncher, createDate, daysUntilExpiration
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        secretTemplateId = try c.value(.secretTemplateId, or: 0)
        secretTemplateName = try c.value(.secretTemplateName, or: "")
        folderId = try c.value(.folderId, or: -1)
        folderPath = try c.decodeIfPresent(String.self, forKey: .folderPath)
        siteId = try c.value(.siteId, or: 1)
        active = try c.value(.active, or: true)
        checkedOut = try c.value(.checkedOut, or: false)
        checkOutUserId = try c.value(.checkOutUserId, or: -1)
        checkOutUserName = try c.decodeIfPresent(String.self, forKey: .checkOutUserName)
        isRestricted = try c.value(.isRestricted, or: false)
        isOutOfSync = try c.value(.isOutOfSync, or: false)
        outOfSyncReason = try c.value(.outOfSyncReason, or: "")
        lastHeartBeatStatus = try c.value(.lastHeartBeatStatus, or: "Pending")
        lastPasswordChangeAttempt = try c.value(.lastPasswordChangeAttempt, or: WireDate.never)
        responseCodes = try c.decodeIfPresent([String].self, forKey: .responseCodes)
        lastAccessed = try c.decodeIfPresent(String.self, forKey: .lastAccessed)
        extendedFields = try c.decodeIfPresent([ExtendedField].self, forKey: .extendedFields)
        checkOutEnabled = try c.value(.checkOutEnabled, or: false)
        autoChangeEnabled = try c.value(.autoChangeEnabled, or: false)
        doubleLockEnabled = try c.value(.doubleLockEnabled, or: false)
        requiresApproval = try c.value(.requiresApproval, or: false)
        requiresComment = try c.value(.requiresComment, or: false)
        inheritsPermissions = try c.value(.inheritsPermissions, or: true)
        hidePassword = try c.value(.hidePassword, or: false)
        hasLauncher = try c.value(.hasLauncher, or: false)
        createDate = try c.decodeIfPresent(String.self, forKey: .createDate)
        daysUntilExpiration = try c.decodeIfPresent(Int.self, forKey: .daysUntilExpiration)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(secretTemplateId, forKey: .secretTemplateId)
        try c.encode(secretTemplateName, forKey: .secretTemplateName)
        try c.encode(folderId, forKey: .folderId)
        try c.encodeOrNull(folderPath, forKey: .folderPath)
        try c.encode(siteId, forKey: .siteId)
        try c.encode(active, forKey: .active)
        try c.encode(checkedOut, forKey: .checkedOut)
        try c.encode(checkOutUserId, forKey: .checkOutUserId)
        try c.encodeOrNull(checkOutUserName, forKey: .checkOutUserName)
        try c.encode(isRestricted, forKey: .isRestricted)
        try c.encode(isOutOfSync, forKey: .isOutOfSync)
        try c.encode(outOfSyncReason, forKey: .outOfSyncReason)
        try c.encode(lastHeartBeatStatus, forKey: .lastHeartBeatStatus)
        try c.encode(lastPasswordChangeAttempt, forKey: .lastPasswordChangeAttempt)
        try c.encodeOrNull(responseCodes, forKey: .responseCodes)
        try c.encodeOrNull(lastAccessed, forKey: .lastAccessed)
        try c.encodeOrNull(extendedFields, forKey: .extendedFields)
        try c.encode(checkOutEnabled, forKey: .checkOutEnabled)
        try c.encode(autoChangeEnabled, forKey: .autoChangeEnabled)
        try c.encode(doubleLockEnabled, forKey: .doubleLockEnabled)
        try c.encode(requiresApproval, forKey: .requiresApproval)
        try c.encode(requiresComment, forKey: .requiresComment)
        try c.encode(inheritsPermissions, forKey: .inheritsPermissions)
        try c.encode(hidePassword, forKey: .hidePassword)
        try c.encode(hasLauncher, forKey: .hasLauncher)
        try c.encodeOrNull(createDate, forKey: .createDate)
        try c.encodeOrNull(daysUntilExpiration, forKey: .daysUntilExpiration)
    }
}
