/// A user's membership of a group, as adding one answers it (`GroupUserModel`).
public struct GroupUserModel: Codable, Sendable, Hashable {
    public var groupId: Int
    public var groupName: String
    public var groupDomainId: Int
    public var userId: Int
    public var userName: String
    public var userDomainId: Int

    public init(
        groupId: Int = 0,
        groupName: String = "",
        groupDomainId: Int = -1,
        userId: Int = 0,
        userName: String = "",
        userDomainId: Int = -1
    ) {
        self.groupId = groupId
        self.groupName = groupName
        self.groupDomainId = groupDomainId
        self.userId = userId
        self.userName = userName
        self.userDomainId = userDomainId
    }

    enum CodingKeys: String, CodingKey {
        case groupId, groupName, groupDomainId, userId, userName, userDomainId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        groupId = try c.value(.groupId, or: 0)
        groupName = try c.value(.groupName, or: "")
        groupDomainId = try c.value(.groupDomainId, or: -1)
        userId = try c.value(.userId, or: 0)
        userName = try c.value(.userName, or: "")
        userDomainId = try c.value(.userDomainId, or: -1)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(groupId, forKey: .groupId)
        try c.encode(groupName, forKey: .groupName)
        try c.encode(groupDomainId, forKey: .groupDomainId)
        try c.encode(userId, forKey: .userId)
        try c.encode(userName, forKey: .userName)
        try c.encode(userDomainId, forKey: .userDomainId)
    }
}
