import Foundation
import GRDB
import SecretServerModels

/// The roles of Secret Server, weakest first.
enum SecretRole: Int, Comparable, CaseIterable, Sendable {
    case list = 1, view = 2, edit = 3, owner = 4

    var name: String {
        switch self {
        case .list: "List"
        case .view: "View"
        case .edit: "Edit"
        case .owner: "Owner"
        }
    }

    init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = role
    }

    static func < (lhs: SecretRole, rhs: SecretRole) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The roles on a folder itself, weakest first. Their ids are the emulator's own.
enum FolderRole: Int, Comparable, CaseIterable, Sendable {
    case view = 1, addSecret = 2, edit = 3, owner = 4

    var name: String {
        switch self {
        case .view: "View"
        case .addSecret: "Add Secret"
        case .edit: "Edit"
        case .owner: "Owner"
        }
    }

    init?(name: String) {
        let folded = name.lowercased().replacingOccurrences(of: " ", with: "")
        guard let role = Self.allCases.first(where: { $0.name.lowercased().replacingOccurrences(of: " ", with: "") == folded })
        else { return nil }
        self = role
    }

    static func < (lhs: FolderRole, rhs: FolderRole) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Secret and folder permissions.
extension AccessStore {
    /// Who a permission is for.
    struct Principal: Sendable {
        var userId: Int64?
        var groupId: Int64?
        var userName: String?
        var groupName: String?
    }

    /// The user or group a create names, by id or by name; exactly one of them.
    private func resolve(_ db: Database, _ principal: Principal) throws -> (userId: Int64?, groupId: Int64?) {
        var userId = principal.userId.flatMap { $0 > 0 ? $0 : nil }
        var groupId = principal.groupId.flatMap { $0 > 0 ? $0 : nil }
        if userId == nil, let name = principal.userName, !name.isEmpty {
            userId = try UserRow.filter(Column("userName") == name).fetchOne(db)?.id
            if userId == nil { throw EmulatorAPIError.accessDenied }
        }
        if groupId == nil, let name = principal.groupName, !name.isEmpty {
            groupId = try GroupRow.filter(Column("name") == name).fetchOne(db)?.id
            if groupId == nil { throw EmulatorAPIError.accessDenied }
        }
        switch (userId, groupId) {
        case (let user?, nil):
            guard try UserRow.fetchOne(db, key: user) != nil else { throw EmulatorAPIError.accessDenied }
        case (nil, let group?):
            guard try GroupRow.fetchOne(db, key: group) != nil else { throw EmulatorAPIError.accessDenied }
        case (nil, nil):
            throw EmulatorAPIError.invalid("UserId", "A permission needs a userId or a groupId.")
        default:
            throw EmulatorAPIError.invalid("UserId", "A permission is for a user or a group, not both.")
        }
        return (userId, groupId)
    }

    private func names(_ db: Database, userId: Int64?, groupId: Int64?) throws -> (user: String?, group: String?, knownAs: String?) {
        let user = try userId.flatMap { try UserRow.fetchOne(db, key: $0) }
        let group = try groupId.flatMap { try GroupRow.fetchOne(db, key: $0) }
        return (user?.userName, group?.name, user?.displayName ?? group?.name)
    }

    // MARK: Secret permissions

    func secretPermissionModel(_ db: Database, _ row: SecretPermissionRow) throws -> SecretPermissionModel {
        let names = try names(db, userId: row.userId, groupId: row.groupId)
        let role = SecretRole(name: row.role) ?? .view
        return SecretPermissionModel(
            id: Int(row.id ?? 0), secretId: Int(row.secretId), userId: row.userId.map { Int($0) }, userName: names.user,
            groupId: row.groupId.map { Int($0) }, groupName: names.group, knownAs: names.knownAs,
            secretAccessRoleId: role.rawValue, secretAccessRoleName: role.name
        )
    }

    /// A secret permission: View on its secret.
    func secretPermission(id: Int64, caller: Caller) async throws -> SecretPermissionModel {
        try await databaseRead { db in
            guard let row = try SecretPermissionRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            _ = try self.requireSecret(db, caller, id: row.secretId, .view)
            return try self.secretPermissionModel(db, row)
        }
    }

    /// Secret permissions, by id: View on the secret (a caller who is not an administrator must name it).
    func searchSecretPermissions(secretId: Int64?, userId: Int64?, groupId: Int64?, domainId: Int?, caller: Caller) async throws
        -> [SecretPermissionModel]
    {
        try await databaseRead { db in
            if let secretId { _ = try self.requireSecret(db, caller, id: secretId, .view) } else { try self.requireAdmin(caller) }
            var request = SecretPermissionRow.order(Column("id"))
            if let secretId { request = request.filter(Column("secretId") == secretId) }
            return try self.permissions(
                db, request, userId: userId, groupId: groupId, domainId: domainId, model: self.secretPermissionModel, domain: \.domainName)
        }
    }

    /// The permissions `request` selects, held by `userId` and `groupId` when given, as models; when `domainId` is
    /// given, only those of its domain's users and groups (-1 is the local directory, as for users). The secret and
    /// folder permission searches share it.
    private func permissions<Record: FetchableRecord & TableRecord, Model>(
        _ db: Database, _ request: QueryInterfaceRequest<Record>, userId: Int64?, groupId: Int64?, domainId: Int?,
        model: (Database, Record) throws -> Model, domain domainName: (Model) -> String?
    ) throws -> [Model] {
        var request = request
        if let userId { request = request.filter(Column("userId") == userId) }
        if let groupId { request = request.filter(Column("groupId") == groupId) }
        let models = try request.fetchAll(db).map { try model(db, $0) }
        guard let domainId else { return models }
        let domain = domainId == -1 ? nil : try directory.domains(db)[Int64(domainId)]
        if domainId != -1 && domain == nil { return [] }
        return models.filter { domainName($0) == domain }
    }

    /// Shares a secret: Owner.
    func createSecretPermission(secretId: Int64, principal: Principal, role: String?, caller: Caller) async throws -> SecretPermissionModel {
        guard let role = SecretRole(name: role ?? "") else {
            throw EmulatorAPIError.invalid("SecretAccessRoleName", "SecretAccessRoleName must be List, View, Edit or Owner.")
        }
        let model = try await writer.write { db in
            _ = try self.requireSecret(db, caller, id: secretId, .owner)
            let who = try self.resolve(db, principal)
            let existing = try SecretPermissionRow.filter(Column("secretId") == secretId)
                .filter(Column("userId") == who.userId).filter(Column("groupId") == who.groupId).fetchCount(db)
            if existing > 0 {
                throw EmulatorAPIError.badRequest("API_DuplicatePermission", "That user or group already has a permission on this secret; update it instead.")
            }
            var row = SecretPermissionRow(id: nil, secretId: secretId, userId: who.userId, groupId: who.groupId, role: role.name)
            try row.insert(db)
            return try self.secretPermissionModel(db, row)
        }
        secrets.audit(secretId, caller, "PERMISSIONADDED", notes: "\(model.knownAs ?? "") \(model.secretAccessRoleName)")
        return model
    }

    /// Changes a secret permission: Owner on its secret.
    func updateSecretPermission(id: Int64, role: String?, caller: Caller) async throws -> SecretPermissionModel {
        guard let role = SecretRole(name: role ?? "") else {
            throw EmulatorAPIError.invalid("SecretAccessRoleName", "SecretAccessRoleName must be List, View, Edit or Owner.")
        }
        let model = try await writer.write { db in
            guard var row = try SecretPermissionRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            _ = try self.requireSecret(db, caller, id: row.secretId, .owner)
            row.role = role.name
            try row.update(db)
            return try self.secretPermissionModel(db, row)
        }
        secrets.audit(Int64(model.secretId), caller, "PERMISSIONCHANGED", notes: "\(model.knownAs ?? "") \(model.secretAccessRoleName)")
        return model
    }

    /// Removes a secret permission: Owner on its secret.
    func deleteSecretPermission(id: Int64, caller: Caller) async throws {
        let secretId = try await writer.write { db -> Int64 in
            guard let row = try SecretPermissionRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            _ = try self.requireSecret(db, caller, id: row.secretId, .owner)
            _ = try SecretPermissionRow.deleteOne(db, key: id)
            return row.secretId
        }
        secrets.audit(secretId, caller, "PERMISSIONREMOVED")
    }

    // MARK: Folder permissions

    func folderPermissionModel(_ db: Database, _ row: FolderPermissionRow) throws -> FolderPermissionModel {
        let names = try names(db, userId: row.userId, groupId: row.groupId)
        let folderRole = FolderRole(name: row.folderRole) ?? .view
        let secretRole = SecretRole(name: row.secretRole) ?? .view
        return FolderPermissionModel(
            id: Int(row.id ?? 0), folderId: Int(row.folderId), userId: row.userId.map { Int($0) }, userName: names.user,
            groupId: row.groupId.map { Int($0) }, groupName: names.group, knownAs: names.knownAs,
            folderAccessRoleId: folderRole.rawValue, folderAccessRoleName: folderRole.name,
            secretAccessRoleId: secretRole.rawValue, secretAccessRoleName: secretRole.name
        )
    }

    /// A folder permission: View on its folder.
    func folderPermission(id: Int64, caller: Caller) async throws -> FolderPermissionModel {
        try await databaseRead { db in
            guard let row = try FolderPermissionRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            _ = try self.requireFolder(db, caller, id: row.folderId, .view)
            return try self.folderPermissionModel(db, row)
        }
    }

    /// Folder permissions, by id: View on the folder (a caller who is not an administrator must name it).
    func searchFolderPermissions(folderId: Int64?, userId: Int64?, groupId: Int64?, domainId: Int?, caller: Caller) async throws
        -> [FolderPermissionModel]
    {
        try await databaseRead { db in
            if let folderId { _ = try self.requireFolder(db, caller, id: folderId, .view) } else { try self.requireAdmin(caller) }
            var request = FolderPermissionRow.order(Column("id"))
            if let folderId { request = request.filter(Column("folderId") == folderId) }
            return try self.permissions(
                db, request, userId: userId, groupId: groupId, domainId: domainId, model: self.folderPermissionModel, domain: \.domainName)
        }
    }

    /// Gives `folder` its own copy of every permission it inherits (its parents', up to the first that does not
    /// inherit), for users and groups that hold none of their own on it; the strongest one where several apply.
    func copyInheritedPermissions(_ db: Database, to folder: FolderRow) throws {
        guard let folderId = folder.id else { return }
        func principal(_ row: FolderPermissionRow) -> String { "\(row.userId ?? -1)/\(row.groupId ?? -1)" }
        func strength(_ row: FolderPermissionRow) -> (Int, Int) {
            (FolderRole(name: row.folderRole)?.rawValue ?? 0, SecretRole(name: row.secretRole)?.rawValue ?? 0)
        }
        let own = Set(try FolderPermissionRow.filter(Column("folderId") == folderId).fetchAll(db).map(principal))
        var strongest: [String: FolderPermissionRow] = [:]
        var current = folder
        var depth = 0
        while current.inheritPermissions, let parentId = current.parentId, depth < 256, let parent = try FolderRow.fetchOne(db, key: parentId) {
            for inherited in try FolderPermissionRow.filter(Column("folderId") == parentId).fetchAll(db) where !own.contains(principal(inherited)) {
                if let kept = strongest[principal(inherited)], strength(kept) >= strength(inherited) { continue }
                strongest[principal(inherited)] = inherited
            }
            current = parent
            depth += 1
        }
        for (_, inherited) in strongest.sorted(by: { $0.key < $1.key }) {
            var copy = inherited
            copy.id = nil
            copy.folderId = folderId
            try copy.insert(db)
        }
    }

    static func roles(folder: String?, secret: String?) throws -> (FolderRole, SecretRole) {
        guard let folderRole = FolderRole(name: folder ?? "") else {
            throw EmulatorAPIError.invalid("FolderAccessRoleName", "FolderAccessRoleName must be View, Add Secret, Edit or Owner.")
        }
        let secretRole: SecretRole
        if let secret, !secret.isEmpty {
            guard let role = SecretRole(name: secret) else {
                throw EmulatorAPIError.invalid("SecretAccessRoleName", "SecretAccessRoleName must be List, View, Edit or Owner.")
            }
            secretRole = role
        } else {
            secretRole = folderRole == .owner ? .owner : folderRole == .edit ? .edit : .view
        }
        return (folderRole, secretRole)
    }

    /// Shares a folder: Owner.
    func createFolderPermission(
        folderId: Int64, principal: Principal, folderRole: String?, secretRole: String?, caller: Caller
    ) async throws -> FolderPermissionModel {
        let (folder, secret) = try Self.roles(folder: folderRole, secret: secretRole)
        return try await writer.write { db in
            _ = try self.requireFolder(db, caller, id: folderId, .owner)
            let who = try self.resolve(db, principal)
            let existing = try FolderPermissionRow.filter(Column("folderId") == folderId)
                .filter(Column("userId") == who.userId).filter(Column("groupId") == who.groupId).fetchCount(db)
            if existing > 0 {
                throw EmulatorAPIError.badRequest("API_DuplicatePermission", "That user or group already has a permission on this folder; update it instead.")
            }
            var row = FolderPermissionRow(
                id: nil, folderId: folderId, userId: who.userId, groupId: who.groupId, folderRole: folder.name, secretRole: secret.name
            )
            try row.insert(db)
            return try self.folderPermissionModel(db, row)
        }
    }

    /// Changes a folder permission: Owner on its folder.
    func updateFolderPermission(id: Int64, folderRole: String?, secretRole: String?, caller: Caller) async throws -> FolderPermissionModel {
        try await writer.write { db in
            guard var row = try FolderPermissionRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            _ = try self.requireFolder(db, caller, id: row.folderId, .owner)
            let (folder, secret) = try Self.roles(folder: folderRole ?? row.folderRole, secret: secretRole ?? row.secretRole)
            row.folderRole = folder.name
            row.secretRole = secret.name
            try row.update(db)
            return try self.folderPermissionModel(db, row)
        }
    }

    /// Removes a folder permission (Owner on its folder). With `breakInheritance`, what the folder inherited becomes
    /// its own first, then it stops inheriting its parent's permissions.
    func deleteFolderPermission(id: Int64, breakInheritance: Bool = false, caller: Caller) async throws {
        try await writer.write { db in
            guard let row = try FolderPermissionRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            _ = try self.requireFolder(db, caller, id: row.folderId, .owner)
            if breakInheritance, var folder = try FolderRow.fetchOne(db, key: row.folderId), folder.inheritPermissions {
                // As the real server does: what the folder inherited becomes its own before it stops inheriting, so
                // nobody loses access but through this delete.
                try self.copyInheritedPermissions(db, to: folder)
                folder.inheritPermissions = false
                try folder.update(db)
            }
            _ = try FolderPermissionRow.deleteOne(db, key: id)
        }
    }
}
