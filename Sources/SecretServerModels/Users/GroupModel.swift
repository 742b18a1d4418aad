/// A group (`GroupModel`).
public struct GroupModel: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var enabled: Bool
    public var domainId: Int
    public var domainName: String?
    public var adGuid: String?
    public var created: String?
    public var synchronized: Bool
    public var synchronizeNow: Bool
    public var isPlatform: Bool
    public var systemGroup: Bool
    public var isEditable: Bool
    public var canEditMembers: Bool
    public var hasGroupOwners: Bool

    public init(
        id: Int = 0,
        name: String = "",
        enabled: Bool = true,
        domainId: Int = -1,
        domainName: String? = nil,
        adGuid: String? = nil,
        created: String? = nil,
        synchronized: Bool = false,
        synchronizeNow: Bool = false,
        isPlatform: Bool = false,
        systemGroup: Bool = false,
        isEditable: Bool = true,
        canEditMembers: Bool = true,
        hasGroupOwners: Bool = false
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.domainId = domainId
        self.domainName = domainName
        self.adGuid = adGuid
        self.created = created
        self.synchronized = synchronized
        self.synchronizeNow = synchronizeNow
        self.isPlatform = isPlatform
        self.systemGroup = systemGroup
        self.isEditable = isEditable
        self.canEditMembers = canEditMembers
        self.hasGroupOwners = hasGroupOwners
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, domainId, domainName, adGuid, created, synchronized, synchronizeNow
        case isPlatform, systemGroup, isEditable, canEditMembers, hasGroupOwners
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        enabled = try c.value(.enabled, or: true)
        domainId = try c.value(.domainId, or: -1)
        domainName = try c.decodeIfPresent(String.self, forKey: .domainName)
        adGuid = try c.decodeIfPresent(String.self, forKey: .adGuid)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        synchronized = try c.value(.synchronized, or: false)
        synchronizeNow = try c.value(.synchronizeNow, or: false)
        isPlatform = try c.value(.isPlatform, or: false)
        systemGroup = try c.value(.systemGroup, or: false)
        isEditable = try c.value(.isEditable, or: true)
        canEditMembers = try c.value(.canEditMembers, or: true)
        hasGroupOwners = try c.value(.hasGroupOwners, or: false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(domainId, forKey: .domainId)
        try c.encodeOrNull(domainName, forKey: .domainName)
        try c.encodeOrNull(adGuid, forKey: .adGuid)
        try c.encodeOrNull(created, forKey: .created)
        try c.encode(synchronized, forKey: .synchronized)
        try c.encode(synchronizeNow, forKey: .synchronizeNow)
        try c.encode(isPlatform, forKey: .isPlatform)
        try c.encode(systemGroup, forKey: .systemGroup)
        try c.encode(isEditable, forKey: .isEditable)
        try c.encode(canEditMembers, forKey: .canEditMembers)
        try c.encode(hasGroupOwners, forKey: .hasGroupOwners)
    }
}
