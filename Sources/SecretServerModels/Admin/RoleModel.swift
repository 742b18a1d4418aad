/// A role (`RoleModel`).
public struct RoleModel: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var enabled: Bool
    public var isSystem: Bool
    public var created: String?

    public init(
        id: Int = 0,
        name: String = "",
        enabled: Bool = true,
        isSystem: Bool = false,
        created: String? = nil
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.isSystem = isSystem
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, isSystem, created
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        enabled = try c.value(.enabled, or: true)
        isSystem = try c.value(.isSystem, or: false)
        created = try c.decodeIfPresent(String.self, forKey: .created)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(isSystem, forKey: .isSystem)
        try c.encodeOrNull(created, forKey: .created)
    }
}
