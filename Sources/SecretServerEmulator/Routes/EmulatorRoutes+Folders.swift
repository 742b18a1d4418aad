import Foundation
import Hummingbird
import SecretServerModels

extension EmulatorRoutes {
    func registerFolders(on router: Groups) {
        api(router, .get, "/v1/folders") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // by id (QueryContract)
            let result = try await self.store.secrets.folders(try self.folderFilter(query), skip: skip, take: take, caller: caller)
            return try self.page(result.records.map(FolderSummary.init), total: result.total, skip: skip, take: take)
        }
        api(router, .get, "/v1/folders/lookup") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // by id (QueryContract)
            let result = try await self.store.secrets.folders(try self.folderFilter(query), skip: skip, take: take, caller: caller)
            return try self.page(
                result.records.map { Lookup(id: $0.id, value: $0.folderName) }, total: result.total,
                skip: skip, take: take)
        }
        api(router, .get, "/v1/folders/stub") { _, _, caller in
            var stub = FolderModel(folderName: "")
            stub.folderPath = ""
            return try Responses.json(stub)
        }
        api(router, .get, "/v1/folders/:id") { request, context, caller in
            let query = request.query
            let children = try query.bool("getAllChildren") ?? false
            let id = try self.id(context)
            let path = query.string("folderPath")  // used with id 0
            let folder: FolderModel?
            if id == 0 {
                guard let path, !path.isEmpty else { throw EmulatorAPIError.accessDenied }
                folder = try await self.store.secrets.folder(path: path, children: children, caller: caller)
            } else {
                folder = try await self.store.secrets.folder(id: id, children: children, caller: caller)
            }
            guard var folder else { throw EmulatorAPIError.accessDenied }
            if try query.bool("includeAssociatedTemplates") ?? false {
                folder.secretTemplates = try await self.store.secrets.templates(matching: nil, includeInactive: false)
                    .map { SecretTemplateSummary(id: Int($0.id), name: $0.name, active: $0.active) }
            }
            return try Responses.json(folder)
        }
        api(router, .post, "/v1/folders") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.secrets.createFolder(try Self.folderInput(body, existing: nil), caller: caller))
        }
        api(router, .put, "/v1/folders/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            if let bodyId = body["id"]?.intValue, Int64(bodyId) != id {
                throw EmulatorAPIError.badRequest("API_IdMismatch", "The id in the body (\(bodyId)) does not match the id in the URL (\(id)).")
            }
            guard let existing = try await self.store.secrets.folder(id: id, children: false, caller: caller) else { throw EmulatorAPIError.accessDenied }
            return try Responses.json(try await self.store.secrets.updateFolder(id: id, try Self.folderInput(body, existing: existing), caller: caller))
        }
        deletion(router, "/v1/folders/:id", objectType: "Folder") { id, caller in try await self.store.secrets.deleteFolder(id: id, caller: caller) }
    }

    func folderFilter(_ query: QueryParameters) throws -> SecretsStore.FolderFilter {
        var filter = SecretsStore.FolderFilter()
        filter.searchText = query.string("filter.searchText", "filter.folderName")
        filter.parentFolderId = try query.int("filter.parentFolderId").map { Int64($0) }
        filter.limitToDirectDescendents = try query.bool("filter.limitToDirectDescendents") ?? false
        filter.onlyIncludeRootFolders = try query.bool("filter.onlyIncludeRootFolders") ?? false
        filter.folderTypeId = try query.int("filter.folderTypeId")
        // Searches find the folders the caller may View; QueryContract refuses asking for more.
        _ = query.string("filter.permissionRequired")
        return filter
    }

    /// Reads a folder create or update body as the row it sets (its `id` left out); fields an update leaves out keep
    /// `existing`'s values.
    static func folderInput(_ body: JSONObject, existing: FolderModel?) throws -> FolderRow {
        let name = (body["folderName"]?.stringValue ?? existing?.folderName ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw EmulatorAPIError.invalid("FolderName", "The FolderName field is required.") }
        guard !FolderPath.containsSeparator(name) else {
            throw EmulatorAPIError.invalid("FolderName", "A folder name cannot contain \\ or /.")
        }
        var parent: Int64? = existing.flatMap { $0.parentFolderId > 0 ? Int64($0.parentFolderId) : nil }
        if let value = body["parentFolderId"] {
            if value.isNull {
                parent = nil
            } else {
                guard let number = value.intValue else { throw EmulatorAPIError.invalid("ParentFolderId", "ParentFolderId must be a number.") }
                parent = number > 0 ? Int64(number) : nil
            }
        }
        func int(_ key: String, _ fallback: Int) throws -> Int {
            guard let value = body[key], !value.isNull else { return fallback }
            guard let number = value.intValue else { throw EmulatorAPIError.invalid(key, "\(key) must be a number.") }
            return number
        }
        return FolderRow(
            id: nil, name: name, parentId: parent,
            folderTypeId: try int("folderTypeId", existing?.folderTypeId ?? 1),
            inheritPermissions: body["inheritPermissions"]?.boolValue ?? existing?.inheritPermissions ?? true,
            inheritSecretPolicy: body["inheritSecretPolicy"]?.boolValue ?? existing?.inheritSecretPolicy ?? true,
            secretPolicyId: try int("secretPolicyId", existing?.secretPolicyId ?? -1)
        )
    }
}
