/// An SDK client account (`SdkClientAccountModel`). `description` never shows the client secret.
public struct SdkClientAccountModel: Codable, Sendable, Hashable {
    public var id: Int
    /// A UUID; sign in as `sdk-client-<clientId>`.
    public var clientId: String
    /// Only in the answer to onboarding; never shown again.
    public var clientSecret: String?
    public var name: String
    public var details: String?
    public var userId: Int
    public var userDisplayName: String?
    public var ipAddress: String?

    public init(
        id: Int = 0,
        clientId: String = "",
        clientSecret: String? = nil,
        name: String = "",
        details: String? = nil,
        userId: Int = 0,
        userDisplayName: String? = nil,
        ipAddress: String? = nil
    ) {
        self.id = id
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.name = name
        self.details = details
        self.userId = userId
        self.userDisplayName = userDisplayName
        self.ipAddress = ipAddress
    }

    enum CodingKeys: String, CodingKey {
        case id, clientId, clientSecret, name, details, userId, userDisplayName, ipAddress
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        clientId = try c.value(.clientId, or: "")
        clientSecret = try c.decodeIfPresent(String.self, forKey: .clientSecret)
        name = try c.value(.name, or: "")
        details = try c.decodeIfPresent(String.self, forKey: .details)
        userId = try c.value(.userId, or: 0)
        userDisplayName = try c.decodeIfPresent(String.self, forKey: .userDisplayName)
        ipAddress = try c.decodeIfPresent(String.self, forKey: .ipAddress)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(clientId, forKey: .clientId)
        try c.encodeOrNull(clientSecret, forKey: .clientSecret)
        try c.encode(name, forKey: .name)
        try c.encodeOrNull(details, forKey: .details)
        try c.encode(userId, forKey: .userId)
        try c.encodeOrNull(userDisplayName, forKey: .userDisplayName)
        try c.encodeOrNull(ipAddress, forKey: .ipAddress)
    }

}

extension SdkClientAccountModel: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "SdkClientAccountModel(id: \(id), clientId: \(clientId), name: \(name), clientSecret: \(clientSecret == nil ? "nil" : "<redacted>"))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["id": id, "clientId": clientId, "name": name, "clientSecret": "<redacted>"]) }
}
