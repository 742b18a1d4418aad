import Foundation
import Hummingbird
import SecretServerModels

/// Roles, teams, sites and secret policies.
extension EmulatorRoutes {
    func registerAdmin(on router: Groups) {
        api(router, .get, "/v1/roles") { request, _, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let query = request.query
            var roles = try await self.store.admin.roles(includeInactive: try query.bool("filter.includeInactive") ?? false, caller: caller)
            // The roles a user holds (directly or through a group), or a group holds.
            let userId = try query.int("filter.userId").map { Int64($0) }
            let groupId = try query.int("filter.groupId").map { Int64($0) }
            if userId != nil || groupId != nil {
                var held: Set<Int>?
                if let userId { held = Set(try await self.store.access.roles(ofUser: userId, ofGroup: nil, caller: caller).map(\.roleId)) }
                if let groupId {
                    let ofGroup = Set(try await self.store.access.roles(ofUser: nil, ofGroup: groupId, caller: caller).map(\.roleId))
                    held = held.map { $0.intersection(ofGroup) } ?? ofGroup
                }
                roles.removeAll { !(held ?? []).contains($0.id) }
            }
            return try self.page(roles, list)
        }
        api(router, .get, "/v1/roles/stub") { _, _, _ in try Responses.json(RoleModel()) }
        api(router, .get, "/v1/roles/:id") { _, context, caller in try Responses.json(try await self.store.admin.role(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/roles") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.admin.createRole(name: body["name"]?.stringValue, enabled: body["enabled"]?.boolValue, caller: caller))
        }
        api(router, .patch, "/v1/roles/:id") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.admin.patchRole(id: try self.id(context), data: body["data"]?.objectValue ?? body, caller: caller))
        }

        // Roles of users and groups: {"roleIds": [...]} bodies, {"success": true} answers.
        let success = JSONValue.object(JSONObject([("success", .bool(true))]))
        api(router, .get, "/v1/users/:id/roles") { request, context, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let roles = try await self.store.access.roles(ofUser: try self.id(context), ofGroup: nil, caller: caller)
            return try self.page(roles, list)
        }
        api(router, .get, "/v1/groups/:id/roles") { request, context, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let roles = try await self.store.access.roles(ofUser: nil, ofGroup: try self.id(context), caller: caller)
            return try self.page(roles, list)
        }
        for (method, path, replace, remove) in [
            (HTTPRequest.Method.post, "/v1/users/:id/roles", false, false), (.put, "/v1/users/:id/roles", true, false),
            (.delete, "/v1/users/:id/roles", false, true), (.post, "/v1/groups/:id/roles", false, false),
            (.put, "/v2/groups/:id/roles", true, false), (.delete, "/v1/groups/:id/roles", false, true),
        ] {
            let forUsers = path.contains("/users/")
            api(router, method, path) { request, context, caller in
                let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
                let roleIds = try Self.ids(body["roleIds"], field: "RoleIds")
                let id = try self.id(context)
                try await self.store.access.changeRoles(
                    userId: forUsers ? id : nil, groupId: forUsers ? nil : id, roleIds: roleIds, replace: replace, remove: remove, caller: caller
                )
                return try Responses.json(success)
            }
        }

        api(router, .get, "/v1/sites") { request, _, _ in
            try Responses.json(try await self.store.admin.sites(includeInactive: try request.query.bool("includeInactive") ?? false))
        }

        api(router, .get, "/v1/teams") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            let teams = try await self.store.admin.teams(
                search: query.string("filter.searchTerm", "filter.searchText"), includeInactive: try query.bool("filter.includeInactive") ?? false,
                caller: caller
            )
            return try self.page(teams, list)
        }
        api(router, .get, "/v1/teams/stub") { _, _, _ in try Responses.json(TeamDetailModel()) }
        api(router, .get, "/v1/teams/:id") { _, context, caller in try Responses.json(try await self.store.admin.team(id: try self.id(context), caller: caller))
        }
        api(router, .post, "/v1/teams") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.admin.createTeam(
                    name: body["teamName"]?.stringValue, description: body["teamDescription"]?.stringValue, domainId: body["domainId"]?.intValue,
                    caller: caller
                ))
        }
        api(router, .put, "/v1/teams/:id") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.admin.updateTeam(id: try self.id(context), body: body, caller: caller))
        }
        api(router, .get, "/v1/teams/:id/members") { request, context, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            // The spec answers a bare array here, cut and ordered by the paging parameters it takes.
            return try Responses.json(try list.page(try await self.store.admin.teamMembers(id: try self.id(context), caller: caller)).records)
        }
        // v1 takes {"groupIds": {"dirty": true, "value": [...]}} and answers a bare array.
        api(router, .post, "/v1/teams/:id/members") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let ids = try Self.groupIds(AdminStore.dirtyValue(body, "groupIds") ?? body["groupIds"])
            return try Responses.json(try await self.store.admin.changeTeamMembers(id: try self.id(context), add: ids, remove: [], caller: caller))
        }
        // v2 takes {"data": {"groupIds": [...]}} and answers a page.
        api(router, .post, "/v2/teams/:id/members") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let ids = try Self.groupIds(body["data"]?["groupIds"])
            let members = try await self.store.admin.changeTeamMembers(id: try self.id(context), add: ids, remove: [], caller: caller)
            return try self.page(members, total: members.count, skip: 0, take: max(members.count, 1))
        }
        api(router, .delete, "/v1/teams/:id/members") { request, context, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let ids = try Self.groupIds(body["data"]?["groupIds"] ?? body["groupIds"])
            let members = try await self.store.admin.changeTeamMembers(id: try self.id(context), add: [], remove: ids, caller: caller)
            return try self.page(members, total: members.count, skip: 0, take: max(members.count, 1))
        }

        api(router, .get, "/v1/secret-policy/search") { request, _, caller in
            let query = request.query
            let list = try query.list(defaultTake: self.configuration.defaultPageSize)
            let policies = try await self.store.admin.secretPolicies(
                name: query.string("filter.secretPolicyName"), includeInactive: try query.bool("filter.includeInactive") ?? false, caller: caller
            )
            return try self.page(policies, list)
        }
        // The v2 routes, and the legacy v1 ones that PowerShell clients still call.
        for version in ["v1", "v2"] {
            api(router, .get, "/\(version)/secret-policy/stub") { _, _, _ in
                try Responses.json(
                    SecretPolicyDetailModel(
                        generalItems: .object(JSONObject()), securityItems: .object(JSONObject()), rpcItems: .object(JSONObject()),
                        launcherItems: .object(JSONObject())
                    ))
            }
            api(router, .get, "/\(version)/secret-policy/:id") { _, context, caller in
                try Responses.json(try await self.store.admin.secretPolicy(id: try self.id(context), caller: caller))
            }
            api(router, .post, "/\(version)/secret-policy") { request, _, caller in
                let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
                return try Responses.json(try await self.store.admin.createSecretPolicy(data: body["data"]?.objectValue ?? body, caller: caller))
            }
            api(router, .patch, "/\(version)/secret-policy/:id") { request, context, caller in
                let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
                return try Responses.json(
                    try await self.store.admin.patchSecretPolicy(
                        id: try self.id(context), data: body["data"]?.objectValue ?? body, caller: caller
                    ))
            }
        }
    }

    static func ids(_ value: JSONValue?, field: String) throws -> [Int64] {
        guard let list = value?.arrayValue else { throw EmulatorAPIError.invalid(field, "\(field) must be a list of ids.") }
        return try list.map { element in
            guard let id = element.intValue else { throw EmulatorAPIError.invalid(field, "\(field) must be numbers.") }
            return Int64(id)
        }
    }

    static func groupIds(_ value: JSONValue?) throws -> [Int64] {
        guard let list = value?.arrayValue else { throw EmulatorAPIError.invalid("GroupIds", "GroupIds must be a list of group ids.") }
        return try list.map { element in
            guard let id = element.intValue else { throw EmulatorAPIError.invalid("GroupIds", "GroupIds must be numbers.") }
            return Int64(id)
        }
    }
}
