/// A template as search returns it (`SecretTemplateSummary`).
public struct SecretTemplateSummary: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var active: Bool
    public var passwordTypeId: Int?
    public var passwordTypeReady: Bool
    public var heartbeatEnabled: Bool
    public var secretCount: Int?

    public init(id: Int, name: String, active: Bool = true, secretCount: Int? = nil) {
        self.id = id
        self.name = name
        self.active = active
        self.passwordTypeId = nil
        self.passwordTypeReady = false
        self.heartbeatEnabled = false
        self.secretCount = secretCount
    }

    enum CodingKeys: String, CodingKey {
        case id, name, active, passwordTypeId, passwordTypeReady, heartbeatEnabled, secretCount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        active = try c.value(.active, or: true)
        passwordTypeId = try c.decodeIfPresent(Int.self, forKey: .passwordTypeId)
        passwordTypeReady = try c.value(.passwordTypeReady, or: false)
        heartbeatEnabled = try c.value(.heartbeatEnabled, or: false)
        secretCount = try c.decodeIfPresent(Int.self, forKey: .secretCount)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(active, forKey: .active)
        try c.encodeOrNull(passwordTypeId, forKey: .passwordTypeId)
        try c.encode(passwordTypeReady, forKey: .passwordTypeReady)
        try c.encode(heartbeatEnabled, forKey: .heartbeatEnabled)
        try c.encodeOrNull(secretCount, forKey: .secretCount)
    }
}

/// A template with its fields (`SecretTemplateModel`), as `GET /api/v1/secret-templates/{id}` returns it.
public struct SecretTemplateModel: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var passwordTypeId: Int?
    public var concurrencyId: String?
    public var fields: [SecretTemplateField]

    public init(id: Int, name: String, fields: [SecretTemplateField]) {
        self.id = id
        self.name = name
        self.passwordTypeId = nil
        self.concurrencyId = nil
        self.fields = fields
    }

    /// The field whose slug, name or display name is `key` (case-insensitive).
    public func field(_ key: String) -> SecretTemplateField? {
        fields.first { $0.fieldSlugName.equalsIgnoringCase(key) }
            ?? fields.first { $0.name.equalsIgnoringCase(key) || $0.displayName.equalsIgnoringCase(key) }
    }

    enum CodingKeys: String, CodingKey { case id, name, passwordTypeId, concurrencyId, fields }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        name = try c.value(.name, or: "")
        passwordTypeId = try c.decodeIfPresent(Int.self, forKey: .passwordTypeId)
        concurrencyId = try c.decodeIfPresent(String.self, forKey: .concurrencyId)
        fields = try c.value(.fields, or: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encodeOrNull(passwordTypeId, forKey: .passwordTypeId)
        try c.encodeOrNull(concurrencyId, forKey: .concurrencyId)
        try c.encode(fields, forKey: .fields)
    }
}

/// One field of a template (`SecretTemplateField`).
public struct SecretTemplateField: Codable, Sendable, Hashable {
    public var secretTemplateFieldId: Int
    public var name: String
    public var displayName: String
    public var description: String
    public var fieldSlugName: String
    public var isRequired: Bool
    public var isPassword: Bool
    public var isUrl: Bool
    public var isNotes: Bool
    public var isFile: Bool
    public var isList: Bool
    /// `None`, `Generic` or `URL`.
    public var listType: String
    public var isExpirationField: Bool
    public var isIndexable: Bool
    public var hideOnView: Bool
    public var historyLength: Int
    public var sortOrder: Int
    public var editablePermission: Int
    /// `Edit`, `Owner` or `NotEditable`.
    public var editRequires: String
    public var mustEncrypt: Bool
    /// The password requirement that generated values of this field satisfy.
    public var passwordRequirementId: Int
    public var passwordTypeFieldId: Int
    public var generatePasswordCharacterSet: String?
    public var generatePasswordLength: Int

    public init(
        secretTemplateFieldId: Int,
        name: String,
        fieldSlugName: String,
        description: String = "",
        isRequired: Bool = false,
        isPassword: Bool = false,
        isUrl: Bool = false,
        isNotes: Bool = false,
        isFile: Bool = false,
        sortOrder: Int = 0,
        passwordRequirementId: Int = -1,
        generatePasswordLength: Int = 0,
        generatePasswordCharacterSet: String? = nil
    ) {
        self.secretTemplateFieldId = secretTemplateFieldId
        self.name = name
        self.displayName = name
        self.description = description
        self.fieldSlugName = fieldSlugName
        self.isRequired = isRequired
        self.isPassword = isPassword
        self.isUrl = isUrl
        self.isNotes = isNotes
        self.isFile = isFile
        self.isList = false
        self.listType = "None"
        self.isExpirationField = isPassword
        self.isIndexable = !isPassword && !isFile && !isNotes
        self.hideOnView = isPassword
        self.historyLength = 2_147_483_647
        self.sortOrder = sortOrder
        self.editablePermission = 2
        self.editRequires = "Edit"
        self.mustEncrypt = true
        self.passwordRequirementId = passwordRequirementId
        self.passwordTypeFieldId = 0
        self.generatePasswordCharacterSet = generatePasswordCharacterSet
        self.generatePasswordLength = generatePasswordLength
    }

    enum CodingKeys: String, CodingKey {
        case secretTemplateFieldId, name, displayName, description, fieldSlugName, isRequired, isPassword, isUrl
        case isNotes, isFile, isList, listType, isExpirationField, isIndexable, hideOnView, historyLength
        case sortOrder, editablePermission, editRequires, mustEncrypt, passwordRequirementId, passwordTypeFieldId
        case generatePasswordCharacterSet, generatePasswordLength
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        secretTemplateFieldId = try c.value(.secretTemplateFieldId, or: 0)
        name = try c.value(.name, or: "")
        displayName = try c.value(.displayName, or: name)
        description = try c.value(.description, or: "")
        fieldSlugName = try c.value(.fieldSlugName, or: "")
        isRequired = try c.value(.isRequired, or: false)
        isPassword = try c.value(.isPassword, or: false)
        isUrl = try c.value(.isUrl, or: false)
        isNotes = try c.value(.isNotes, or: false)
        isFile = try c.value(.isFile, or: false)
        isList = try c.value(.isList, or: false)
        listType = try c.value(.listType, or: "None")
        isExpirationField = try c.value(.isExpirationField, or: false)
        isIndexable = try c.value(.isIndexable, or: false)
        hideOnView = try c.value(.hideOnView, or: false)
        historyLength = try c.value(.historyLength, or: 0)
        sortOrder = try c.value(.sortOrder, or: 0)
        editablePermission = try c.value(.editablePermission, or: 0)
        editRequires = try c.value(.editRequires, or: "Edit")
        mustEncrypt = try c.value(.mustEncrypt, or: false)
        passwordRequirementId = try c.value(.passwordRequirementId, or: -1)
        passwordTypeFieldId = try c.value(.passwordTypeFieldId, or: 0)
        generatePasswordCharacterSet = try c.decodeIfPresent(String.self, forKey: .generatePasswordCharacterSet)
        generatePasswordLength = try c.value(.generatePasswordLength, or: 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(secretTemplateFieldId, forKey: .secretTemplateFieldId)
        try c.encode(name, forKey: .name)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(description, forKey: .description)
        try c.encode(fieldSlugName, forKey: .fieldSlugName)
        try c.encode(isRequired, forKey: .isRequired)
        try c.encode(isPassword, forKey: .isPassword)
        try c.encode(isUrl, forKey: .isUrl)
        try c.encode(isNotes, forKey: .isNotes)
        try c.encode(isFile, forKey: .isFile)
        try c.encode(isList, forKey: .isList)
        try c.encode(listType, forKey: .listType)
        try c.encode(isExpirationField, forKey: .isExpirationField)
        try c.encode(isIndexable, forKey: .isIndexable)
        try c.encode(hideOnView, forKey: .hideOnView)
        try c.encode(historyLength, forKey: .historyLength)
        try c.encode(sortOrder, forKey: .sortOrder)
        try c.encode(editablePermission, forKey: .editablePermission)
        try c.encode(editRequires, forKey: .editRequires)
        try c.encode(mustEncrypt, forKey: .mustEncrypt)
        try c.encode(passwordRequirementId, forKey: .passwordRequirementId)
        try c.encode(passwordTypeFieldId, forKey: .passwordTypeFieldId)
        try c.encodeOrNull(generatePasswordCharacterSet, forKey: .generatePasswordCharacterSet)
        try c.encode(generatePasswordLength, forKey: .generatePasswordLength)
    }
}
