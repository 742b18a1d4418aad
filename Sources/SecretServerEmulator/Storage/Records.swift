import Foundation
import GRDB

/// A row of one of the local server's tables, with an integer id SQLite assigns on insert.
protocol EmulatorRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    var id: Int64? { get set }
}

extension EmulatorRecord {
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `user`.
struct UserRow: EmulatorRecord {
    static let databaseTableName = "user"
    var id: Int64?
    var userName: String
    var displayName: String
    /// `nil` for a local user; the AD domain name otherwise.
    var domain: String?
    var emailAddress: String?
    var passwordHash: Data
    var passwordSalt: Data
    var enabled: Bool
    var isAdmin: Bool
    var created: Date
    var lastLogin: Date?
    var loginFailures: Int
    var isApplicationAccount: Bool = false
    var isLockedOut: Bool = false
    var passwordLastChanged: Date?
}

/// One row of `folder`.
struct FolderRow: EmulatorRecord {
    static let databaseTableName = "folder"
    var id: Int64?
    var name: String
    /// `nil` for a root folder.
    var parentId: Int64?
    var folderTypeId: Int
    var inheritPermissions: Bool
    var inheritSecretPolicy: Bool
    var secretPolicyId: Int
}

/// One row of `password_requirement`: what generated passwords of a field must satisfy.
struct PasswordRequirementRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "password_requirement"
    var id: Int64
    var name: String
    var description: String
    var minLength: Int
    var maxLength: Int
    var useUppercase: Bool
    var useLowercase: Bool
    var useDigits: Bool
    var useSymbols: Bool
    var isDefault: Bool
}

/// One row of `template`.
struct TemplateRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "template"
    var id: Int64
    var name: String
    var active: Bool
}

/// One row of `template_field`.
struct TemplateFieldRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "template_field"
    var id: Int64
    var templateId: Int64
    var name: String
    var slug: String
    var description: String
    var isRequired: Bool
    var isPassword: Bool
    var isUrl: Bool
    var isNotes: Bool
    var isFile: Bool
    var sortOrder: Int
    var passwordRequirementId: Int64?
    var generatePasswordLength: Int
}

/// The settings of a secret that are not its name, place or values, stored as one JSON column.
struct SecretSettings: Codable, Sendable, Hashable {
    /// Whether reading the values asks more than View (see `SecretsStore.checkValueAccess`): a comment, a
    /// check-out, an approved request or a DoubleLock password. The real server's `isRestricted`.
    var restrictsReading: Bool { requiresComment || checkOutEnabled || requiresApprovalForAccess || isDoubleLock }

    var launcherConnectAsSecretId = -1
    var autoChangeEnabled = false
    var requiresApprovalForAccess = false
    var requiresComment = false
    var checkOutEnabled = false
    var checkOutIntervalMinutes = -1
    var checkOutChangePasswordEnabled = false
    var accessRequestWorkflowMapId = -1
    var proxyEnabled = false
    var sessionRecordingEnabled = false
    var restrictSshCommands = false
    var allowOwnersUnrestrictedSshCommands = false
    var isDoubleLock = false
    var doubleLockId = -1
    var enableInheritPermissions = true
    var passwordTypeWebScriptId = -1
    var enableInheritSecretPolicy = true
    var secretPolicyId = -1
    var webLauncherRequiresIncognitoMode = false
    var lastHeartBeatStatus = "Pending"
    var isOutOfSync = false
    // Added after the first release: optional, so settings stored before still decode.
    var lastHeartBeatCheck: Date?
    var lastPasswordChangeAttempt: Date?
    var expired: Bool?
}

/// One row of `secret`.
struct SecretRow: EmulatorRecord {
    static let databaseTableName = "secret"
    var id: Int64?
    var name: String
    var templateId: Int64
    /// `nil` for the root.
    var folderId: Int64?
    var siteId: Int
    var active: Bool
    var created: Date
    var modified: Date
    var settings: SecretSettings
}

extension SecretRow {
    /// Reads the row column by column: the hot read path of every secret route. The Codable conformance (which
    /// GRDB would use otherwise) still writes rows; `settings` is the JSON it writes, decoded once per distinct text.
    init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        templateId = row["templateId"]
        folderId = row["folderId"]
        siteId = row["siteId"]
        active = row["active"]
        created = row["created"]
        modified = row["modified"]
        settings = try SecretSettings.stored(row["settings"] as DatabaseValue)
    }
}

/// One row of `secret_item`: the encrypted value of one field of one secret.
struct SecretItemRow: EmulatorRecord {
    static let databaseTableName = "secret_item"
    var id: Int64?
    var secretId: Int64
    var fieldId: Int64
    /// AES-GCM sealed box (nonce, ciphertext, tag) of the UTF-8 value; empty for an empty value.
    var value: Data
    var fileAttachmentId: Int64?
}

extension SecretItemRow {
    /// Reads the row column by column (every secret read fetches a secret's items).
    init(row: Row) {
        id = row["id"]
        secretId = row["secretId"]
        fieldId = row["fieldId"]
        value = row["value"]
        fileAttachmentId = row["fileAttachmentId"]
    }
}

/// One row of `file_attachment`: the encrypted content of a file field.
struct FileAttachmentRow: EmulatorRecord {
    static let databaseTableName = "file_attachment"
    var id: Int64?
    var secretId: Int64
    var fieldId: Int64
    var fileName: String
    var content: Data
}

/// One row of `group`.
struct GroupRow: EmulatorRecord {
    static let databaseTableName = "group"
    var id: Int64?
    var name: String
    var enabled: Bool
    var domainId: Int64?
    var created: Date
}

/// One row of `secret_permission`: a user's or a group's role on one secret.
struct SecretPermissionRow: EmulatorRecord {
    static let databaseTableName = "secret_permission"
    var id: Int64?
    var secretId: Int64
    var userId: Int64?
    var groupId: Int64?
    var role: String
}

/// One row of `folder_permission`: a user's or a group's role on a folder and on its secrets.
struct FolderPermissionRow: EmulatorRecord {
    static let databaseTableName = "folder_permission"
    var id: Int64?
    var folderId: Int64
    var userId: Int64?
    var groupId: Int64?
    var folderRole: String
    var secretRole: String
}

/// One row of `metadata_section`.
struct MetadataSectionRow: EmulatorRecord {
    static let databaseTableName = "metadata_section"
    var id: Int64?
    var name: String
    var description: String?
    var requiresAdministerMetadata: Bool
    var requiresEntityEdit: Bool
}

/// One row of `metadata_field`.
struct MetadataFieldRow: EmulatorRecord {
    static let databaseTableName = "metadata_field"
    var id: Int64?
    var name: String
    var sectionId: Int64
    var dataType: String
    var containsPersonalInformation: Bool
    var defaultSortOrder: Int?
}

/// One row of `metadata_item`: one metadata value on a secret, folder, user or group.
struct MetadataItemRow: EmulatorRecord {
    static let databaseTableName = "metadata_item"
    var id: Int64?
    var itemType: String
    var itemId: Int64
    var fieldId: Int64
    var valueString: String?
    var valueBit: Bool?
    var valueNumber: Double?
    var valueInt: Int?
    var valueDateTime: String?
    var sortOrder: Int?
    var containsPersonalInformation: Bool
    var createUserId: Int64
    var createDateTime: Date
}
