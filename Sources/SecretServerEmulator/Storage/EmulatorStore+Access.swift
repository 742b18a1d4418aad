import Foundation
import GRDB
import SecretServerModels

/// Who is calling: the user, whether an administrator, and their groups.
struct Caller: Sendable {
    var userId: Int64
    var isAdmin: Bool
    var groupIds: Set<Int64> = []

    /// The local server itself (seeding, tests of the store).
    static let system = Caller(userId: Seed.adminId, isAdmin: true)
}

/// Permission checks: the role a caller holds on a secret or a folder.
///
/// A folder's permissions are its own plus, while it inherits, its parent's (all the way up). A secret's role
/// is the strongest of its explicit permissions and, while it inherits, the secret role of its folder's
/// permissions. Administrators hold every role.
extension EmulatorStore {
    /// The caller with their group memberships.
    func caller(_ db: Database, userId: Int64, isAdmin: Bool) throws -> Caller {
        let groups = try Int64.fetchAll(
            db, sql: "SELECT m.groupId FROM group_member m JOIN \"group\" g ON g.id = m.groupId WHERE m.userId = ? AND g.enabled = 1",
            arguments: [userId]
        )
        return Caller(userId: userId, isAdmin: isAdmin, groupIds: Set(groups))
    }

    private func applies(_ caller: Caller, userId: Int64?, groupId: Int64?) -> Bool {
        if let userId { return userId == caller.userId }
        if let groupId { return caller.groupIds.contains(groupId) }
        return false
    }

    /// The folder permissions in force on `folderId` for `caller`: the folder's own, and its ancestors' while
    /// each folder inherits.
    private func folderGrants(_ db: Database, _ caller: Caller, folderId: Int64, index: [Int64: FolderRow]) throws -> [FolderPermissionRow] {
        var grants: [FolderPermissionRow] = []
        var current: Int64? = folderId
        var seen: Set<Int64> = []
        while let id = current, let folder = index[id], seen.insert(id).inserted {
            grants += try FolderPermissionRow.filter(Column("folderId") == id).fetchAll(db)
                .filter { applies(caller, userId: $0.userId, groupId: $0.groupId) }
            current = folder.inheritPermissions ? folder.parentId : nil
        }
        return grants
    }

    /// The caller's role on a folder, or `nil` for none.
    func folderRole(_ db: Database, _ caller: Caller, folderId: Int64, index: [Int64: FolderRow]) throws -> FolderRole? {
        if caller.isAdmin { return .owner }
        return try folderGrants(db, caller, folderId: folderId, index: index).compactMap { FolderRole(name: $0.folderRole) }.max()
    }

    /// The caller's role on a secret, or `nil` for none.
    ///
    /// `index` is only built when folder grants are looked at (never for administrators).
    func secretRole(
        _ db: Database, _ caller: Caller, _ secret: SecretRow, index: @autoclosure () throws -> [Int64: FolderRow]
    ) throws -> SecretRole? {
        if caller.isAdmin { return .owner }
        guard let id = secret.id else { return nil }
        var roles = try SecretPermissionRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM secret_permission WHERE secretId = ?"), arguments: [id])
            .filter { applies(caller, userId: $0.userId, groupId: $0.groupId) }
            .compactMap { SecretRole(name: $0.role) }
        if secret.settings.enableInheritPermissions, let folderId = secret.folderId {
            roles += try folderGrants(db, caller, folderId: folderId, index: try index()).compactMap { SecretRole(name: $0.secretRole) }
        }
        return roles.max()
    }

    /// The secret, when the caller holds at least `role` on it; the real access-denied error otherwise (also
    /// for a secret that does not exist).
    ///
    /// A deactivated secret is, as the spec says of DELETE, "hidden from users who do not have a role containing
    /// the View Inactive Secrets permission" and reachable with that permission "in addition to Owner": here the
    /// Administrator role carries View Inactive Secrets (roles' other permissions are not modelled). Operations
    /// that exist for inactive secrets (restoring one, its permissions and metadata) pass `includeInactive` and
    /// need only their own role.
    func requireSecret(_ db: Database, _ caller: Caller, id: Int64, _ role: SecretRole, includeInactive: Bool = false) throws -> SecretRow {
        let row = try secretRow(db, id: id)
        guard let held = try secretRole(db, caller, row, index: try self.folderIndex(db)), held >= role else {
            throw EmulatorAPIError.accessDenied
        }
        if !row.active && !includeInactive {
            guard Self.canViewInactive(caller), held >= .owner else { throw EmulatorAPIError.accessDenied }
        }
        return row
    }

    /// Whether the caller's roles hold View Inactive Secrets (the Administrator role does).
    static func canViewInactive(_ caller: Caller) -> Bool {
        caller.isAdmin
    }

    /// The folder, when the caller holds at least `role` on it.
    func requireFolder(_ db: Database, _ caller: Caller, id: Int64, _ role: FolderRole) throws -> FolderRow {
        let index = try folderIndex(db)
        guard let row = index[id], let held = try folderRole(db, caller, folderId: id, index: index), held >= role else {
            throw EmulatorAPIError.accessDenied
        }
        return row
    }

    /// Only administrators pass.
    func requireAdmin(_ caller: Caller) throws {
        guard caller.isAdmin else { throw EmulatorAPIError.accessDenied }
    }

    /// The ids of the folders where the caller holds any permission (for filtering searches).
    func visibleFolderIds(_ db: Database, _ caller: Caller, index: [Int64: FolderRow]) throws -> Set<Int64> {
        if caller.isAdmin { return Set(index.keys) }
        // One query for the folders with a grant of the caller's own; a folder is visible when it has one, or
        // inherits from a visible parent.
        let granted = Set(try FolderPermissionRow.fetchAll(db).filter { applies(caller, userId: $0.userId, groupId: $0.groupId) }.map(\.folderId))
        var known: [Int64: Bool] = [:]
        func isVisible(_ id: Int64, depth: Int = 0) -> Bool {
            if let answer = known[id] { return answer }
            guard let folder = index[id], depth < index.count else { return false }
            let answer = granted.contains(id) || (folder.inheritPermissions && folder.parentId.map { isVisible($0, depth: depth + 1) } == true)
            known[id] = answer
            return answer
        }
        return Set(index.keys.filter { isVisible($0) })
    }

    /// The ids of secrets the caller holds an explicit permission on.
    func explicitlySharedSecretIds(_ db: Database, _ caller: Caller) throws -> Set<Int64> {
        var ids = Set(try Int64.fetchAll(db, sql: "SELECT secretId FROM secret_permission WHERE userId = ?", arguments: [caller.userId]))
        if !caller.groupIds.isEmpty {
            let placeholders = Array(repeating: "?", count: caller.groupIds.count).joined(separator: ",")
            ids.formUnion(try Int64.fetchAll(
                db, sql: "SELECT secretId FROM secret_permission WHERE groupId IN (\(placeholders))",
                arguments: StatementArguments(Array(caller.groupIds))
            ))
        }
        return ids
    }
}
