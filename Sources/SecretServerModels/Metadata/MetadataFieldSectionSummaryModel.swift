/// A metadata field section (`MetadataFieldSectionSummaryModel`).
public struct MetadataFieldSectionSummaryModel: Codable, Sendable, Hashable {
    public var metadataFieldSectionId: Int
    public var metadataFieldSectionName: String
    public var metadataFieldSectionDescription: String?
    public var requiresAdministerMetadata: Bool
    public var requiresEntityEdit: Bool
    public var actions: [String]

    public init(
        metadataFieldSectionId: Int = 0,
        metadataFieldSectionName: String = "",
        metadataFieldSectionDescription: String? = nil,
        requiresAdministerMetadata: Bool = false,
        requiresEntityEdit: Bool = false,
        actions: [String] = []
    ) {
        self.metadataFieldSectionId = metadataFieldSectionId
        self.metadataFieldSectionName = metadataFieldSectionName
        self.metadataFieldSectionDescription = metadataFieldSectionDescription
        self.requiresAdministerMetadata = requiresAdministerMetadata
        self.requiresEntityEdit = requiresEntityEdit
        self.actions = actions
    }

    enum CodingKeys: String, CodingKey {
        case metadataFieldSectionId, metadataFieldSectionName, metadataFieldSectionDescription
        case requiresAdministerMetadata, requiresEntityEdit, actions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadataFieldSectionId = try c.value(.metadataFieldSectionId, or: 0)
        metadataFieldSectionName = try c.value(.metadataFieldSectionName, or: "")
        metadataFieldSectionDescription = try c.decodeIfPresent(String.self, forKey: .metadataFieldSectionDescription)
        requiresAdministerMetadata = try c.value(.requiresAdministerMetadata, or: false)
        requiresEntityEdit = try c.value(.requiresEntityEdit, or: false)
        actions = try c.value(.actions, or: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadataFieldSectionId, forKey: .metadataFieldSectionId)
        try c.encode(metadataFieldSectionName, forKey: .metadataFieldSectionName)
        try c.encodeOrNull(metadataFieldSectionDescription, forKey: .metadataFieldSectionDescription)
        try c.encode(requiresAdministerMetadata, forKey: .requiresAdministerMetadata)
        try c.encode(requiresEntityEdit, forKey: .requiresEntityEdit)
        try c.encode(actions, forKey: .actions)
    }
}
