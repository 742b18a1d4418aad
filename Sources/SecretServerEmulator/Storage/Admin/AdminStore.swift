import Foundation
import GRDB
import SecretServerModels

/// Administration: roles, teams, sites, secret policies, SDK clients, scripts and Platform service users.
struct AdminStore: StoreConcern {
    let database: EmulatorDatabase
}

/// Roles, teams, sites and secret policies.
extension AdminStore {
    /// `{"dirty": true, "value": ...}` members of a patch body, only the dirty ones.
    static func dirtyValue(_ object: JSONObject, _ key: String) -> JSONValue? {
        guard let member = object[key]?.objectValue, member["dirty"]?.boolValue == true else { return nil }
        return member["value"] ?? .null
    }

    // MARK: Roles

    private func roleModel(_ row: Row) -> RoleModel {
        RoleModel(
            id: row["id"], name: row["name"], enabled: row["enabled"], isSystem: row["isSystem"],
            created: WireDate.string(from: row["created"]))
    }

    func roles(includeInactive: Bool, caller: Caller) async throws -> [RoleModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM role \(includeInactive ? "" : "WHERE enabled = 1") ORDER BY name COLLATE NOCASE")
                .map(self.roleModel)
        }
    }

    func role(id: Int64, caller: Caller) async throws -> RoleModel {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM role WHERE id = ?", arguments: [id]) else { throw EmulatorAPIError.accessDenied }
            return self.roleModel(row)
        }
    }

    func createRole(name: String?, enabled: Bool?, caller: Caller) async throws -> RoleModel {
        try access.requireAdmin(caller)
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        let now = self.now()
        let id = try await writer.write { db -> Int64 in
            try db.requireUnusedName(name, in: "role", code: "API_DuplicateRoleName", what: "role")
            try db.execute(sql: "INSERT INTO role(name, enabled, isSystem, created) VALUES (?, ?, 0, ?)", arguments: [name, enabled ?? true, now])
            return db.lastInsertedRowID
        }
        return try await role(id: id, caller: caller)
    }

    /// `PATCH /v1/roles/{id}` with `{"data": {"name": {dirty, value}, "enabled": {dirty, value}}}`. System roles keep their name.
    func patchRole(id: Int64, data: JSONObject, caller: Caller) async throws -> RoleModel {
        try access.requireAdmin(caller)
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM role WHERE id = ?", arguments: [id]) else { throw EmulatorAPIError.accessDenied }
            if let name = Self.dirtyValue(data, "name")?.stringValue, !name.isEmpty {
                guard !(row["isSystem"] as Bool) else {
                    throw EmulatorAPIError.badRequest("API_SystemRole", "A system role cannot be renamed.")
                }
                try db.execute(sql: "UPDATE role SET name = ? WHERE id = ?", arguments: [name, id])
            }
            if let enabled = Self.dirtyValue(data, "enabled")?.boolValue {
                try db.execute(sql: "UPDATE role SET enabled = ? WHERE id = ?", arguments: [enabled, id])
            }
        }
        return try await role(id: id, caller: caller)
    }

    // MARK: Sites

    func sites(includeInactive: Bool) async throws -> [SiteModel] {
        try await databaseRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM site \(includeInactive ? "" : "WHERE active = 1") ORDER BY id").map {
                SiteModel(siteId: $0["id"], siteName: $0["name"], active: $0["active"])
            }
        }
    }

    // MARK: Teams

    private func teamModel(_ row: Row) -> TeamDetailModel {
        TeamDetailModel(
            teamId: row["id"], teamName: row["name"], teamDescription: row["description"], active: row["active"],
            domainId: (row["domainId"] as Int?) ?? -1)
    }

    func teams(search: String?, includeInactive: Bool, caller: Caller) async throws -> [TeamDetailModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            var filter = SQLFilter()
            if !includeInactive { filter.require("active = 1") }
            filter.contains(search)
            return try Row.fetchAll(db, sql: "SELECT * FROM team" + filter.whereClause + " ORDER BY name COLLATE NOCASE", arguments: filter.arguments)
                .map(self.teamModel)
        }
    }

    func team(id: Int64, caller: Caller) async throws -> TeamDetailModel {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM team WHERE id = ?", arguments: [id]) else { throw EmulatorAPIError.accessDenied }
            return self.teamModel(row)
        }
    }

    /// Creates a team and returns its id (the real route answers a bare integer).
    func createTeam(name: String?, description: String?, domainId: Int?, caller: Caller) async throws -> Int64 {
        try access.requireAdmin(caller)
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("TeamName", "The TeamName field is required.")
        }
        return try await writer.write { db in
            try db.requireUnusedName(name, in: "team", code: "API_DuplicateTeamName", what: "team")
            try db.execute(
                sql: "INSERT INTO team(name, description, active, domainId) VALUES (?, ?, 1, ?)",
                arguments: [name, description, domainId.flatMap { $0 > 0 ? $0 : nil }])
            return db.lastInsertedRowID
        }
    }

    /// `PUT /v1/teams/{id}` with `{"teamName": {dirty, value}, "teamDescription": ..., "active": ...}`.
    func updateTeam(id: Int64, body: JSONObject, caller: Caller) async throws -> TeamDetailModel {
        try access.requireAdmin(caller)
        let data = body["data"]?.objectValue ?? body
        try await writer.write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM team WHERE id = ?", arguments: [id]) != nil else { throw EmulatorAPIError.accessDenied }
            if let name = Self.dirtyValue(data, "teamName")?.stringValue, !name.isEmpty {
                try db.requireUnusedName(name, in: "team", excluding: id, code: "API_DuplicateTeamName", what: "team")
                try db.execute(sql: "UPDATE team SET name = ? WHERE id = ?", arguments: [name, id])
            }
            if let description = Self.dirtyValue(data, "teamDescription") {
                try db.execute(sql: "UPDATE team SET description = ? WHERE id = ?", arguments: [description.isNull ? nil : description.stringValue, id])
            }
            if let active = Self.dirtyValue(data, "active")?.boolValue {
                try db.execute(sql: "UPDATE team SET active = ? WHERE id = ?", arguments: [active, id])
            }
        }
        return try await team(id: id, caller: caller)
    }

    func teamMembers(id: Int64, caller: Caller) async throws -> [TeamGroupMembershipModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM team WHERE id = ?", arguments: [id]) != nil else { throw EmulatorAPIError.accessDenied }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT m.id, m.teamId, m.groupId, g.name FROM team_member m JOIN "group" g ON g.id = m.groupId
                    WHERE m.teamId = ? ORDER BY g.name COLLATE NOCASE
                    """, arguments: [id]
            ).map {
                TeamGroupMembershipModel(teamGroupMembershipId: $0["id"], teamId: $0["teamId"], groupId: $0["groupId"], groupDisplayName: $0["name"])
            }
        }
    }

    /// Adds or removes groups; unknown groups are refused and nothing changes.
    func changeTeamMembers(id: Int64, add: [Int64], remove: [Int64], caller: Caller) async throws -> [TeamGroupMembershipModel] {
        try access.requireAdmin(caller)
        try await writer.write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM team WHERE id = ?", arguments: [id]) != nil else { throw EmulatorAPIError.accessDenied }
            for groupId in add {
                guard try GroupRow.fetchOne(db, key: groupId) != nil else { throw EmulatorAPIError.accessDenied }
                try db.execute(sql: "INSERT OR IGNORE INTO team_member(teamId, groupId) VALUES (?, ?)", arguments: [id, groupId])
            }
            for groupId in remove {
                try db.execute(sql: "DELETE FROM team_member WHERE teamId = ? AND groupId = ?", arguments: [id, groupId])
            }
        }
        return try await teamMembers(id: id, caller: caller)
    }

    // MARK: Secret policies

    static let policyItemGroups = ["generalItems", "securityItems", "rpcItems", "launcherItems"]

    private func policyDetail(_ db: Database, _ row: Row) throws -> SecretPolicyDetailModel {
        let id: Int64 = row["id"]
        let items = (try? WireCoding.makeDecoder().decode(JSONValue.self, from: Data((row["items"] as String).utf8))) ?? .object(JSONObject())
        let secrets =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM secret WHERE json_extract(settings, '$.secretPolicyId') = ?", arguments: [id]
            ) ?? 0
        let folders = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM folder WHERE secretPolicyId = ?", arguments: [id]) ?? 0
        return SecretPolicyDetailModel(
            secretPolicyId: Int(id), secretPolicyName: row["name"], secretPolicyDescription: row["description"], active: row["active"],
            affectedSecretCount: secrets, affectedFolderCount: folders,
            generalItems: items["generalItems"] ?? .object(JSONObject()), securityItems: items["securityItems"] ?? .object(JSONObject()),
            rpcItems: items["rpcItems"] ?? .object(JSONObject()), launcherItems: items["launcherItems"] ?? .object(JSONObject())
        )
    }

    func secretPolicies(name: String?, includeInactive: Bool, caller: Caller) async throws -> [SecretPolicyModel] {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            var filter = SQLFilter()
            if !includeInactive { filter.require("active = 1") }
            filter.contains(name)
            let sql = "SELECT * FROM secret_policy" + filter.whereClause + " ORDER BY name COLLATE NOCASE"
            return try Row.fetchAll(db, sql: sql, arguments: filter.arguments).map {
                SecretPolicyModel(secretPolicyId: $0["id"], secretPolicyName: $0["name"], secretPolicyDescription: $0["description"], active: $0["active"])
            }
        }
    }

    func secretPolicy(id: Int64, caller: Caller) async throws -> SecretPolicyDetailModel {
        try access.requireAdmin(caller)
        return try await databaseRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM secret_policy WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            return try self.policyDetail(db, row)
        }
    }

    /// `POST /v2/secret-policy` with `{"data": {secretPolicyName, secretPolicyDescription, active, generalItems, ...}}`.
    func createSecretPolicy(data: JSONObject, caller: Caller) async throws -> SecretPolicyDetailModel {
        try access.requireAdmin(caller)
        guard let name = data["secretPolicyName"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("SecretPolicyName", "The SecretPolicyName field is required.")
        }
        var items = JSONObject()
        for group in Self.policyItemGroups { try Self.mergePolicyItems(data[group], group: group, patch: false, into: &items) }
        let itemsText = String(decoding: try WireCoding.makeEncoder().encode(JSONValue.object(items)), as: UTF8.self)
        let id = try await writer.write { db -> Int64 in
            try db.requireUnusedName(name, in: "secret_policy", code: "API_DuplicateSecretPolicyName", what: "secret policy")
            try db.execute(
                sql: "INSERT INTO secret_policy(name, description, active, items) VALUES (?, ?, ?, ?)",
                arguments: [name, data["secretPolicyDescription"]?.stringValue, data["active"]?.boolValue ?? true, itemsText])
            return db.lastInsertedRowID
        }
        return try await secretPolicy(id: id, caller: caller)
    }

    /// Merges one item group of a create (`{item: {policyApplyType, value}}`) or a patch (`{item: {dirty, value:
    /// {policyApplyType, value}}}`, only dirty items change) into the stored groups, which keep each item as the
    /// detail model answers it (`{policyApplyType, value}`). Anything else is refused, so a policy never answers
    /// in a shape it was not given in.
    static func mergePolicyItems(_ input: JSONValue?, group: String, patch: Bool, into items: inout JSONObject) throws {
        guard let input, !input.isNull else { return }
        guard let given = input.objectValue else {
            throw EmulatorAPIError.invalid(group, "\(group) must be an object of policy items.")
        }
        var stored = items[group]?.objectValue ?? JSONObject()
        for name in given.keys {
            guard var item = given[name], !item.isNull else { continue }
            if patch, let wrapper = item.objectValue, wrapper.contains("dirty") {
                guard wrapper["dirty"]?.boolValue == true else { continue }
                guard let inner = wrapper["value"], !inner.isNull else { continue }
                item = inner
            }
            guard let dataItem = item.objectValue else {
                throw EmulatorAPIError.invalid("\(group).\(name)", "\(group).\(name) must be an object with policyApplyType and value.")
            }
            stored[name] = .object(
                JSONObject([
                    ("policyApplyType", dataItem["policyApplyType"] ?? .null), ("value", dataItem["value"] ?? .null),
                ]))
        }
        items[group] = .object(stored)
    }

    /// `PATCH /v2/secret-policy/{id}`: dirty name, description and active; dirty policy items change, others stay.
    func patchSecretPolicy(id: Int64, data: JSONObject, caller: Caller) async throws -> SecretPolicyDetailModel {
        try access.requireAdmin(caller)
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM secret_policy WHERE id = ?", arguments: [id]) else {
                throw EmulatorAPIError.accessDenied
            }
            if let name = Self.dirtyValue(data, "secretPolicyName")?.stringValue, !name.isEmpty {
                try db.execute(sql: "UPDATE secret_policy SET name = ? WHERE id = ?", arguments: [name, id])
            }
            if let description = Self.dirtyValue(data, "secretPolicyDescription") {
                try db.execute(
                    sql: "UPDATE secret_policy SET description = ? WHERE id = ?",
                    arguments: [description.isNull ? nil : description.stringValue, id])
            }
            if let active = Self.dirtyValue(data, "active")?.boolValue {
                try db.execute(sql: "UPDATE secret_policy SET active = ? WHERE id = ?", arguments: [active, id])
            }
            var items = (try? WireCoding.makeDecoder().decode(JSONValue.self, from: Data((row["items"] as String).utf8)))?.objectValue ?? JSONObject()
            for group in Self.policyItemGroups { try Self.mergePolicyItems(data[group], group: group, patch: true, into: &items) }
            let text = String(decoding: try WireCoding.makeEncoder().encode(JSONValue.object(items)), as: UTF8.self)
            try db.execute(sql: "UPDATE secret_policy SET items = ? WHERE id = ?", arguments: [text, id])
        }
        return try await secretPolicy(id: id, caller: caller)
    }
}
