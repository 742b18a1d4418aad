/// A folder as search returns it (`FolderSummary`).
public struct FolderSummary: Codable, Sendable, Hashable {
    public var id: Int
    public var folderName: String
    public var folderPath: String
    public var parentFolderId: Int
    public var folderTypeId: Int
    public var secretPolicyId: Int
    public var inheritSecretPolicy: Bool
    public var inheritPermissions: Bool

    public init(_ folder: FolderModel) {
        self.id = folder.id
        self.folderName = folder.folderName
        self.folderPath = folder.folderPath
        self.parentFolderId = folder.parentFolderId
        self.folderTypeId = folder.folderTypeId
        self.secretPolicyId = folder.secretPolicyId
        self.inheritSecretPolicy = folder.inheritSecretPolicy
        self.inheritPermissions = folder.inheritPermissions
    }

    enum CodingKeys: String, CodingKey {
        case id, folderName, folderPath, parentFolderId, folderTypeId, secretPolicyId, inheritSecretPolicy
        case inheritPermissions
    }

    public init(from decoder: any Decoder) throws {
        let folder = try FolderModel(from: decoder)
        self.init(folder)
    }
}
