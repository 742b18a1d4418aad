/// One field of a secret (`RestSecretItem`): its template field, and its value.
///
/// `description`, `debugDescription` and the mirror never show `itemValue`.
public struct RestSecretItem: Codable, Sendable, Hashable {
    public var itemId: Int
    /// The attachment id of a file field, `nil` otherwise.
    public var fileAttachmentId: Int?
    /// The file name of a file field, `nil` otherwise.
    public var filename: String?
    /// The value. For a file field the server sends a placeholder; read the bytes from `/fields/{slug}`.
    public var itemValue: String
    /// The template field id (`secretTemplateFieldId`).
    public var fieldId: Int
    public var fieldName: String
    public var slug: String
    public var fieldDescription: String
    public var isFile: Bool
    public var isNotes: Bool
    public var isPassword: Bool
    public var isList: Bool
    /// `None`, `Generic` or `URL`.
    public var listType: String

    /// The placeholder the real server sends in `itemValue` for a file field.
    public static let filePlaceholder = "*** Not Valid For Display ***"

    public init(
        itemId: Int = 0,
        fileAttachmentId: Int? = nil,
        filename: String? = nil,
        itemValue: String = "",
        fieldId: Int,
        fieldName: String = "",
        slug: String = "",
        fieldDescription: String = "",
        isFile: Bool = false,
        isNotes: Bool = false,
        isPassword: Bool = false,
        isList: Bool = false,
        listType: String = "None"
    ) {
        self.itemId = itemId
        self.fileAttachmentId = fileAttachmentId
        self.filename = filename
        self.itemValue = itemValue
        self.fieldId = fieldId
        self.fieldName = fieldName
        self.slug = slug
        self.fieldDescription = fieldDescription
        self.isFile = isFile
        self.isNotes = isNotes
        self.isPassword = isPassword
        self.isList = isList
        self.listType = listType
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case itemId, fileAttachmentId, filename, itemValue, fieldId, fieldName, slug, fieldDescription
        case isFile, isNotes, isPassword, isList, listType
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        itemId = try c.value(.itemId, or: 0)
        fileAttachmentId = try c.decodeIfPresent(Int.self, forKey: .fileAttachmentId)
        filename = try c.decodeIfPresent(String.self, forKey: .filename)
        itemValue = try c.value(.itemValue, or: "")
        fieldId = try c.value(.fieldId, or: 0)
        fieldName = try c.value(.fieldName, or: "")
        slug = try c.value(.slug, or: "")
        fieldDescription = try c.value(.fieldDescription, or: "")
        isFile = try c.value(.isFile, or: false)
        isNotes = try c.value(.isNotes, or: false)
        isPassword = try c.value(.isPassword, or: false)
        isList = try c.value(.isList, or: false)
        listType = try c.value(.listType, or: "None")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(itemId, forKey: .itemId)
        try c.encodeOrNull(fileAttachmentId, forKey: .fileAttachmentId)
        try c.encodeOrNull(filename, forKey: .filename)
        try c.encode(itemValue, forKey: .itemValue)
        try c.encode(fieldId, forKey: .fieldId)
        try c.encode(fieldName, forKey: .fieldName)
        try c.encode(slug, forKey: .slug)
        try c.encode(fieldDescription, forKey: .fieldDescription)
        try c.encode(isFile, forKey: .isFile)
        try c.encode(isNotes, forKey: .isNotes)
        try c.encode(isPassword, forKey: .isPassword)
        try c.encode(isList, forKey: .isList)
        try c.encode(listType, forKey: .listType)
    }
}

extension RestSecretItem: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "RestSecretItem(fieldId: \(fieldId), slug: \(slug), fieldName: \(fieldName), itemValue: <redacted>)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["fieldId": fieldId, "slug": slug, "fieldName": fieldName, "itemValue": "<redacted>"])
    }
}

extension String {
    @usableFromInline
    func equalsIgnoringCase(_ other: String) -> Bool {
        count == other.count && lowercased() == other.lowercased()
    }
}
