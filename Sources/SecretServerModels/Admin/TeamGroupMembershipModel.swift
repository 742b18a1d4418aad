/// A group's membership of a team (`TeamGroupMembershipModel`).
public struct TeamGroupMembershipModel: Codable, Sendable, Hashable {
    public var teamGroupMembershipId: Int
    public var teamId: Int
    public var groupId: Int
    public var groupDisplayName: String?

    public init(
        teamGroupMembershipId: Int = 0,
        teamId: Int = 0,
        groupId: Int = 0,
        groupDisplayName: String? = nil
    ) {
        self.teamGroupMembershipId = teamGroupMembershipId
        self.teamId = teamId
        self.groupId = groupId
        self.groupDisplayName = groupDisplayName
    }

    enum CodingKeys: String, CodingKey {
        case teamGroupMembershipId, teamId, groupId, groupDisplayName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        teamGroupMembershipId = try c.value(.teamGroupMembershipId, or: 0)
        teamId = try c.value(.teamId, or: 0)
        groupId = try c.value(.groupId, or: 0)
        groupDisplayName = try c.decodeIfPresent(String.self, forKey: .groupDisplayName)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(teamGroupMembershipId, forKey: .teamGroupMembershipId)
        try c.encode(teamId, forKey: .teamId)
        try c.encode(groupId, forKey: .groupId)
        try c.encodeOrNull(groupDisplayName, forKey: .groupDisplayName)
    }
}
