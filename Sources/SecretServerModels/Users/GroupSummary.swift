/// A group as search returns it (`GroupSummary`).
public struct GroupSummary: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var enabled: Bool
    public var domainId: Int
    public var domainName: String?
    public var domainGuid: String?
    public var memberCount: Int
    public var created: String?
    public var synchronized: Bool
    public var synchronizeNow: Bool
    public var isPlatform: Bool

    public init(
        id: Int = 0,
        name: String = "",
        enabled: Bool = true,
        domainId: Int = -1,
        domainName: String? = nil,
        domainGuid: String? = nil,
        memberCount: Int = 0,
        created: String? = nil,
        synchronized: Bool = false,
        synchronizeNow: Bool = false,
        isPlatform: Bool = false
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.domainId = domainId
        self.domainName = domainName
        self.domainGuid = domainGuid
        self.memberCount = memberCount
        self.created = created
        self.synchronized = synchronized
        self.synchronizeNow = synchronizeNow
        self.isPlatform = isPlatform
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, domainId, domainName, domainGuid, memberCount, created, synchronized
        case synchronizeNow, isPlatform
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        enabled = try c.value(.enabled, or: true)
        domainId = try c.value(.domainId, or: -1)
        domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        domainGuid = try c.decodeIfPresent(String.self, forKey: .domainGuid)
        memberCount = try c.value(.memberCount, or: 0)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        synchronized = try c.value(.synchronized, or: false)
        synchronizeNow = try c.value(.synchronizeNow, or: false)
        isPlatform = try c.value(.isPlatform, or: false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(domainId, forKey: .domainId)
        try c.encodeOrNull(domainName, forKey: .domainName)
        try c.encodeOrNull(domainGuid, forKey: .domainGuid)
        try c.encode(memberCount, forKey: .memberCount)
        try c.encodeOrNull(created, forKey: .created)
        try c.encode(synchronized, forKey: .synchronized)
        try c.encode(synchronizeNow, forKey: .synchronizeNow)
        try c.encode(isPlatform, forKey: .isPlatform)
    }
}
