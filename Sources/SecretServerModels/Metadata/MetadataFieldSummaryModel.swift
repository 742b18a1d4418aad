/// A metadata field definition (`MetadataFieldSummaryModel`).
public struct MetadataFieldSummaryModel: Codable, Sendable, Hashable {
    public var metadataFieldId: Int
    public var metadataFieldName: String
    public var metadataFieldSectionId: Int
    public var metadataFieldSectionName: String?
    public var fieldDataType: String
    public var containsPersonalInformation: Bool
    public var defaultSortOrder: Int?

    public init(
        metadataFieldId: Int = 0,
        metadataFieldName: String = "",
        metadataFieldSectionId: Int = 0,
        metadataFieldSectionName: String? = nil,
        fieldDataType: String = "String",
        containsPersonalInformation: Bool = false,
        defaultSortOrder: Int? = nil
    ) {
        self.metadataFieldId = metadataFieldId
        self.metadataFieldName = metadataFieldName
        self.metadataFieldSectionId = metadataFieldSectionId
        self.metadataFieldSectionName = metadataFieldSectionName
        self.fieldDataType = fieldDataType
        self.containsPersonalInformation = containsPersonalInformation
        self.defaultSortOrder = defaultSortOrder
    }

    enum CodingKeys: String, CodingKey {
        case metadataFieldId, metadataFieldName, metadataFieldSectionId, metadataFieldSectionName
        case fieldDataType, containsPersonalInformation, defaultSortOrder
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadataFieldId = try c.value(.metadataFieldId, or: 0)
        metadataFieldName = try c.value(.metadataFieldName, or: "")
        metadataFieldSectionId = try c.value(.metadataFieldSectionId, or: 0)
        metadataFieldSectionName = try c.decodeIfPresent(String.self, forKey: .metadataFieldSectionName)
        fieldDataType = try c.value(.fieldDataType, or: "String")
        containsPersonalInformation = try c.value(.containsPersonalInformation, or: false)
        defaultSortOrder = try c.decodeIfPresent(Int.self, forKey: .defaultSortOrder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadataFieldId, forKey: .metadataFieldId)
        try c.encode(metadataFieldName, forKey: .metadataFieldName)
        try c.encode(metadataFieldSectionId, forKey: .metadataFieldSectionId)
        try c.encodeOrNull(metadataFieldSectionName, forKey: .metadataFieldSectionName)
        try c.encode(fieldDataType, forKey: .fieldDataType)
        try c.encode(containsPersonalInformation, forKey: .containsPersonalInformation)
        try c.encodeOrNull(defaultSortOrder, forKey: .defaultSortOrder)
    }
}
