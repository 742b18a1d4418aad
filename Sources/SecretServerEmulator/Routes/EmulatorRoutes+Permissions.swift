import Foundation
import Hummingbird
import SecretServerModels

/// Secret and folder permissions.
extension EmulatorRoutes {
    func registerPermissions(on router: Router<Context>) {
        api(router, .get, "/v1/secret-permissions") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.paging(defaultTake: self.configuration.defaultPageSize)
            let result = try await self.store.searchSecretPermissions(
                secretId: try query.int("filter.secretId").map { Int64($0) }, userId: try query.int("filter.userId").map { Int64($0) },
                groupId: try query.int("filter.groupId").map { Int64($0) }, skip: skip, take: take, caller: caller
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .get, "/v1/secret-permissions/stub") { request, _, caller in
            guard let secretId = try request.query.int("secretId", "filter.secretId") else {
                throw EmulatorAPIError.invalid("SecretId", "The secretId query parameter is required.")
            }
            try await self.store.checkSecretAccess(id: Int64(secretId), caller: caller, .view)
            return try Responses.json(SecretPermissionModel(secretId: secretId, secretAccessRoleId: SecretRole.view.rawValue))
        }
        api(router, .get, "/v1/secret-permissions/:id") { _, context, caller in
            try Responses.json(try await self.store.secretPermission(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/secret-permissions") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let secretId = body["secretId"]?.intValue else {
                throw EmulatorAPIError.invalid("SecretId", "The SecretId field is required.")
            }
            return try Responses.json(try await self.store.createSecretPermission(
                secretId: Int64(secretId), principal: Self.principal(body), role: body["secretAccessRoleName"]?.stringValue, caller: caller
            ))
        }
        api(router, .put, "/v1/secret-permissions/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.updateSecretPermission(id: id, role: body["secretAccessRoleName"]?.stringValue, caller: caller))
        }
        api(router, .delete, "/v1/secret-permissions/:id") { _, context, caller in
            let id = try self.id(context)
            try await self.store.deleteSecretPermission(id: id, caller: caller)
            return try Responses.json(DeletedModel(id: Int(id), objectType: "SecretPermission"))
        }

        api(router, .get, "/v1/folder-permissions") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.paging(defaultTake: self.configuration.defaultPageSize)
            let result = try await self.store.searchFolderPermissions(
                folderId: try query.int("filter.folderId").map { Int64($0) }, userId: try query.int("filter.userId").map { Int64($0) },
                groupId: try query.int("filter.groupId").map { Int64($0) }, skip: skip, take: take, caller: caller
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .get, "/v1/folder-permissions/stub") { request, _, caller in
            guard let folderId = try request.query.int("folderId", "filter.folderId") else {
                throw EmulatorAPIError.invalid("FolderId", "The folderId query parameter is required.")
            }
            guard try await self.store.folder(id: Int64(folderId), children: false, caller: caller) != nil else { throw EmulatorAPIError.accessDenied }
            return try Responses.json(FolderPermissionModel(
                folderId: folderId, folderAccessRoleId: FolderRole.view.rawValue, secretAccessRoleId: SecretRole.view.rawValue
            ))
        }
        api(router, .get, "/v1/folder-permissions/:id") { _, context, caller in
            try Responses.json(try await self.store.folderPermission(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/folder-permissions") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let folderId = body["folderId"]?.intValue else {
                throw EmulatorAPIError.invalid("FolderId", "The FolderId field is required.")
            }
            return try Responses.json(try await self.store.createFolderPermission(
                folderId: Int64(folderId), principal: Self.principal(body),
                folderRole: body["folderAccessRoleName"]?.stringValue, secretRole: body["secretAccessRoleName"]?.stringValue,
                caller: caller
            ))
        }
        api(router, .put, "/v1/folder-permissions/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.updateFolderPermission(
                id: id, folderRole: body["folderAccessRoleName"]?.stringValue, secretRole: body["secretAccessRoleName"]?.stringValue,
                caller: caller
            ))
        }
        api(router, .delete, "/v1/folder-permissions/:id") { _, context, caller in
            let id = try self.id(context)
            try await self.store.deleteFolderPermission(id: id, caller: caller)
            return try Responses.json(DeletedModel(id: Int(id), objectType: "FolderPermission"))
        }
    }

    static func principal(_ body: JSONObject) -> EmulatorStore.Principal {
        EmulatorStore.Principal(
            userId: body["userId"]?.intValue.map { Int64($0) }, groupId: body["groupId"]?.intValue.map { Int64($0) },
            userName: body["userName"]?.stringValue, groupName: body["groupName"]?.stringValue
        )
    }
}
