/// A role held by a user or group (`RoleSummary`).
public struct RoleSummary: Codable, Sendable, Hashable {
    public var roleId: Int
    public var name: String

    public init(
        roleId: Int = 0,
        name: String = ""
    ) {
        self.roleId = roleId
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case roleId, name
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        roleId = try c.value(.roleId, or: 0)
        name = try c.value(.name, or: "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(roleId, forKey: .roleId)
        try c.encode(name, forKey: .name)
    }
}
