/// A team (`TeamDetailModel`).
public struct TeamDetailModel: Codable, Sendable, Hashable {
    public var teamId: Int
    public var teamName: String
    public var teamDescription: String?
    public var active: Bool
    public var domainId: Int
    public var domainName: String?
    public var shouldRestrictLists: Bool
    public var shouldRestrictSites: Bool

    public init(
        teamId: Int = 0,
        teamName: String = "",
        teamDescription: String? = nil,
        active: Bool = true,
        domainId: Int = -1,
        domainName: String? = nil,
        shouldRestrictLists: Bool = false,
        shouldRestrictSites: Bool = false
    ) {
        self.teamId = teamId
        self.teamName = teamName
        self.teamDescription = teamDescription
        self.active = active
        self.domainId = domainId
        self.domainName = domainName
        self.shouldRestrictLists = shouldRestrictLists
        self.shouldRestrictSites = shouldRestrictSites
    }

    enum CodingKeys: String, CodingKey {
        case teamId, teamName, teamDescription, active, domainId, domainName, shouldRestrictLists
        case shouldRestrictSites
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        teamId = try c.value(.teamId, or: 0)
        teamName = try c.value(.teamName, or: "")
        teamDescription = try c.decodeIfPresent(String.self, forKey: .teamDescription)
        active = try c.value(.active, or: true)
        domainId = try c.value(.domainId, or: -1)
        domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        shouldRestrictLists = try c.value(.shouldRestrictLists, or: false)
        shouldRestrictSites = try c.value(.shouldRestrictSites, or: false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(teamId, forKey: .teamId)
        try c.encode(teamName, forKey: .teamName)
        try c.encodeOrNull(teamDescription, forKey: .teamDescription)
        try c.encode(active, forKey: .active)
        try c.encode(domainId, forKey: .domainId)
        try c.encodeOrNull(domainName, forKey: .domainName)
        try c.encode(shouldRestrictLists, forKey: .shouldRestrictLists)
        try c.encode(shouldRestrictSites, forKey: .shouldRestrictSites)
    }
}
