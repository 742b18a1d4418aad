/// An SDK client onboarding rule (`SdkClientRuleModel`).
public struct SdkClientRuleModel: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var details: String?
    public var requireOnboardingKey: Bool
    /// The application user that accounts onboarded by this rule act as.
    public var userId: Int
    public var userDisplayName: String?

    public init(
        id: Int = 0,
        name: String = "",
        details: String? = nil,
        requireOnboardingKey: Bool = true,
        userId: Int = 0,
        userDisplayName: String? = nil
    ) {
        self.id = id
        self.name = name
        self.details = details
        self.requireOnboardingKey = requireOnboardingKey
        self.userId = userId
        self.userDisplayName = userDisplayName
    }

    enum CodingKeys: String, CodingKey {
        case id, name, details, requireOnboardingKey, userId, userDisplayName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        details = try c.decodeIfPresent(String.self, forKey: .details)
        requireOnboardingKey = try c.value(.requireOnboardingKey, or: true)
        userId = try c.value(.userId, or: 0)
        userDisplayName = try c.decodeIfPresent(String.self, forKey: .userDisplayName)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encodeOrNull(details, forKey: .details)
        try c.encode(requireOnboardingKey, forKey: .requireOnboardingKey)
        try c.encode(userId, forKey: .userId)
        try c.encodeOrNull(userDisplayName, forKey: .userDisplayName)
    }
}
