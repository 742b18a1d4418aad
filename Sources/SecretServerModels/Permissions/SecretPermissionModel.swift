/// Who may do what with one secret (`SecretPermissionModel`, and `SecretPermissionSummary` in searches).
public struct SecretPermissionModel: Codable, Sendable, Hashable {
    public var id: Int
    public var secretId: Int
    /// Set for a user's permission, `nil` for a group's.
    public var userId: Int?
    public var userName: String?
    /// Set for a group's permission, `nil` for a user's.
    public var groupId: Int?
    public var groupName: String?
    public var knownAs: String?
    public var domainName: String?
    public var secretAccessRoleId: Int
    /// `List`, `View`, `Edit` or `Owner`.
    public var secretAccessRoleName: String

    public init(
        id: Int = 0,
        secretId: Int = 0,
        userId: Int? = nil,
        userName: String? = nil,
        groupId: Int? = nil,
        groupName: String? = nil,
        knownAs: String? = nil,
        domainName: String? = nil,
        secretAccessRoleId: Int = 0,
        secretAccessRoleName: String = "View"
    ) {
        self.id = id
        self.secretId = secretId
        self.userId = userId
        self.userName = userName
        self.groupId = groupId
        self.groupName = groupName
        self.knownAs = knownAs
        self.domainName = domainName
        self.secretAccessRoleId = secretAccessRoleId
        self.secretAccessRoleName = secretAccessRoleName
    }

    enum CodingKeys: String, CodingKey {
        case id, secretId, userId, userName, groupId, groupName, knownAs, domainName, secretAccessRoleId
        case secretAccessRoleName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        secretId = try c.value(.secretId, or: 0)
        userId = try c.decodeIfPresent(Int.self, forKey: .userId)
        userName = try c.decodeIfPresent(String.self, forKey: .userName)
        groupId = try c.decodeIfPresent(Int.self, forKey: .groupId)
        groupName = try c.decodeIfPresent(String.self, forKey: .groupName)
        knownAs = try c.decodeIfPresent(String.self, forKey: .knownAs)
        domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        secretAccessRoleId = try c.value(.secretAccessRoleId, or: 0)
        secretAccessRoleName = try c.value(.secretAccessRoleName, or: "View")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(secretId, forKey: .secretId)
        try c.encodeOrNull(userId, forKey: .userId)
        try c.encodeOrNull(userName, forKey: .userName)
        try c.encodeOrNull(groupId, forKey: .groupId)
        try c.encodeOrNull(groupName, forKey: .groupName)
        try c.encodeOrNull(knownAs, forKey: .knownAs)
        try c.encodeOrNull(domainName, forKey: .domainName)
        try c.encode(secretAccessRoleId, forKey: .secretAccessRoleId)
        try c.encode(secretAccessRoleName, forKey: .secretAccessRoleName)
    }
}
