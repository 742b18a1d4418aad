/// A secret policy as search returns it (`SecretPolicyModel`).
public struct SecretPolicyModel: Codable, Sendable, Hashable {
    public var secretPolicyId: Int
    public var secretPolicyName: String
    public var secretPolicyDescription: String?
    public var active: Bool

    public init(
        secretPolicyId: Int = 0,
        secretPolicyName: String = "",
        secretPolicyDescription: String? = nil,
        active: Bool = true
    ) {
        self.secretPolicyId = secretPolicyId
        self.secretPolicyName = secretPolicyName
        self.secretPolicyDescription = secretPolicyDescription
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case secretPolicyId, secretPolicyName, secretPolicyDescription, active
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        secretPolicyId = try c.value(.secretPolicyId, or: 0)
        secretPolicyName = try c.value(.secretPolicyName, or: "")
        secretPolicyDescription = try c.decodeIfPresent(String.self, forKey: .secretPolicyDescription)
        active = try c.value(.active, or: true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(secretPolicyId, forKey: .secretPolicyId)
        try c.encode(secretPolicyName, forKey: .secretPolicyName)
        try c.encodeOrNull(secretPolicyDescription, forKey: .secretPolicyDescription)
        try c.encode(active, forKey: .active)
    }
}
