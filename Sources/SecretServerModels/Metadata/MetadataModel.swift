/// One metadata value on a secret, folder, user or group (`MetadataModel` / `MetadataSummaryModel`).
public struct MetadataModel: Codable, Sendable, Hashable {
    public var metadataItemDataId: Int
    public var itemId: Int
    /// `Secret`, `Folder`, `User` or `Group`.
    public var metadataType: String?
    public var metadataTypeName: String?
    public var metadataFieldId: Int
    public var metadataFieldName: String?
    public var metadataFieldSectionId: Int
    public var metadataFieldSectionName: String?
    /// `String`, `Boolean`, `Number`, `DateTime` or `User`.
    public var metadataFieldDataType: String?
    public var metadataFieldTypeId: Int?
    public var metadataFieldTypeName: String?
    public var valueString: String?
    public var valueBit: Bool?
    public var valueNumber: Double?
    public var valueInt: Int?
    public var valueDateTime: String?
    public var valueUserDisplayName: String?
    public var sortOrder: Int?
    public var containsPersonalInformation: Bool
    public var createDateTime: String?
    public var createUserId: Int
    public var createUserName: String?

    public init(
        metadataItemDataId: Int = 0,
        itemId: Int = 0,
        metadataType: String? = nil,
        metadataTypeName: String? = nil,
        metadataFieldId: Int = 0,
        metadataFieldName: String? = nil,
        metadataFieldSectionId: Int = 0,
        metadataFieldSectionName: String? = nil,
        metadataFieldDataType: String? = nil,
        metadataFieldTypeId: Int? = nil,
        metadataFieldTypeName: String? = nil,
        valueString: String? = nil,
        valueBit: Bool? = nil,
        valueNumber: Double? = nil,
        valueInt: Int? = nil,
        valueDateTime: String? = nil,
        valueUserDisplayName: String? = nil,
        sortOrder: Int? = nil,
        containsPersonalInformation: Bool = false,
        createDateTime: String? = nil,
        createUserId: Int = 0,
        createUserName: String? = nil
    ) {
        self.metadataItemDataId = metadataItemDataId
        self.itemId = itemId
        self.metadataType = metadataType
        self.metadataTypeName = metadataTypeName
        self.metadataFieldId = metadataFieldId
        self.metadataFieldName = metadataFieldName
        self.metadataFieldSectionId = metadataFieldSectionId
        self.metadataFieldSectionName = metadataFieldSectionName
        self.metadataFieldDataType = metadataFieldDataType
        self.metadataFieldTypeId = metadataFieldTypeId
        self.metadataFieldTypeName = metadataFieldTypeName
        self.valueString = valueString
        self.valueBit = valueBit
        self.valueNumber = valueNumber
        self.valueInt = valueInt
        self.valueDateTime = valueDateTime
        self.valueUserDisplayName = valueUserDisplayName
        self.sortOrder = sortOrder
        self.containsPersonalInformation = containsPersonalInformation
        self.createDateTime = createDateTime
        self.createUserId = createUserId
        self.createUserName = createUserName
    }

    enum CodingKeys: String, CodingKey {
        case metadataItemDataId, itemId, metadataType, metadataTypeName, metadataFieldId, metadataFieldName
        case metadataFieldSectionId, metadataFieldSectionName, metadataFieldDataType, metadataFieldTypeId
        case metadataFieldTypeName, valueString, valueBit, valueNumber, valueInt, valueDateTime
        case valueUserDisplayName, sortOrder, containsPersonalInformation, createDateTime, createUserId
        case createUserName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadataItemDataId = try c.value(.metadataItemDataId, or: 0)
        itemId = try c.value(.itemId, or: 0)
        metadataType = try c.decodeIfPresent(String.self, forKey: .metadataType)
        metadataTypeName = try c.decodeIfPresent(String.self, forKey: .metadataTypeName)
        metadataFieldId = try c.value(.metadataFieldId, or: 0)
        metadataFieldName = try c.decodeIfPresent(String.self, forKey: .metadataFieldName)
        metadataFieldSectionId = try c.value(.metadataFieldSectionId, or: 0)
        metadataFieldSectionName = try c.decodeIfPresent(String.self, forKey: .metadataFieldSectionName)
        metadataFieldDataType = try c.decodeIfPresent(String.self, forKey: .metadataFieldDataType)
        metadataFieldTypeId = try c.decodeIfPresent(Int.self, forKey: .metadataFieldTypeId)
        metadataFieldTypeName = try c.decodeIfPresent(String.self, forKey: .metadataFieldTypeName)
        valueString = try c.decodeIfPresent(String.self, forKey: .valueString)
        valueBit = try c.decodeIfPresent(Bool.self, forKey: .valueBit)
        valueNumber = try c.decodeIfPresent(Double.self, forKey: .valueNumber)
        valueInt = try c.decodeIfPresent(Int.self, forKey: .valueInt)
        valueDateTime = try c.decodeIfPresent(String.self, forKey: .valueDateTime)
        valueUserDisplayName = try c.decodeIfPresent(String.self, forKey: .valueUserDisplayName)
        sortOrder = try c.decodeIfPresent(Int.self, forKey: .sortOrder)
        containsPersonalInformation = try c.value(.containsPersonalInformation, or: false)
        createDateTime = try c.decodeIfPresent(String.self, forKey: .createDateTime)
        createUserId = try c.value(.createUserId, or: 0)
        createUserName = try c.decodeIfPresent(String.self, forKey: .createUserName)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadataItemDataId, forKey: .metadataItemDataId)
        try c.encode(itemId, forKey: .itemId)
        try c.encodeOrNull(metadataType, forKey: .metadataType)
        try c.encodeOrNull(metadataTypeName, forKey: .metadataTypeName)
        try c.encode(metadataFieldId, forKey: .metadataFieldId)
        try c.encodeOrNull(metadataFieldName, forKey: .metadataFieldName)
        try c.encode(metadataFieldSectionId, forKey: .metadataFieldSectionId)
        try c.encodeOrNull(metadataFieldSectionName, forKey: .metadataFieldSectionName)
        try c.encodeOrNull(metadataFieldDataType, forKey: .metadataFieldDataType)
        try c.encodeOrNull(metadataFieldTypeId, forKey: .metadataFieldTypeId)
        try c.encodeOrNull(metadataFieldTypeName, forKey: .metadataFieldTypeName)
        try c.encodeOrNull(valueString, forKey: .valueString)
        try c.encodeOrNull(valueBit, forKey: .valueBit)
        try c.encodeOrNull(valueNumber, forKey: .valueNumber)
        try c.encodeOrNull(valueInt, forKey: .valueInt)
        try c.encodeOrNull(valueDateTime, forKey: .valueDateTime)
        try c.encodeOrNull(valueUserDisplayName, forKey: .valueUserDisplayName)
        try c.encodeOrNull(sortOrder, forKey: .sortOrder)
        try c.encode(containsPersonalInformation, forKey: .containsPersonalInformation)
        try c.encodeOrNull(createDateTime, forKey: .createDateTime)
        try c.encode(createUserId, forKey: .createUserId)
        try c.encodeOrNull(createUserName, forKey: .createUserName)
    }
}
