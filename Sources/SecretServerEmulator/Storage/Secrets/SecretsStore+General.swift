import Foundation
import GRDB
import SecretServerModels

extension SecretsStore {
    /// `PATCH /secrets/{id}/general` with `{"data": {"name": {dirty, value}, "folder": ..., "active": ..., "site": ...,
    /// "secretPolicy": ..., "enableInheritSecretPolicy": ..., "isOutOfSync": ..., "secretFields": [{slug, dirty, value}]}}`:
    /// Edit; a patch of field values goes through the one rule (`checkValueAccess`) as any write of values does;
    /// `active` and the policy are Owner-only (see `changesOwnerSettings`). A file field patched to `null` loses
    /// its attachment (tss-sdk-go deletes attachments this way).
    func patchGeneral(id: Int64, data: JSONObject, options: AccessOptions, caller: Caller) async throws -> JSONValue {
        let now = self.now()
        var options = options
        // Restoring a secret (active: true) reaches it while it is still inactive; nothing else does.
        options.includeInactive = AdminStore.dirtyValue(data, "active")?.boolValue == true
        let patchesFields = (data["secretFields"]?.arrayValue ?? []).contains { $0["dirty"]?.boolValue == true }
        let apply: @Sendable (Database, inout SecretRow) throws -> JSONValue = { db, row in
            var ownerSettings = JSONObject()
            if let active = AdminStore.dirtyValue(data, "active")?.boolValue { ownerSettings["active"] = .bool(active) }
            if let policy = AdminStore.dirtyValue(data, "secretPolicy") {
                ownerSettings["secretPolicyId"] = .int(Int64((policy["id"] ?? policy).intValue ?? -1))
            }
            if let inherit = AdminStore.dirtyValue(data, "enableInheritSecretPolicy")?.boolValue { ownerSettings["enableInheritSecretPolicy"] = .bool(inherit) }
            if Self.changesOwnerSettings(ownerSettings, of: row) { _ = try access.requireSecret(db, caller, id: id, .owner, includeInactive: true) }
            if let name = AdminStore.dirtyValue(data, "name") {
                guard let text = name.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                    throw EmulatorAPIError.invalid("Name", "A secret needs a name.")
                }
                row.name = text
            }
            if let folder = AdminStore.dirtyValue(data, "folder") {
                let folderId = (folder["id"] ?? folder).intValue.flatMap { $0 > 0 ? Int64($0) : nil }
                if folderId != row.folderId {
                    if let folderId { _ = try access.requireFolder(db, caller, id: folderId, .addSecret) } else { try access.requireAdmin(caller) }
                    row.folderId = folderId
                }
            }
            if let active = AdminStore.dirtyValue(data, "active")?.boolValue { row.active = active }
            if let site = AdminStore.dirtyValue(data, "site").flatMap({ ($0["id"] ?? $0).intValue }) { row.siteId = site }
            if let policy = AdminStore.dirtyValue(data, "secretPolicy") { row.settings.secretPolicyId = (policy["id"] ?? policy).intValue ?? -1 }
            if let inherit = AdminStore.dirtyValue(data, "enableInheritSecretPolicy")?.boolValue { row.settings.enableInheritSecretPolicy = inherit }
            if let outOfSync = AdminStore.dirtyValue(data, "isOutOfSync")?.boolValue { row.settings.isOutOfSync = outOfSync }
            guard let template = try self.template(db, id: row.templateId) else { throw EmulatorAPIError.accessDenied }
            for entry in data["secretFields"]?.arrayValue ?? [] {
                guard entry["dirty"]?.boolValue == true, let slug = entry["slug"]?.stringValue else { continue }
                guard let field = Self.field(slug, in: template) else {
                    throw EmulatorAPIError.badRequest("API_FieldNotFound", "The secret has no field '\(slug)'.")
                }
                let value = entry["value"] ?? .null
                if field.isFile {
                    guard value.isNull else {
                        throw EmulatorAPIError.badRequest("API_FileFieldRequiresFile", "Upload files through /fields/\(field.slug); null removes one.")
                    }
                    try db.execute(sql: "DELETE FROM file_attachment WHERE secretId = ? AND fieldId = ?", arguments: [id, field.id])
                    try db.execute(sql: "UPDATE secret_item SET fileAttachmentId = NULL WHERE secretId = ? AND fieldId = ?", arguments: [id, field.id])
                } else {
                    let text = value.isNull ? "" : value.stringValue ?? ""
                    if field.isRequired && text.isEmpty {
                        throw EmulatorAPIError.badRequest("API_RequiredFieldMissing", "Secret field is required: \(field.name)")
                    }
                    let sealed = try self.cipher.sealString(text, context: Self.itemContext(secretId: id, fieldId: field.id))
                    try db.execute(sql: "UPDATE secret_item SET value = ? WHERE secretId = ? AND fieldId = ?", arguments: [sealed, id, field.id])
                    if db.changesCount == 0 {
                        var item = SecretItemRow(id: nil, secretId: id, fieldId: field.id, value: sealed, fileAttachmentId: nil)
                        try item.insert(db)
                    }
                }
            }
            row.modified = now
            try row.update(db)
            func view(_ value: JSONValue) -> JSONValue { .object(JSONObject([("value", value)])) }
            return .object(
                JSONObject([
                    ("id", .int(id)), ("name", view(.string(row.name))), ("active", view(.bool(row.active))),
                    ("folder", view(row.folderId.map { .int($0) } ?? .null)), ("site", view(.int(Int64(row.siteId)))),
                    ("secretPolicy", view(row.settings.secretPolicyId > 0 ? .int(Int64(row.settings.secretPolicyId)) : .null)),
                    ("template", view(.int(row.templateId))),
                    ("enableInheritSecretPolicy", view(.bool(row.settings.enableInheritSecretPolicy))),
                    ("isOutOfSync", view(.bool(row.settings.isOutOfSync))),
                ]))
        }
        let answer: JSONValue
        if patchesFields {
            // Field values are written: the one rule, as for any write of values.
            answer = try await writeValues(id: id, caller: caller, options: options, apply)
        } else {
            let restoring = options.includeInactive
            answer = try await writer.write { db in
                var row = try access.requireSecret(db, caller, id: id, .edit, includeInactive: restoring)
                try self.requireNotCheckedOutByOthers(db, caller, secretId: id)
                return try apply(db, &row)
            }
        }
        audit(id, caller, "EDIT", notes: options.comment.map { "general: \($0)" } ?? "general", ticket: options.ticketNumber)
        return answer
    }
}
