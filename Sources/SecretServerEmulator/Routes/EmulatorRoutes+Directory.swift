import Foundation
import Hummingbird
import SecretServerModels

/// Users, groups and members.
extension EmulatorRoutes {
    func registerDirectory(on router: Groups) {
        api(router, .get, "/v1/users") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // by user name (QueryContract)
            var ids: [Int64] = []
            let listed = query.strings("filter.userIds")
            guard listed.count <= QueryParameters.maximumListCount else { throw QueryParameters.tooMany("filter.userIds") }
            for text in listed where !text.isEmpty {
                guard let id = Int32(text) else { throw EmulatorAPIError.invalid("filter.userIds", "'\(text.prefix(40))' is not a user id.") }
                ids.append(Int64(id))
            }
            // No inbox rules exist here, so excluding a rule's subscribers excludes nobody.
            _ = try query.int("filter.excludeInboxRuleIdSubscribers")
            let result = try await self.store.directory.searchUsers(
                text: query.string("filter.searchText"), fields: query.strings("filter.searchFields").filter { !$0.isEmpty }, ids: ids,
                includeInactive: try query.bool("filter.includeInactive") ?? false,
                domainId: try query.int("filter.domainId"), skip: skip, take: take, caller: caller
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .get, "/v1/users/stub") { _, _, caller in try Responses.json(UserModel()) }
        api(router, .get, "/v1/users/:id") { request, context, caller in
            // Read and checked; it opens nothing: who sees a disabled user is the store's rule (administrators do).
            _ = try request.query.bool("includeInactive")
            return try Responses.json(try await self.store.directory.userModel(id: try self.id(context), caller: caller))
        }
        api(router, .get, "/v1/users/:id/groups") { request, context, caller in
            let list = try request.query.list(defaultTake: self.configuration.defaultPageSize)
            let id = try self.id(context)
            _ = try await self.store.directory.userModel(id: id, caller: caller)
            let groups = try await self.store.directory.groupsOfUser(id)
            return try self.page(groups, list)
        }
        api(router, .post, "/v1/users") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(try await self.store.directory.createUser(try Self.userInput(body), caller: caller))
        }
        api(router, .put, "/v1/users/doublelock-password") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let data = body["data"]?.objectValue ?? body
            guard let password = data["password"]?.stringValue else {
                throw EmulatorAPIError.invalid("Password", "Send {\"password\": ...}, the new DoubleLock password.")
            }
            try await self.store.secrets.setDoubleLockPassword(password, current: data["currentPassword"]?.stringValue, caller: caller)
            return try Responses.json(true)
        }
        api(router, .put, "/v1/users/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            if let bodyId = body["id"]?.intValue, bodyId != 0, Int64(bodyId) != id {
                throw EmulatorAPIError.badRequest("API_IdMismatch", "The id in the body (\(bodyId)) does not match the id in the URL (\(id)).")
            }
            let input = try Self.userInput(body)
            let model = try await self.store.directory.updateUser(id: id, input, caller: caller)
            if input.password?.isEmpty == false {
                // Sessions opened with the old password end (those of someone who learned it, too); the request
                // that changed it keeps its own.
                self.tokens.revokeAll(userId: id, keeping: Self.bearerToken(request))
            }
            return try Responses.json(model)
        }
        deletion(router, "/v1/users/:id", objectType: "User") { id, caller in try await self.store.directory.deleteUser(id: id, caller: caller) }

        api(router, .get, "/v1/groups") { request, _, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // by name (QueryContract)
            // No inbox rules exist here, so excluding a rule's subscribers excludes nobody.
            _ = try query.int("filter.excludeInboxRuleIdSubscribers")
            // Every group is viewable by whoever may list them.
            _ = try query.bool("filter.limitToViewableGroups")
            let result = try await self.store.directory.searchGroups(
                text: query.string("filter.searchText"), includeInactive: try query.bool("filter.includeInactive") ?? false,
                domainId: try query.int("filter.domainId"), platformOnly: try query.bool("filter.platformOnly") ?? false,
                skip: skip, take: take
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .get, "/v1/groups/stub") { _, _, caller in try Responses.json(GroupModel()) }
        api(router, .get, "/v1/groups/:id") { _, context, caller in
            try Responses.json(try await self.store.directory.groupModel(id: try self.id(context)))
        }
        api(router, .post, "/v1/groups") { request, _, caller in
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.directory.createGroup(
                    name: body["name"]?.stringValue, enabled: body["enabled"]?.boolValue, domainId: body["domainId"]?.intValue,
                    caller: caller
                ))
        }
        api(router, .put, "/v1/groups/:id") { request, context, caller in
            let id = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            return try Responses.json(
                try await self.store.directory.updateGroup(id: id, name: body["name"]?.stringValue, enabled: body["enabled"]?.boolValue, caller: caller))
        }
        deletion(router, "/v1/groups/:id", objectType: "Group") { id, caller in try await self.store.directory.deleteGroup(id: id, caller: caller) }
        api(router, .get, "/v1/groups/:id/users") { request, context, caller in
            let query = request.query
            let (skip, take) = try query.list(defaultTake: self.configuration.defaultPageSize).window  // by user name (QueryContract)
            let result = try await self.store.directory.members(
                groupId: try self.id(context), includeInactive: try query.bool("filter.includeInactiveUsersForGroup") ?? false,
                userDomainId: try query.int("filter.userDomainId"),
                skip: skip, take: take
            )
            return try self.page(result.records, total: result.total, skip: skip, take: take)
        }
        api(router, .post, "/v1/groups/:id/users") { request, context, caller in
            let groupId = try self.id(context)
            let body = try await request.jsonObject(limit: self.configuration.maximumBodySize)
            let member = try await self.store.directory.addMember(
                groupId: groupId, userId: body["userId"]?.intValue.map { Int64($0) }, userName: body["userName"]?.stringValue,
                caller: caller
            )
            return try Responses.json(GroupUserModel(member))
        }
        api(router, .get, "/v1/groups/:id/users/:userId") { _, context, caller in
            let member = try await self.store.directory.member(groupId: try self.id(context), userId: try self.id(context, "userId"))
            return try Responses.json(GroupUserModel(member))
        }
        api(router, .delete, "/v1/groups/:id/users/:userId") { _, context, caller in
            let userId = try self.id(context, "userId")
            try await self.store.directory.removeMember(groupId: try self.id(context), userId: userId, caller: caller)
            return try Responses.json(DeletedModel(id: Int(userId), objectType: "GroupUser"))
        }
    }

    /// Reads a user create or update body. A `null` password (isss sends one on every update) changes nothing.
    static func userInput(_ body: JSONObject) throws -> DirectoryStore.UserInput {
        var input = DirectoryStore.UserInput()
        input.userName = body["userName"]?.stringValue
        input.displayName = body["displayName"]?.stringValue
        input.password = body["password"].flatMap { $0.isNull ? nil : $0.stringValue }
        if let email = body["emailAddress"] { input.emailAddress = .some(email.isNull ? nil : email.stringValue) }
        input.enabled = body["enabled"]?.boolValue
        input.domainId = body["domainId"]?.intValue
        input.isApplicationAccount = body["isApplicationAccount"]?.boolValue
        input.isLockedOut = body["isLockedOut"]?.boolValue
        input.loginFailures = body["loginFailures"]?.intValue
        return input
    }
}

extension GroupUserModel {
    init(_ summary: GroupUserSummary) {
        self.init(groupId: summary.groupId, groupName: summary.groupName, userId: summary.userId, userName: summary.userName)
    }
}
