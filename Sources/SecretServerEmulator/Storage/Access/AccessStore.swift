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

/// Who may do what: permissions on secrets and folders, the roles a user or group holds, access requests and the
/// one read check (`AccessPolicy`).
struct AccessStore: StoreConcern {
    let database: EmulatorDatabase
}

/// Permission checks: the role a caller holds on a secret or a folder.
///
/// A folder's permissions are its own plus, while it inherits, its parent's (all the way up). A secret's role
/// is the strongest of its explicit permissions and, while it inherits, the secret role of its folder's
/// permissions. Administrators hold every role.
extension AccessStore {
    /// The caller with their group memberships.
    func caller(_ db: Database, userId: Int64, isAdmin: Bool) throws -> Caller {
        let groups = try Int64.fetchAll(
            db, sql: "SELECT m.groupId FROM group_member m JOIN \"group\" g ON g.id = m.groupId WHERE m.userId = ? AND g.enabled = 1",
            arguments: [userId]
        )
        return Caller(userId: userId, isAdmin: isAdmin, groupIds: Set(groups))
    }

    /// The caller's role on a folder, or `nil` for none (`AccessPolicy`).
    func folderRole(_ db: Database, _ caller: Caller, folderId: Int64, index: [Int64: FolderRow]) throws -> FolderRole? {
        if caller.isAdmin { return .owner }
        return try AccessPolicy(db, caller: caller, folders: index).folderRole(folderId)
    }

    /// The caller's role on a secret, or `nil` for none (`AccessPolicy`).
    ///
    /// `index` is built only for callers who are not administrators.
    func secretRole(
        _ db: Database, _ caller: Caller, _ secret: SecretRow, index: @autoclosure () throws -> [Int64: FolderRow]
    ) throws -> SecretRole? {
        if caller.isAdmin { return .owner }
        return try AccessPolicy(db, caller: caller, folders: try index()).secretRole(secret)
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
        let row = try secrets.secretRow(db, id: id)
        guard let held = try secretRole(db, caller, row, index: try secrets.folderIndex(db)), held >= role else {
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
        let index = try secrets.folderIndex(db)
        guard let row = index[id], let held = try folderRole(db, caller, folderId: id, index: index), held >= role else {
            throw EmulatorAPIError.accessDenied
        }
        return row
    }

    /// Only administrators pass.
    func requireAdmin(_ caller: Caller) throws {
        guard caller.isAdmin else { throw EmulatorAPIError.accessDenied }
    }

    /// The ids of the folders whose folder role the caller holds (for filtering searches; `AccessPolicy`).
    func visibleFolderIds(_ db: Database, _ caller: Caller, index: [Int64: FolderRow]) throws -> Set<Int64> {
        try AccessPolicy(db, caller: caller, folders: index).visibleFolderIds
    }
}
