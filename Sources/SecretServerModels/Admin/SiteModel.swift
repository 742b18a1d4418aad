/// A site (`SiteModel`); site 1 is Local.
public struct SiteModel: Codable, Sendable, Hashable {
    public var siteId: Int
    public var siteName: String
    public var active: Bool

    public init(
        siteId: Int = 0,
        siteName: String = "",
        active: Bool = true
    ) {
        self.siteId = siteId
        self.siteName = siteName
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case siteId, siteName, active
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        siteId = try c.value(.siteId, or: 0)
        siteName = try c.value(.siteName, or: "")
        active = try c.value(.active, or: true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(siteId, forKey: .siteId)
        try c.encode(siteName, forKey: .siteName)
        try c.encode(active, forKey: .active)
    }
}
