/// The signed-in user (`CurrentUserModel` of `GET /api/v1/users/current`).
public struct CurrentUserModel: Codable, Sendable, Hashable {
    public var id: Int
    public var userName: String
    public var displayName: String
    public var emailAddress: String?
    public var permissions: [Permission]
    public var dateOptionId: Int
    public var timeOptionId: Int
    public var userLcid: Int

    /// `{name}`: one role permission the user holds.
    public struct Permission: Codable, Sendable, Hashable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public init(id: Int, userName: String, displayName: String, emailAddress: String?, permissions: [String]) {
        self.id = id
        self.userName = userName
        self.displayName = displayName
        self.emailAddress = emailAddress
        self.permissions = permissions.map(Permission.init)
        self.dateOptionId = -1
        self.timeOptionId = -1
        self.userLcid = 0
    }

    enum CodingKeys: String, CodingKey {
        case id, userName, displayName, emailAddress, permissions, dateOptionId, timeOptionId, userLcid
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        userName = try c.value(.userName, or: "")
        displayName = try c.value(.displayName, or: userName)
        emailAddress = try c.decodeIfPresent(String.self, forKey: .emailAddress)
        permissions = try c.value(.permissions, or: [])
        dateOptionId = try c.value(.dateOptionId, or: -1)
        timeOptionId = try c.value(.timeOptionId, or: -1)
        userLcid = try c.value(.userLcid, or: 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(userName, forKey: .userName)
        try c.encode(displayName, forKey: .displayName)
        try c.encodeOrNull(emailAddress, forKey: .emailAddress)
        try c.encode(permissions, forKey: .permissions)
        try c.encode(dateOptionId, forKey: .dateOptionId)
        try c.encode(timeOptionId, forKey: .timeOptionId)
        try c.encode(userLcid, forKey: .userLcid)
    }
}
