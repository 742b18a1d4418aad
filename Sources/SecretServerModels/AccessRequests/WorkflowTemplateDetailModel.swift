/// A workflow template (`WorkflowTemplateDetailModel`). The emulator reads the approvers from `configurationJson`:
/// `{"approverUserIds": [...], "approverGroupIds": [...]}`.
public struct WorkflowTemplateDetailModel: Codable, Sendable, Hashable {
    public var workflowTemplateId: Int
    public var name: String
    public var description: String?
    public var active: Bool
    public var expirationMinutes: Int
    public var configurationJson: String?
    public var workflowType: String
    public var typeName: String?
    public var reusable: Bool

    public init(
        workflowTemplateId: Int = 0,
        name: String = "",
        description: String? = nil,
        active: Bool = true,
        expirationMinutes: Int = 60,
        configurationJson: String? = nil,
        workflowType: String = "AccessRequest",
        typeName: String? = nil,
        reusable: Bool = true
    ) {
        self.workflowTemplateId = workflowTemplateId
        self.name = name
        self.description = description
        self.active = active
        self.expirationMinutes = expirationMinutes
        self.configurationJson = configurationJson
        self.workflowType = workflowType
        self.typeName = typeName
        self.reusable = reusable
    }

    enum CodingKeys: String, CodingKey {
        case workflowTemplateId, name, description, active, expirationMinutes, configurationJson
        case workflowType, typeName, reusable
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workflowTemplateId = try c.value(.workflowTemplateId, or: 0)
        name = try c.value(.name, or: "")
        description = try c.decodeIfPresent(String.self, forKey: .description)
        active = try c.value(.active, or: true)
        expirationMinutes = try c.value(.expirationMinutes, or: 60)
        configurationJson = try c.decodeIfPresent(String.self, forKey: .configurationJson)
        workflowType = try c.value(.workflowType, or: "AccessRequest")
        typeName = try c.decodeIfPresent(String.self, forKey: .typeName)
        reusable = try c.value(.reusable, or: true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workflowTemplateId, forKey: .workflowTemplateId)
        try c.encode(name, forKey: .name)
        try c.encodeOrNull(description, forKey: .description)
        try c.encode(active, forKey: .active)
        try c.encode(expirationMinutes, forKey: .expirationMinutes)
        try c.encodeOrNull(configurationJson, forKey: .configurationJson)
        try c.encode(workflowType, forKey: .workflowType)
        try c.encodeOrNull(typeName, forKey: .typeName)
        try c.encode(reusable, forKey: .reusable)
    }
}
