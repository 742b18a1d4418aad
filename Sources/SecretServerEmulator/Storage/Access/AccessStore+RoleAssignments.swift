import Foundation
import GRDB
import SecretServerModels

/// Which roles users and groups hold. Holding the Administrator role, directly or through a group, makes a
/// user an administrator.
extension AccessStore {
    /// Whether the user holds the Administrator role (directly or through an enabled group).
    func holdsAdministratorRole(_ db: Database, userId: Int64) throws -> Bool {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM role_assignment a JOIN role r ON r.id = a.roleId
                WHERE r.name = 'Administrator' AND r.isSystem = 1 AND r.enabled = 1
                AND (a.userId = ? OR a.groupId IN (SELECT m.groupId FROM group_member m JOIN "group" g ON g.id = m.groupId
                                                  WHERE m.userId = ? AND g.enabled = 1))
                """, arguments: [userId, userId]) ?? 0 > 0
    }

    /// Gives a new user the User role.
    func assignDefaultRole(_ db: Database, userId: Int64) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO role_assignment(roleId, userId) SELECT id, ? FROM role WHERE name = 'User' AND isSystem = 1",
            arguments: [userId])
    }

    /// The roles of a user (directly and through groups) or of a group.
    func roles(ofUser userId: Int64?, ofGroup groupId: Int64?, caller: Caller) async throws -> [RoleSummary] {
        if let userId, userId != caller.userId { try requireAdmin(caller) }
        if groupId != nil { try requireAdmin(caller) }
        return try await databaseRead { db in
            let rows: [Row]
            if let userId {
                guard try UserRow.fetchOne(db, key: userId) != nil else { throw EmulatorAPIError.accessDenied }
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT r.id, r.name FROM role r JOIN role_assignment a ON a.roleId = r.id
                        WHERE a.userId = ? OR a.groupId IN (SELECT groupId FROM group_member WHERE userId = ?) ORDER BY r.name COLLATE NOCASE
                        """, arguments: [userId, userId])
            } else {
                guard let groupId, try GroupRow.fetchOne(db, key: groupId) != nil else { throw EmulatorAPIError.accessDenied }
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT r.id, r.name FROM role r JOIN role_assignment a ON a.roleId = r.id WHERE a.groupId = ? ORDER BY r.name COLLATE NOCASE
                        """, arguments: [groupId])
            }
            return rows.map { RoleSummary(roleId: $0["id"], name: $0["name"]) }
        }
    }

    /// Adds (`replace: false`), replaces (`replace: true`) or removes (`remove: true`) roles of a user or group:
    /// administrators only. Unknown roles are refused and nothing changes; the last administrator keeps the role.
    func changeRoles(userId: Int64?, groupId: Int64?, roleIds: [Int64], replace: Bool, remove: Bool, caller: Caller) async throws {
        try requireAdmin(caller)
        try await writer.write { db in
            if let userId { guard try UserRow.fetchOne(db, key: userId) != nil else { throw EmulatorAPIError.accessDenied } }
            if let groupId { guard try GroupRow.fetchOne(db, key: groupId) != nil else { throw EmulatorAPIError.accessDenied } }
            for roleId in roleIds {
                guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM role WHERE id = ?", arguments: [roleId]) ?? 0 > 0 else {
                    throw EmulatorAPIError.badRequest("API_RoleNotFound", "There is no role \(roleId).")
                }
            }
            let column = userId != nil ? "userId" : "groupId"
            let owner = userId ?? groupId!
            if replace { try db.execute(sql: "DELETE FROM role_assignment WHERE \(column) = ?", arguments: [owner]) }
            for roleId in roleIds {
                if remove {
                    try db.execute(sql: "DELETE FROM role_assignment WHERE \(column) = ? AND roleId = ?", arguments: [owner, roleId])
                } else {
                    try db.execute(sql: "INSERT OR IGNORE INTO role_assignment(roleId, \(column)) VALUES (?, ?)", arguments: [roleId, owner])
                }
            }
            let admins =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM user u WHERE u.enabled = 1 AND (u.isAdmin = 1 OR EXISTS (
                            SELECT 1 FROM role_assignment a JOIN role r ON r.id = a.roleId WHERE r.name = 'Administrator' AND r.isSystem = 1
                            AND (a.userId = u.id OR a.groupId IN (SELECT groupId FROM group_member WHERE userId = u.id))))
                        """) ?? 0
            guard admins > 0 else {
                throw EmulatorAPIError.badRequest("API_LastAdministrator", "The last administrator cannot lose the Administrator role.")
            }
        }
    }
}
