import Foundation
import Hummingbird
import SecretServerModels

/// User scripts.
extension EmulatorRoutes {
    func registerScripts(on router: Groups) {
        api(router, .get, "/v2/userscripts") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            let type = try AdminStore.scriptType(query.string("filter.scriptType").map(JSONValue.string))
            let status = query.string("filter.status")?.lowercased()
            let scripts = try await self.store.admin.scripts(
                text: query.string("filter.searchText"), type: type, includeInactive: status == "all" || status == "inactive", caller: caller
            ).filter { status != "inactive" || !$0.isActive }
            return try self.page(scripts.map(ScriptSummaryModel.init), list)
        }
        api(router, .get, "/v2/userscripts/:scriptId") { _, context, caller in
            try Responses.json(try await self.store.admin.script(id: try self.id(context, "scriptId"), caller: caller))
        }
        api(router, .post, "/v2/userscripts") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.admin.createScript(body["data"]?.objectValue ?? body, caller: caller))
        }
        api(router, .patch, "/v1/userscripts/:scriptId") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            guard let data = body["data"]?.objectValue else { throw EmulatorAPIError.invalid("Data", "The body must be {\"data\": {...}}.") }
            return try Responses.json(try await self.store.admin.patchScript(id: try self.id(context, "scriptId"), data, caller: caller))
        }
    }
}
