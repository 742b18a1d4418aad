import Foundation
import Hummingbird
import SecretServerModels

/// Secret and folder permissions.
extension EmulatorRoutes {
    func registerPermissions(on router: Groups) {
        api(router, .get, "/v1/secret-permissions") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            var permissions = try await self.store.access.searchSecretPermissions(
                secretId: try query.int("filter.secretId").map { Int64($0) }, userId: try query.int("filter.userId").map { Int64($0) },
                groupId: try query.int("filter.groupId").map { Int64($0) }, domainId: try query.int("filter.domainId"), caller: caller
            )
            permissions = try Self.matching(permissions, query.string("filter.userName"), in: ["userName"])
            permissions = try Self.matching(permissions, query.string("filter.groupName"), in: ["groupName"])
            permissions = try Self.matching(permissions, query.string("filter.domainName"), in: ["domainName"])
            permissions = try Self.matching(permissions, query.string("filter.searchText"), in: ["userName", "groupName", "knownAs"])
            return try self.page(permissions, list)
        }
        api(router, .get, "/v1/secret-permissions/stub") { request, _, caller in
            guard let secretId = try request.query.int("secretId", "filter.secretId") else {
                throw EmulatorAPIError.invalid("SecretId", "The secretId query parameter is required.")
            }
            try await self.store.secrets.checkSecretAccess(id: Int64(secretId), caller: caller, .view)
            return try Responses.json(SecretPermissionModel(secretId: secretId, secretAccessRoleId: SecretRole.view.rawValue))
        }
        api(router, .get, "/v1/secret-permissions/:id") { request, context, caller in
            // Read and checked; it opens nothing: a permission of a deactivated secret is reached as the secret is.
            _ = try request.query.bool("includeInactive")
            return try Responses.json(try await self.store.access.secretPermission(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/secret-permissions") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let secretId = body["secretId"]?.intValue else {
                throw EmulatorAPIError.invalid("SecretId", "The SecretId field is required.")
            }
            return try Responses.json(
                try await self.store.access.createSecretPermission(
                    secretId: Int64(secretId), principal: Self.principal(body), role: body["secretAccessRoleName"]?.stringValue, caller: caller
                ))
        }
        api(router, .put, "/v1/secret-permissions/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.access.updateSecretPermission(id: id, role: body["secretAccessRoleName"]?.stringValue, caller: caller))
        }
        deletion(router, "/v1/secret-permissions/:id", objectType: "SecretPermission") { id, caller in
            try await self.store.access.deleteSecretPermission(id: id, caller: caller)
        }

        api(router, .get, "/v1/folder-permissions") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            var permissions = try await self.store.access.searchFolderPermissions(
                folderId: try query.int("filter.folderId").map { Int64($0) }, userId: try query.int("filter.userId").map { Int64($0) },
                groupId: try query.int("filter.groupId").map { Int64($0) }, domainId: try query.int("filter.domainId"), caller: caller
            )
            permissions = try Self.matching(permissions, query.string("filter.searchText"), in: ["userName", "groupName", "knownAs"])
            // The exclusions name folder roles: Edit, Owner and View.
            let excluded = try [("filter.excludeEditors", "Edit"), ("filter.excludeOwners", "Owner"), ("filter.excludeViewers", "View")]
                .filter { try query.bool($0.0) == true }.map(\.1)
            permissions.removeAll { excluded.contains($0.folderAccessRoleName) }
            return try self.page(permissions, list)
        }
        api(router, .get, "/v1/folder-permissions/stub") { request, _, caller in
            guard let folderId = try request.query.int("folderId", "filter.folderId") else {
                throw EmulatorAPIError.invalid("FolderId", "The folderId query parameter is required.")
            }
            guard try await self.store.secrets.folder(id: Int64(folderId), children: false, caller: caller) != nil else { throw EmulatorAPIError.accessDenied }
            return try Responses.json(
                FolderPermissionModel(
                    folderId: folderId, folderAccessRoleId: FolderRole.view.rawValue, secretAccessRoleId: SecretRole.view.rawValue
                ))
        }
        api(router, .get, "/v1/folder-permissions/:id") { request, context, caller in
            _ = try request.query.bool("includeInactive")  // read and checked; it opens nothing (folders are not deactivated)
            return try Responses.json(try await self.store.access.folderPermission(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/folder-permissions") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let folderId = body["folderId"]?.intValue else {
                throw EmulatorAPIError.invalid("FolderId", "The FolderId field is required.")
            }
            return try Responses.json(
                try await self.store.access.createFolderPermission(
                    folderId: Int64(folderId), principal: Self.principal(body),
                    folderRole: body["folderAccessRoleName"]?.stringValue, secretRole: body["secretAccessRoleName"]?.stringValue,
                    caller: caller
                ))
        }
        api(router, .put, "/v1/folder-permissions/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.access.updateFolderPermission(
                    id: id, folderRole: body["folderAccessRoleName"]?.stringValue, secretRole: body["secretAccessRoleName"]?.stringValue,
                    caller: caller
                ))
        }
        api(router, .delete, "/v1/folder-permissions/:id") { request, context, caller in
            let id = try self.id(context)
            let breakInheritance = try request.query.bool("breakInheritance") ?? false
            try await self.store.access.deleteFolderPermission(id: id, breakInheritance: breakInheritance, caller: caller)
            return try Responses.json(DeletedModel(id: Int(id), objectType: "FolderPermission"))
        }
    }

    static func principal(_ body: JSONObject) -> AccessStore.Principal {
        AccessStore.Principal(
            userId: body["userId"]?.intValue.map { Int64($0) }, groupId: body["groupId"]?.intValue.map { Int64($0) },
            userName: body["userName"]?.stringValue, groupName: body["groupName"]?.stringValue
        )
    }
}
