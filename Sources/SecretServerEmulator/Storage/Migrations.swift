import GRDB

/// The schema. Migrations are frozen once released: add new ones, never edit old ones.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("userName", .text).notNull().collate(.nocase)
                t.column("displayName", .text).notNull()
                t.column("domain", .text).collate(.nocase)
                t.column("emailAddress", .text)
                t.column("passwordHash", .blob).notNull()
                t.column("passwordSalt", .blob).notNull()
                t.column("enabled", .boolean).notNull()
                t.column("isAdmin", .boolean).notNull()
                t.column("created", .datetime).notNull()
                t.column("lastLogin", .datetime)
                t.column("loginFailures", .integer).notNull()
            }
            try db.create(index: "user_name", on: "user", columns: ["userName", "domain"], unique: true)
            try db.create(table: "folder") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().collate(.nocase)
                t.column("parentId", .integer).references("folder", onDelete: .restrict)
                t.column("folderTypeId", .integer).notNull()
                t.column("inheritPermissions", .boolean).notNull()
                t.column("inheritSecretPolicy", .boolean).notNull()
                t.column("secretPolicyId", .integer).notNull()
            }
            try db.create(index: "folder_parent", on: "folder", columns: ["parentId", "name"])
            try db.create(table: "password_requirement") { t in
                t.primaryKey("id", .integer)
                t.column("name", .text).notNull()
                t.column("description", .text).notNull()
                t.column("minLength", .integer).notNull()
                t.column("maxLength", .integer).notNull()
                t.column("useUppercase", .boolean).notNull()
                t.column("useLowercase", .boolean).notNull()
                t.column("useDigits", .boolean).notNull()
                t.column("useSymbols", .boolean).notNull()
                t.column("isDefault", .boolean).notNull()
            }
            try db.create(table: "template") { t in
                t.primaryKey("id", .integer)
                t.column("name", .text).notNull().collate(.nocase)
                t.column("active", .boolean).notNull()
            }
            try db.create(table: "template_field") { t in
                t.primaryKey("id", .integer)
                t.column("templateId", .integer).notNull().references("template", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("slug", .text).notNull()
                t.column("description", .text).notNull()
                t.column("isRequired", .boolean).notNull()
                t.column("isPassword", .boolean).notNull()
                t.column("isUrl", .boolean).notNull()
                t.column("isNotes", .boolean).notNull()
                t.column("isFile", .boolean).notNull()
                t.column("sortOrder", .integer).notNull()
                t.column("passwordRequirementId", .integer).references("password_requirement")
                t.column("generatePasswordLength", .integer).notNull()
            }
            try db.create(index: "template_field_template", on: "template_field", columns: ["templateId"])
            try db.create(table: "secret") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().collate(.nocase)
                t.column("templateId", .integer).notNull().references("template")
                t.column("folderId", .integer).references("folder", onDelete: .restrict)
                t.column("siteId", .integer).notNull()
                t.column("active", .boolean).notNull()
                t.column("created", .datetime).notNull()
                t.column("modified", .datetime).notNull()
                t.column("settings", .text).notNull()
            }
            try db.create(index: "secret_folder", on: "secret", columns: ["folderId", "name"])
            try db.create(index: "secret_name", on: "secret", columns: ["name"])
            try db.create(table: "file_attachment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("secretId", .integer).notNull().references("secret", onDelete: .cascade)
                t.column("fieldId", .integer).notNull()
                t.column("fileName", .text).notNull()
                t.column("content", .blob).notNull()
            }
            try db.create(table: "secret_item") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("secretId", .integer).notNull().references("secret", onDelete: .cascade)
                t.column("fieldId", .integer).notNull().references("template_field")
                t.column("value", .blob).notNull()
                t.column("fileAttachmentId", .integer).references("file_attachment", onDelete: .setNull)
            }
            try db.create(index: "secret_item_secret", on: "secret_item", columns: ["secretId", "fieldId"], unique: true)
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        return migrator
    }
}
