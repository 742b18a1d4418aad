/// Who may do what with one folder and its secrets (`FolderPermissionModel`, and `FolderPermissionSummary` in searches).
public struct FolderPermissionModel: Codable, Sendable, Hashable {
    public var id: Int
    public var folderId: Int
    /// Set for a user's permission, `nil` for a group's.
    public var userId: Int?
    public var userName: String?
    /// Set for a group's permission, `nil` for a user's.
    public var groupId: Int?
    public var groupName: String?
    public var knownAs: String?
    public var domainName: String?
    public var folderAccessRoleId: Int
    /// `View`, `Edit`, `Add Secret` or `Owner`.
    public var folderAccessRoleName: String
    public var secretAccessRoleId: Int
    /// The role on the folder's secrets: `List`, `View`, `Edit` or `Owner`.
    public var secretAccessRoleName: String

    public init(
        id: Int = 0,
        folderId: Int = 0,
        userId: Int? = nil,
        userName: String? = nil,
        groupId: Int? = nil,
        groupName: String? = nil,
        knownAs: String? = nil,
        domainName: String? = nil,
        folderAccessRoleId: Int = 0,
        folderAccessRoleName: String = "View",
        secretAccessRoleId: Int = 0,
        secretAccessRoleName: String = "View"
    ) {
        self.id = id
        self.folderId = folderId
        self.userId = userId
        self.userName = userName
        self.groupId = groupId
        self.groupName = groupName
        self.knownAs = knownAs
        self.domainName = domainName
        self.folderAccessRoleId = folderAccessRoleId
        self.folderAccessRoleName = folderAccessRoleName
        self.secretAccessRoleId = secretAccessRoleId
        self.secretAccessRoleName = secretAccessRoleName
    }

    enum CodingKeys: String, CodingKey {
        case id, folderId, userId, userName, groupId, groupName, knownAs, domainName, folderAccessRoleId
        case folderAccessRoleName, secretAccessRoleId, secretAccessRoleName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        folderId = try c.value(.folderId, or: 0)
        userId = try c.decodeIfPresent(Int.self, forKey: .userId)
        userName = try c.decodeIfPresent(String.self, forKey: .userName)
        groupId = try c.decodeIfPresent(Int.self, forKey: .groupId)
        groupName = try c.decodeIfPresent(String.self, forKey: .groupName)
        knownAs = try c.decodeIfPresent(String.self, forKey: .knownAs)
        domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        folderAccessRoleId = try c.value(.folderAccessRoleId, or: 0)
        folderAccessRoleName = try c.value(.folderAccessRoleName, or: "View")
        secretAccessRoleId = try c.value(.secretAccessRoleId, or: 0)
        secretAccessRoleName = try c.value(.secretAccessRoleName, or: "View")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(folderId, forKey: .folderId)
        try c.encodeOrNull(userId, forKey: .userId)
        try c.encodeOrNull(userName, forKey: .userName)
        try c.encodeOrNull(groupId, forKey: .groupId)
        try c.encodeOrNull(groupName, forKey: .groupName)
        try c.encodeOrNull(knownAs, forKey: .knownAs)
        try c.encodeOrNull(domainName, forKey: .domainName)
        try c.encode(folderAccessRoleId, forKey: .folderAccessRoleId)
        try c.encode(folderAccessRoleName, forKey: .folderAccessRoleName)
        try c.encode(secretAccessRoleId, forKey: .secretAccessRoleId)
        try c.encode(secretAccessRoleName, forKey: .secretAccessRoleName)
    }
}
