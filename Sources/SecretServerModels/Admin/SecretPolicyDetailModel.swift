/// A secret policy with its settings (`SecretPolicyDetailModelV2`). The item groups are kept as JSON.
public struct SecretPolicyDetailModel: Codable, Sendable, Hashable {
    public var secretPolicyId: Int
    public var secretPolicyName: String
    public var secretPolicyDescription: String?
    public var active: Bool
    public var affectedSecretCount: Int
    public var affectedFolderCount: Int
    public var generalItems: JSONValue?
    public var securityItems: JSONValue?
    public var rpcItems: JSONValue?
    public var launcherItems: JSONValue?

    public init(
        secretPolicyId: Int = 0,
        secretPolicyName: String = "",
        secretPolicyDescription: String? = nil,
        active: Bool = true,
        affectedSecretCount: Int = 0,
        affectedFolderCount: Int = 0,
        generalItems: JSONValue? = nil,
        securityItems: JSONValue? = nil,
        rpcItems: JSONValue? = nil,
        launcherItems: JSONValue? = nil
    ) {
        self.secretPolicyId = secretPolicyId
        self.secretPolicyName = secretPolicyName
        self.secretPolicyDescription = secretPolicyDescription
        self.active = active
        self.affectedSecretCount = affectedSecretCount
        self.affectedFolderCount = affectedFolderCount
        self.generalItems = generalItems
        self.securityItems = securityItems
        self.rpcItems = rpcItems
        self.launcherItems = launcherItems
    }

    enum CodingKeys: String, CodingKey {
        case secretPolicyId, secretPolicyName, secretPolicyDescription, active, affectedSecretCount
        case affectedFolderCount, generalItems, securityItems, rpcItems, launcherItems
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        secretPolicyId = try c.value(.secretPolicyId, or: 0)
        secretPolicyName = try c.value(.secretPolicyName, or: "")
        secretPolicyDescription = try c.decodeIfPresent(String.self, forKey: .secretPolicyDescription)
        active = try c.value(.active, or: true)
        affectedSecretCount = try c.value(.affectedSecretCount, or: 0)
        affectedFolderCount = try c.value(.affectedFolderCount, or: 0)
        generalItems = try c.decodeIfPresent(JSONValue.self, forKey: .generalItems)
        securityItems = try c.decodeIfPresent(JSONValue.self, forKey: .securityItems)
        rpcItems = try c.decodeIfPresent(JSONValue.self, forKey: .rpcItems)
        launcherItems = try c.decodeIfPresent(JSONValue.self, forKey: .launcherItems)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(secretPolicyId, forKey: .secretPolicyId)
        try c.encode(secretPolicyName, forKey: .secretPolicyName)
        try c.encodeOrNull(secretPolicyDescription, forKey: .secretPolicyDescription)
        try c.encode(active, forKey: .active)
        try c.encode(affectedSecretCount, forKey: .affectedSecretCount)
        try c.encode(affectedFolderCount, forKey: .affectedFolderCount)
        try c.encodeOrNull(generalItems, forKey: .generalItems)
        try c.encodeOrNull(securityItems, forKey: .securityItems)
        try c.encodeOrNull(rpcItems, forKey: .rpcItems)
        try c.encodeOrNull(launcherItems, forKey: .launcherItems)
    }
}
