import NIOHTTP1
import SecretServerModels

/// A role on a secret.
public enum SecretAccessRole: String, Sendable, CaseIterable, Codable {
    case list = "List", view = "View", edit = "Edit", owner = "Owner"
}

/// A role on a folder itself.
public enum FolderAccessRole: String, Sendable, CaseIterable, Codable {
    case view = "View", addSecret = "Add Secret", edit = "Edit", owner = "Owner"
}

/// Whom a permission is for.
public enum Grantee: Sendable, Hashable {
    case user(Int)
    case group(Int)

    var ids: (user: Int?, group: Int?) {
        switch self {
        case .user(let id): (id, nil)
        case .group(let id): (nil, id)
        }
    }
}

extension SecretServerClient {
    /// The permissions on a secret.
    public func secretPermissions(secretId: Int) async throws -> [SecretPermissionModel] {
        try await paged("/v1/secret-permissions", query: [("filter.secretId", String(secretId))], pageSize: 500, of: SecretPermissionModel.self).collect()
    }

    /// Gives a user or a group a role on a secret.
    public func grant(_ role: SecretAccessRole, onSecret secretId: Int, to grantee: Grantee) async throws -> SecretPermissionModel {
        struct Body: Encodable { var secretId: Int; var userId: Int?; var groupId: Int?; var secretAccessRoleName: String }
        let ids = grantee.ids
        return try await send(
            .POST, "/v1/secret-permissions",
            body: Body(secretId: secretId, userId: ids.user, groupId: ids.group, secretAccessRoleName: role.rawValue))
    }

    /// Changes the role of a secret permission.
    public func updateSecretPermission(id: Int, secretId: Int, role: SecretAccessRole) async throws -> SecretPermissionModel {
        struct Body: Encodable { var id: Int; var secretId: Int; var secretAccessRoleName: String }
        return try await send(.PUT, "/v1/secret-permissions/\(id)", body: Body(id: id, secretId: secretId, secretAccessRoleName: role.rawValue))
    }

    @discardableResult
    public func deleteSecretPermission(id: Int) async throws -> DeletedModel {
        try await send(.DELETE, "/v1/secret-permissions/\(id)")
    }

    /// The permissions on a folder.
    public func folderPermissions(folderId: Int) async throws -> [FolderPermissionModel] {
        try await paged("/v1/folder-permissions", query: [("filter.folderId", String(folderId))], pageSize: 500, of: FolderPermissionModel.self).collect()
    }

    /// Gives a user or a group a role on a folder, and a role on the secrets in it.
    public func grant(
        _ role: FolderAccessRole, onFolder folderId: Int, secrets secretRole: SecretAccessRole, to grantee: Grantee
    ) async throws -> FolderPermissionModel {
        struct Body: Encodable {
            var folderId: Int; var userId: Int?; var groupId: Int?; var folderAccessRoleName: String; var secretAccessRoleName: String
        }
        let ids = grantee.ids
        return try await send(
            .POST, "/v1/folder-permissions",
            body: Body(
                folderId: folderId, userId: ids.user, groupId: ids.group, folderAccessRoleName: role.rawValue,
                secretAccessRoleName: secretRole.rawValue
            ))
    }

    /// Changes the roles of a folder permission.
    public func updateFolderPermission(id: Int, folderId: Int, role: FolderAccessRole, secrets secretRole: SecretAccessRole) async throws
        -> FolderPermissionModel
    {
        struct Body: Encodable { var id: Int; var folderId: Int; var folderAccessRoleName: String; var secretAccessRoleName: String }
        return try await send(
            .PUT, "/v1/folder-permissions/\(id)",
            body: Body(
                id: id, folderId: folderId, folderAccessRoleName: role.rawValue, secretAccessRoleName: secretRole.rawValue
            ))
    }

    @discardableResult
    public func deleteFolderPermission(id: Int) async throws -> DeletedModel {
        try await send(.DELETE, "/v1/folder-permissions/\(id)")
    }
}
