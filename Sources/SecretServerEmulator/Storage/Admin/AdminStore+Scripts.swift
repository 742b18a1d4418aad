import Foundation
import GRDB
import SecretServerModels

/// User scripts (PowerShell, SQL, SSH): administrators only.
extension AdminStore {
    static let scriptTypes = ["PowerShell", "SQL", "SSH"]

    static func scriptType(_ value: JSONValue?) throws -> String? {
        guard let value, !value.isNull else { return nil }
        if let number = value.intValue, case .int = value {
            guard (1...3).contains(number) else { throw EmulatorAPIError.invalid("ScriptType", "ScriptType must be PowerShell, SQL or SSH.") }
            return scriptTypes[number - 1]
        }
        guard let text = value.stringValue, let type = scriptTypes.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw EmulatorAPIError.invalid("ScriptType", "ScriptType must be PowerShell, SQL or SSH.")
        }
        return type
    }

    private func scriptModel(_ row: Row, withText: Bool) -> ScriptModel {
        ScriptModel(
            scriptId: row["id"], name: row["name"], description: row["description"], script: withText ? row["script"] : "",
            scriptType: row["scriptType"], scriptCategoryId: row["categoryId"], isActive: row["isActive"]
        )
    }

    func scripts(text: String?, type: String?, includeInactive: Bool, caller: Caller) async throws -> [ScriptModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            var filter = SQLFilter()
            if !includeInactive { filter.require("isActive = 1") }
            filter.contains(text)
            if let type { filter.require("scriptType = ?", [type]) }
            let sql = "SELECT * FROM user_script" + filter.whereClause + " ORDER BY name COLLATE NOCASE, id"
            return try Row.fetchAll(db, sql: sql, arguments: filter.arguments).map {
                self.scriptModel($0, withText: false)
            }
        }
    }

    func script(id: Int64, caller: Caller) async throws -> ScriptModel {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM user_script WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            return self.scriptModel(row, withText: true)
        }
    }

    /// `POST /v2/userscripts` with `{"data": {name, script, scriptType, description, isActive, scriptCategoryId}}`.
    func createScript(_ data: JSONObject, caller: Caller) async throws -> ScriptModel {
        try access.requireAdmin(caller)
        guard let name = data["name"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        guard let type = try Self.scriptType(data["scriptType"]) else {
            throw EmulatorAPIError.invalid("ScriptType", "The ScriptType field is required: PowerShell, SQL or SSH.")
        }
        let now = self.now()
        let id = try await writer.write { db -> Int64 in
            try db.execute(
                sql: "INSERT INTO user_script(name, description, script, scriptType, categoryId, isActive, modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    name, data["description"]?.stringValue, data["script"]?.stringValue ?? "", type,
                    data["scriptCategoryId"]?.intValue ?? -1, data["isActive"]?.boolValue ?? true, now,
                ]
            )
            return db.lastInsertedRowID
        }
        return try await script(id: id, caller: caller)
    }

    /// `PATCH /v1/userscripts/{id}` with `{"data": {"script": {"dirty": true, "value": ...}, ...}}`.
    func patchScript(id: Int64, _ data: JSONObject, caller: Caller) async throws -> ScriptModel {
        try access.requireAdmin(caller)
        @Sendable func dirty(_ key: String) -> JSONValue? {
            guard let object = data[key]?.objectValue, object["dirty"]?.boolValue == true else { return nil }
            return object["value"] ?? .null
        }
        let now = self.now()
        try await writer.write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM user_script WHERE id = ?", arguments: [id]) != nil else {
                throw EmulatorAPIError.accessDenied
            }
            if let value = dirty("name") {
                guard let name = value.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                    throw EmulatorAPIError.invalid("Name", "A script needs a name.")
                }
                try db.execute(sql: "UPDATE user_script SET name = ? WHERE id = ?", arguments: [name, id])
            }
            if let value = dirty("script") {
                try db.execute(sql: "UPDATE user_script SET script = ? WHERE id = ?", arguments: [value.stringValue ?? "", id])
            }
            if let value = dirty("description") {
                try db.execute(sql: "UPDATE user_script SET description = ? WHERE id = ?", arguments: [value.isNull ? nil : value.stringValue, id])
            }
            if let value = dirty("isActive"), let flag = value.boolValue {
                try db.execute(sql: "UPDATE user_script SET isActive = ? WHERE id = ?", arguments: [flag, id])
            }
            if let value = dirty("scriptCategoryId"), let category = value.intValue {
                try db.execute(sql: "UPDATE user_script SET categoryId = ? WHERE id = ?", arguments: [category, id])
            }
            try db.execute(sql: "UPDATE user_script SET modified = ? WHERE id = ?", arguments: [now, id])
        }
        return try await script(id: id, caller: caller)
    }
}
