/// A folder (`FolderModel`; search returns the same fields without `childFolders`/`secretTemplates`,
/// as `FolderSummary`).
public struct FolderModel: Codable, Sendable, Hashable {
    public var id: Int
    public var folderName: String
    /// `\Parent\Child`.
    public var folderPath: String
    /// `-1` for a root folder.
    public var parentFolderId: Int
    /// `1` is a normal folder.
    public var folderTypeId: Int
    public var secretPolicyId: Int
    public var inheritSecretPolicy: Bool
    public var inheritPermissions: Bool
    /// Filled when asked with `getAllChildren=true`.
    public var childFolders: [FolderModel]?
    /// Filled when asked with `includeAssociatedTemplates=true`.
    public var secretTemplates: [SecretTemplateSummary]?

    public init(
        id: Int = 0,
        folderName: String,
        folderPath: String = "",
        parentFolderId: Int = -1,
        folderTypeId: Int = 1,
        secretPolicyId: Int = -1,
        inheritSecretPolicy: Bool = true,
        inheritPermissions: Bool = true,
        childFolders: [FolderModel]? = nil,
        secretTemplates: [SecretTemplateSummary]? = nil
    ) {
        self.id = id
        self.folderName = folderName
        self.folderPath = folderPath
        self.parentFolderId = parentFolderId
        self.folderTypeId = folderTypeId
        self.secretPolicyId = secretPolicyId
        self.inheritSecretPolicy = inheritSecretPolicy
        self.inheritPermissions = inheritPermissions
        self.childFolders = childFolders
        self.secretTemplates = secretTemplates
    }

    enum CodingKeys: String, CodingKey {
        case id, folderName, folderPath, parentFolderId, folderTypeId, secretPolicyId, inheritSecretPolicy
        case inheritPermissions, childFolders, secretTemplates
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.value(.id, or: 0)
        folderName = try c.value(.folderName, or: "")
        folderPath = try c.value(.folderPath, or: "")
        parentFolderId = try c.value(.parentFolderId, or: -1)
        folderTypeId = try c.value(.folderTypeId, or: 1)
        secretPolicyId = try c.value(.secretPolicyId, or: -1)
        inheritSecretPolicy = try c.value(.inheritSecretPolicy, or: true)
        inheritPermissions = try c.value(.inheritPermissions, or: true)
        childFolders = try c.decodeIfPresent([FolderModel].self, forKey: .childFolders)
        secretTemplates = try c.decodeIfPresent([SecretTemplateSummary].self, forKey: .secretTemplates)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(folderName, forKey: .folderName)
        try c.encode(folderPath, forKey: .folderPath)
        try c.encode(parentFolderId, forKey: .parentFolderId)
        try c.encode(folderTypeId, forKey: .folderTypeId)
        try c.encode(secretPolicyId, forKey: .secretPolicyId)
        try c.encode(inheritSecretPolicy, forKey: .inheritSecretPolicy)
        try c.encode(inheritPermissions, forKey: .inheritPermissions)
        try c.encodeOrNull(childFolders, forKey: .childFolders)
        try c.encodeOrNull(secretTemplates, forKey: .secretTemplates)
    }
}

/// What `POST /api/v1/folders` takes (`FolderCreateArgs`).
public struct FolderCreateArgs: Codable, Sendable, Hashable {
    public var folderName: String
    public var folderTypeId: Int
    /// `-1` for a root folder.
    public var parentFolderId: Int
    public var inheritPermissions: Bool
    public var inheritSecretPolicy: Bool
    public var secretPolicyId: Int

    public init(
        folderName: String,
        parentFolderId: Int = -1,
        folderTypeId: Int = 1,
        inheritPermissions: Bool = true,
        inheritSecretPolicy: Bool = true,
        secretPolicyId: Int = -1
    ) {
        self.folderName = folderName
        self.folderTypeId = folderTypeId
        self.parentFolderId = parentFolderId
        self.inheritPermissions = inheritPermissions
        self.inheritSecretPolicy = inheritSecretPolicy
        self.secretPolicyId = secretPolicyId
    }
}

/// What `PUT /api/v1/folders/{id}` takes (`FolderUpdateArgs`).
public struct FolderUpdateArgs: Codable, Sendable, Hashable {
    public var id: Int
    public var folderName: String
    public var folderTypeId: Int
    public var parentFolderId: Int
    public var inheritPermissions: Bool
    public var inheritSecretPolicy: Bool
    public var secretPolicyId: Int

    /// The arguments that keep everything of `folder` as it is; change what you need.
    public init(_ folder: FolderModel) {
        self.id = folder.id
        self.folderName = folder.folderName
        self.folderTypeId = folder.folderTypeId
        self.parentFolderId = folder.parentFolderId
        self.inheritPermissions = folder.inheritPermissions
        self.inheritSecretPolicy = folder.inheritSecretPolicy
        self.secretPolicyId = folder.secretPolicyId
    }
}
