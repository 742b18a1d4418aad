import Foundation
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
        migrator.registerMigration("v2-users-groups-permissions-metadata") { db in
            try db.alter(table: "user") { t in
                t.add(column: "isApplicationAccount", .boolean).notNull().defaults(to: false)
                t.add(column: "isLockedOut", .boolean).notNull().defaults(to: false)
                t.add(column: "passwordLastChanged", .datetime)
            }
            try db.create(table: "domain") { t in
                t.primaryKey("id", .integer)
                t.column("name", .text).notNull().unique().collate(.nocase)
            }
            try db.create(table: "group") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().collate(.nocase)
                t.column("enabled", .boolean).notNull()
                t.column("domainId", .integer).references("domain")
                t.column("created", .datetime).notNull()
            }
            try db.create(index: "group_name", on: "group", columns: ["name", "domainId"], unique: true)
            try db.create(table: "group_member") { t in
                t.column("groupId", .integer).notNull().references("group", onDelete: .cascade)
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.primaryKey(["groupId", "userId"])
            }
            try db.create(index: "group_member_user", on: "group_member", columns: ["userId"])
            try db.create(table: "secret_permission") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("secretId", .integer).notNull().references("secret", onDelete: .cascade)
                t.column("userId", .integer).references("user", onDelete: .cascade)
                t.column("groupId", .integer).references("group", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.check(sql: "(userId IS NULL) <> (groupId IS NULL)")
            }
            try db.create(index: "secret_permission_secret", on: "secret_permission", columns: ["secretId"])
            try db.create(table: "folder_permission") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("folderId", .integer).notNull().references("folder", onDelete: .cascade)
                t.column("userId", .integer).references("user", onDelete: .cascade)
                t.column("groupId", .integer).references("group", onDelete: .cascade)
                t.column("folderRole", .text).notNull()
                t.column("secretRole", .text).notNull()
                t.check(sql: "(userId IS NULL) <> (groupId IS NULL)")
            }
            try db.create(index: "folder_permission_folder", on: "folder_permission", columns: ["folderId"])
            try db.create(table: "metadata_section") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("description", .text)
                t.column("requiresAdministerMetadata", .boolean).notNull()
                t.column("requiresEntityEdit", .boolean).notNull()
            }
            try db.create(table: "metadata_field") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("sectionId", .integer).notNull().references("metadata_section", onDelete: .cascade)
                t.column("dataType", .text).notNull()
                t.column("containsPersonalInformation", .boolean).notNull()
                t.column("defaultSortOrder", .integer)
            }
            try db.create(table: "metadata_item") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("itemType", .text).notNull()
                t.column("itemId", .integer).notNull()
                t.column("fieldId", .integer).notNull().references("metadata_field", onDelete: .cascade)
                t.column("valueString", .text)
                t.column("valueBit", .boolean)
                t.column("valueNumber", .double)
                t.column("valueInt", .integer)
                t.column("valueDateTime", .text)
                t.column("sortOrder", .integer)
                t.column("containsPersonalInformation", .boolean).notNull()
                t.column("createUserId", .integer).notNull()
                t.column("createDateTime", .datetime).notNull()
            }
            try db.create(index: "metadata_item_item", on: "metadata_item", columns: ["itemType", "itemId"])
            // One Active Directory-style domain, so domain sign-in (`domain=SESAME`) can be developed against.
            try db.execute(sql: "INSERT INTO domain(id, name) VALUES (1, 'SESAME')")
        }
        migrator.registerMigration("v3-checkouts-audits") { db in
            try db.create(table: "secret_checkout") { t in
                t.primaryKey("secretId", .integer).references("secret", onDelete: .cascade)
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("expires", .datetime).notNull()
            }
            try db.create(table: "secret_audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("secretId", .integer).notNull().references("secret", onDelete: .cascade)
                t.column("userId", .integer).notNull()
                t.column("action", .text).notNull()
                t.column("notes", .text)
                t.column("ticketNumber", .text)
                t.column("date", .datetime).notNull()
            }
            try db.create(index: "secret_audit_secret", on: "secret_audit", columns: ["secretId", "id"])
        }
        migrator.registerMigration("v4-sdk-clients") { db in
            try db.create(table: "sdk_client_rule") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("details", .text)
                t.column("requireOnboardingKey", .boolean).notNull()
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("onboardingKey", .blob).notNull()
            }
            try db.create(table: "sdk_client_account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("clientId", .text).notNull().unique().collate(.nocase)
                t.column("name", .text).notNull()
                t.column("details", .text)
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("secretHash", .blob).notNull()
                t.column("revoked", .boolean).notNull()
                t.column("ipAddress", .text)
                t.column("created", .datetime).notNull()
            }
        }
        migrator.registerMigration("v5-user-scripts") { db in
            try db.create(table: "user_script") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().collate(.nocase)
                t.column("description", .text)
                t.column("script", .text).notNull()
                t.column("scriptType", .text).notNull()
                t.column("categoryId", .integer).notNull()
                t.column("isActive", .boolean).notNull()
                t.column("modified", .datetime).notNull()
            }
        }
        migrator.registerMigration("v6-roles-teams-sites-policies") { db in
            try db.create(table: "role") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("enabled", .boolean).notNull()
                t.column("isSystem", .boolean).notNull()
                t.column("created", .datetime).notNull()
            }
            try db.create(table: "team") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("description", .text)
                t.column("active", .boolean).notNull()
                t.column("domainId", .integer)
            }
            try db.create(table: "team_member") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("teamId", .integer).notNull().references("team", onDelete: .cascade)
                t.column("groupId", .integer).notNull().references("group", onDelete: .cascade)
                t.uniqueKey(["teamId", "groupId"])
            }
            try db.create(table: "site") { t in
                t.primaryKey("id", .integer)
                t.column("name", .text).notNull()
                t.column("active", .boolean).notNull()
            }
            try db.create(table: "secret_policy") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("description", .text)
                t.column("active", .boolean).notNull()
                t.column("items", .text).notNull()
            }
            let now = Date()
            try db.execute(
                sql: "INSERT INTO role(name, enabled, isSystem, created) VALUES ('Administrator', 1, 1, ?), ('User', 1, 1, ?)",
                arguments: [now, now])
            try db.execute(sql: "INSERT INTO site(id, name, active) VALUES (1, 'Local', 1)")
        }
        migrator.registerMigration("v7-access-requests") { db in
            try db.create(table: "workflow_template") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("description", .text)
                t.column("active", .boolean).notNull()
                t.column("expirationMinutes", .integer).notNull()
                t.column("configurationJson", .text)
            }
            try db.create(table: "access_request") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("secretId", .integer).notNull().references("secret", onDelete: .cascade)
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("status", .text).notNull()
                t.column("requestComment", .text)
                t.column("responseComment", .text)
                t.column("ticketNumber", .text)
                t.column("requestDate", .datetime).notNull()
                t.column("responseDate", .datetime)
                t.column("startDate", .datetime).notNull()
                t.column("expirationDate", .datetime).notNull()
                t.column("approverUserId", .integer)
            }
            try db.create(index: "access_request_secret", on: "access_request", columns: ["secretId", "userId"])
            try db.create(table: "access_request_history") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("requestId", .integer).notNull().references("access_request", onDelete: .cascade)
                t.column("action", .text).notNull()
                t.column("userId", .integer).notNull()
                t.column("details", .text)
                t.column("date", .datetime).notNull()
            }
        }
        migrator.registerMigration("v8-role-assignments") { db in
            try db.create(table: "role_assignment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("roleId", .integer).notNull().references("role", onDelete: .cascade)
                t.column("userId", .integer).references("user", onDelete: .cascade)
                t.column("groupId", .integer).references("group", onDelete: .cascade)
                t.check(sql: "(userId IS NULL) <> (groupId IS NULL)")
            }
            try db.create(index: "role_assignment_user", on: "role_assignment", columns: ["userId", "roleId"], unique: true)
            try db.create(index: "role_assignment_group", on: "role_assignment", columns: ["groupId", "roleId"], unique: true)
            // Administrators hold the Administrator role, everyone else the User role.
            try db.execute(
                sql: """
                    INSERT INTO role_assignment(roleId, userId)
                    SELECT (SELECT id FROM role WHERE name = CASE WHEN u.isAdmin THEN 'Administrator' ELSE 'User' END), u.id FROM user u
                    """)
        }
        migrator.registerMigration("v9-double-lock-passwords") { db in
            // Each user's DoubleLock password (PUT /users/doublelock-password), hashed as sign-in passwords are.
            try db.create(table: "double_lock_password") { t in
                t.primaryKey("userId", .integer).references("user", onDelete: .cascade)
                t.column("hash", .blob).notNull()
                t.column("salt", .blob).notNull()
            }
        }
        migrator.registerMigration("v10-platform-clients") { db in
            // Delinea Platform service users: a client id and secret (SHA-256, as SDK client secrets) signing in as
            // a Secret Server user through the Platform front door.
            try db.create(table: "platform_client") { t in
                t.primaryKey("clientId", .text).collate(.nocase)
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("secretHash", .blob).notNull()
                t.column("created", .datetime).notNull()
            }
        }
        migrator.registerMigration("v11-permission-principal-indexes") { db in
            // AccessPolicy reads a caller's permissions by user and by group.
            for table in ["secret_permission", "folder_permission"] {
                try db.create(index: "\(table)_user", on: table, columns: ["userId"], ifNotExists: true)
                try db.create(index: "\(table)_group", on: table, columns: ["groupId"], ifNotExists: true)
            }
        }
        return migrator
    }
}
