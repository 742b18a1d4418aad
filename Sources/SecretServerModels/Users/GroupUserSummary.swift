/// One membership: a user in a group (`GroupUserSummary`; `POST /groups/{id}/users` answers the `GroupUserModel` subset).
public struct GroupUserSummary: Codable, Sendable, Hashable {
    public var userId: Int
    public var userName: String
    public var displayName: String
    public var enabled: Bool
    public var userDomainId: Int
    public var userDomainName: String?
    public var groupId: Int
    public var groupName: String
    public var groupDomainId: Int
    public var groupDomainName: String?

    public init(
        userId: Int = 0,
        userName: String = "",
        displayName: String = "",
        enabled: Bool = true,
        userDomainId: Int = -1,
        userDomainName: String? = nil,
        groupId: Int = 0,
        groupName: String = "",
        groupDomainId: Int = -1,
        groupDomainName: String? = nil
    ) {
        self.userId = userId
        self.userName = userName
        self.displayName = displayName
        self.enabled = enabled
        self.userDomainId = userDomainId
        self.userDomainName = userDomainName
        self.groupId = groupId
        self.groupName = groupName
        self.groupDomainId = groupDomainId
        self.groupDomainName = groupDomainName
    }

    enum CodingKeys: String, CodingKey {
        case userId, userName, displayName, enabled, userDomainId, userDomainName, groupId, groupName
        case groupDomainId, groupDomainName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        userId = try c.value(.userId, or: 0)
        userName = try c.value(.userName, or: "")
        displayName = try c.value(.displayName, or: "")
        enabled = try c.value(.enabled, or: true)
        userDomainId = try c.value(.userDomainId, or: -1)
        userDomainName = try c.decodeIfPresent(String.self, forKey: .userDomainName)
        groupId = try c.value(.groupId, or: 0)
        groupName = try c.value(.groupName, or: "")
        groupDomainId = try c.value(.groupDomainId, or: -1)
        groupDomainName = try c.decodeIfPresent(String.self, forKey: .groupDomainName)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(userId, forKey: .userId)
        try c.encode(userName, forKey: .userName)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(userDomainId, forKey: .userDomainId)
        try c.encodeOrNull(userDomainName, forKey: .userDomainName)
        try c.encode(groupId, forKey: .groupId)
        try c.encode(groupName, forKey: .groupName)
        try c.encode(groupDomainId, forKey: .groupDomainId)
        try c.encodeOrNull(groupDomainName, forKey: .groupDomainName)
    }
}
