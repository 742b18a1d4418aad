import Foundation
import GRDB

/// What a fresh server holds: password requirements, the default templates, a root folder.
///
/// "Password" (2) and "Unix Account (SSH)" (6007) carry the field ids real servers use, since real
/// clients and scripts send them. The other templates' ids (6001, 6003, 6004, 6009, 6010, 6100) and their field
/// ids (1000 and up) are the emulator's own.
enum Seed {
    static let defaultRequirementId: Int64 = 1
    static let passphraseRequirementId: Int64 = 2
    static let pinRequirementId: Int64 = 3

    static let requirements: [PasswordRequirementRow] = [
        .init(
            id: 1, name: "Default Requirement", description: "12 characters from upper case, lower case, digits and symbols",
            minLength: 12, maxLength: 128, useUppercase: true, useLowercase: true, useDigits: true, useSymbols: true,
            isDefault: true),
        .init(
            id: 2, name: "Passphrase", description: "24 characters from upper case, lower case and digits",
            minLength: 24, maxLength: 128, useUppercase: true, useLowercase: true, useDigits: true, useSymbols: false,
            isDefault: false),
        .init(
            id: 3, name: "PIN", description: "6 digits", minLength: 6, maxLength: 12, useUppercase: false,
            useLowercase: false, useDigits: true, useSymbols: false, isDefault: false),
    ]

    struct TemplateSeed {
        var id: Int64
        var name: String
        var fields: [TemplateFieldRow]
    }

    static func field(
        _ id: Int64, _ template: Int64, _ name: String, _ slug: String, _ description: String,
        required: Bool = false, password: Bool = false, notes: Bool = false, file: Bool = false, url: Bool = false,
        order: Int, requirement: Int64? = nil
    ) -> TemplateFieldRow {
        TemplateFieldRow(
            id: id, templateId: template, name: name, slug: slug, description: description, isRequired: required,
            isPassword: password, isUrl: url, isNotes: notes, isFile: file, sortOrder: order,
            passwordRequirementId: password ? (requirement ?? defaultRequirementId) : nil, generatePasswordLength: 0
        )
    }

    static let templates: [TemplateSeed] = [
        TemplateSeed(
            id: 2, name: "Password",
            fields: [
                field(60, 2, "Resource", "resource", "The URL or location where information is being secured.", order: 1),
                field(61, 2, "Username", "username", "The name assocated with the password.", required: true, order: 2),
                field(
                    7, 2, "Password", "password", "The password used to access information.", required: true,
                    password: true, order: 3),
                field(
                    8, 2, "Notes", "notes", "Any comments or additional information for the secret.", notes: true,
                    order: 4),
            ]),
        TemplateSeed(
            id: 6007, name: "Unix Account (SSH)",
            fields: [
                field(
                    108, 6007, "Machine", "machine", "The Server or Location of the Unix Machine.", required: true,
                    order: 1),
                field(111, 6007, "Username", "username", "The Unix Machine Username.", required: true, order: 2),
                field(110, 6007, "Password", "password", "The password of the Unix Machine.", password: true, order: 3),
                field(109, 6007, "Notes", "notes", "Any additional notes.", notes: true, order: 4),
                field(189, 6007, "Private Key", "private-key", "The SSH private key.", file: true, order: 5),
                field(
                    190, 6007, "Private Key Passphrase", "private-key-passphrase",
                    "The passphrase for decrypting the SSH private key.", password: true, order: 6,
                    requirement: passphraseRequirementId),
            ]),
        TemplateSeed(
            id: 6001, name: "Active Directory Account",
            fields: [
                field(1001, 6001, "Domain", "domain", "The Active Directory domain.", required: true, order: 1),
                field(1002, 6001, "Username", "username", "The Active Directory username.", required: true, order: 2),
                field(
                    1003, 6001, "Password", "password", "The password of the account.", required: true,
                    password: true, order: 3),
                field(1004, 6001, "Notes", "notes", "Any additional notes.", notes: true, order: 4),
            ]),
        TemplateSeed(
            id: 6003, name: "Windows Account",
            fields: [
                field(1011, 6003, "Machine", "machine", "The Windows machine name or address.", required: true, order: 1),
                field(1012, 6003, "Username", "username", "The local account username.", required: true, order: 2),
                field(
                    1013, 6003, "Password", "password", "The password of the account.", required: true,
                    password: true, order: 3),
                field(1014, 6003, "Notes", "notes", "Any additional notes.", notes: true, order: 4),
            ]),
        TemplateSeed(
            id: 6004, name: "SQL Server Account",
            fields: [
                field(1021, 6004, "Server", "server", "The SQL Server instance.", required: true, order: 1),
                field(1022, 6004, "Database", "database", "The default database.", order: 2),
                field(1023, 6004, "Username", "username", "The SQL login.", required: true, order: 3),
                field(
                    1024, 6004, "Password", "password", "The password of the login.", required: true,
                    password: true, order: 4),
                field(1025, 6004, "Notes", "notes", "Any additional notes.", notes: true, order: 5),
            ]),
        TemplateSeed(
            id: 6009, name: "Web Password",
            fields: [
                field(1031, 6009, "URL", "url", "The address of the web site.", required: true, url: true, order: 1),
                field(1032, 6009, "Username", "username", "The username for the web site.", order: 2),
                field(
                    1033, 6009, "Password", "password", "The password for the web site.", required: true,
                    password: true, order: 3),
                field(1034, 6009, "Notes", "notes", "Any additional notes.", notes: true, order: 4),
            ]),
        // The real template's shape (its SSH key mappings make `sshKeyArgs` generate keys); the id is the emulator's own.
        TemplateSeed(
            id: sshKeyRotationTemplateId, name: "Unix Account (SSH Key Rotation)",
            fields: [
                field(1051, 6100, "Machine", "machine", "The Server or Location of the Unix Machine.", required: true, order: 1),
                field(1052, 6100, "Username", "username", "The Unix Machine Username.", required: true, order: 2),
                field(1053, 6100, "Password", "password", "The password of the Unix Machine.", password: true, order: 3),
                field(1054, 6100, "Private Key", "private-key", "The SSH private key.", file: true, order: 4),
                field(
                    1055, 6100, "Private Key Passphrase", "private-key-passphrase",
                    "The passphrase for decrypting the SSH private key.", password: true, order: 5,
                    requirement: passphraseRequirementId),
                field(1056, 6100, "Public Key", "public-key", "The SSH public key.", file: true, order: 6),
                field(1057, 6100, "Notes", "notes", "Any additional notes.", notes: true, order: 7),
            ]),
        TemplateSeed(
            id: 6010, name: "Pin",
            fields: [
                field(1041, 6010, "Card Number", "card-number", "The card or account the PIN belongs to.", order: 1),
                field(
                    1042, 6010, "PIN", "pin", "The PIN.", required: true, password: true, order: 2,
                    requirement: pinRequirementId),
                field(1043, 6010, "Notes", "notes", "Any additional notes.", notes: true, order: 3),
            ]),
    ]

    static let sshKeyRotationTemplateId: Int64 = 6100

    /// The fields a template's SSH key mappings name: where `sshKeyArgs` puts a generated key pair and passphrase.
    struct SSHKeyMapping: Sendable {
        var privateKey: String
        var publicKey: String
        var passphrase: String
    }

    /// Templates with SSH key mappings (on a real server, through their password changer). No other template takes
    /// `sshKeyArgs`.
    static let sshKeyMappings: [Int64: SSHKeyMapping] = [
        sshKeyRotationTemplateId: SSHKeyMapping(privateKey: "private-key", publicKey: "public-key", passphrase: "private-key-passphrase")
    ]

    /// Adds the seed templates a database made by an earlier version lacks.
    static func addMissingTemplates(_ db: Database) throws {
        for template in templates where try TemplateRow.fetchOne(db, key: template.id) == nil {
            try TemplateRow(id: template.id, name: template.name, active: true).insert(db)
            for field in template.fields { try field.insert(db) }
        }
    }

    /// The id the admin gets on a fresh server.
    static let adminId: Int64 = 2

    /// Writes the seed into an empty database.
    static func write(_ db: Database, adminPassword: String, hasher: PasswordHasher, now: Date) throws {
        for requirement in requirements { try requirement.insert(db) }
        for template in templates {
            try TemplateRow(id: template.id, name: template.name, active: true).insert(db)
            for field in template.fields { try field.insert(db) }
        }
        let salt = hasher.makeSalt()
        var admin = UserRow(
            id: adminId, userName: "admin", displayName: "Administrator", domain: nil, emailAddress: nil,
            passwordHash: try hasher.hash(adminPassword, salt: salt), passwordSalt: salt, enabled: true, isAdmin: true,
            created: now, lastLogin: nil, loginFailures: 0
        )
        try admin.insert(db)
        try db.execute(
            sql: "INSERT INTO role_assignment(roleId, userId) SELECT id, ? FROM role WHERE name = 'Administrator'",
            arguments: [adminId])
        var personal = FolderRow(
            id: 1, name: "Personal Folders", parentId: nil, folderTypeId: 1, inheritPermissions: false,
            inheritSecretPolicy: false, secretPolicyId: -1
        )
        try personal.insert(db)
        try db.execute(sql: "INSERT INTO setting(key, value) VALUES ('seeded', ?)", arguments: [now.timeIntervalSince1970])
    }
}
