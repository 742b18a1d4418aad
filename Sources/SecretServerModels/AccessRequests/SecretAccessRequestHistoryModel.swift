/// One step in the life of an access request (`SecretAccessRequestHistoryModel`).
public struct SecretAccessRequestHistoryModel: Codable, Sendable, Hashable {
    public var action: String
    public var details: String?
    public var fullName: String?
    public var dateRecorded: String?

    public init(
        action: String = "",
        details: String? = nil,
        fullName: String? = nil,
        dateRecorded: String? = nil
    ) {
        self.action = action
        self.details = details
        self.fullName = fullName
        self.dateRecorded = dateRecorded
    }

    enum CodingKeys: String, CodingKey {
        case action, details, fullName, dateRecorded
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        action = try c.value(.action, or: "")
        details = try c.decodeIfPresent(String.self, forKey: .details)
        fullName = try c.decodeIfPresent(String.self, forKey: .fullName)
        dateRecorded = try c.decodeIfPresent(String.self, forKey: .dateRecorded)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(action, forKey: .action)
        try c.encodeOrNull(details, forKey: .details)
        try c.encodeOrNull(fullName, forKey: .fullName)
        try c.encodeOrNull(dateRecorded, forKey: .dateRecorded)
    }
}
