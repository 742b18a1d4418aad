import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    private static func dirty(_ value: JSONValue) -> JSONValue { .object(JSONObject([("dirty", .bool(true)), ("value", value)])) }

    // MARK: Roles

    public func roles(includeInactive: Bool = false) async throws -> [RoleModel] {
        try await paged("/v1/roles", query: [("filter.includeInactive", String(includeInactive))], pageSize: 500, of: RoleModel.self).collect()
    }

    public func createRole(name: String, enabled: Bool = true) async throws -> RoleModel {
        struct Body: Encodable { var name: String; var enabled: Bool }
        return try await send(.POST, "/v1/roles", body: Body(name: name, enabled: enabled))
    }

    /// Renames, enables or disables a role (`PATCH`, the `dirty`/`value` shape).
    @discardableResult
    public func updateRole(id: Int, name: String? = nil, enabled: Bool? = nil) async throws -> RoleModel {
        var data: [(key: String, value: JSONValue)] = []
        if let name { data.append(("name", Self.dirty(.string(name)))) }
        if let enabled { data.append(("enabled", Self.dirty(.bool(enabled)))) }
        return try await send(.PATCH, "/v1/roles/\(id)", body: JSONValue.object(JSONObject([("data", .object(JSONObject(data)))])), idempotent: true)
    }

    // MARK: Sites

    /// The sites (site 1 is Local).
    public func sites(includeInactive: Bool = false) async throws -> [SiteModel] {
        try await get("/v1/sites", query: [("includeInactive", String(includeInactive))])
    }

    // MARK: Teams

    public func teams(search: String? = nil, includeInactive: Bool = false) async throws -> [TeamDetailModel] {
        var query: [(String, String)] = [("filter.includeInactive", String(includeInactive))]
        if let search { query.append(("filter.searchTerm", search)) }
        return try await paged("/v1/teams", query: query, pageSize: 500, of: TeamDetailModel.self).collect()
    }

    /// Creates a team and returns it.
    public func createTeam(name: String, description: String? = nil) async throws -> TeamDetailModel {
        struct Body: Encodable { var teamName: String; var teamDescription: String? }
        let id: Int = try await send(.POST, "/v1/teams", body: Body(teamName: name, teamDescription: description))
        return try await get("/v1/teams/\(id)")
    }

    public func teamMembers(teamId: Int) async throws -> [TeamGroupMembershipModel] {
        try await get("/v1/teams/\(teamId)/members")
    }

    /// Adds groups to a team.
    @discardableResult
    public func addTeamMembers(teamId: Int, groupIds: [Int]) async throws -> [TeamGroupMembershipModel] {
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject([("groupIds", .array(groupIds.map { .int(Int64($0)) }))])))]))
        return try await send(.POST, "/v2/teams/\(teamId)/members", body: body, as: Page<TeamGroupMembershipModel>.self, idempotent: true).records
    }

    /// Removes groups from a team.
    @discardableResult
    public func removeTeamMembers(teamId: Int, groupIds: [Int]) async throws -> [TeamGroupMembershipModel] {
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject([("groupIds", .array(groupIds.map { .int(Int64($0)) }))])))]))
        return try await send(.DELETE, "/v1/teams/\(teamId)/members", body: body, as: Page<TeamGroupMembershipModel>.self).records
    }

    // MARK: Secret policies

    public func secretPolicies(name: String? = nil, includeInactive: Bool = false) async throws -> [SecretPolicyModel] {
        var query: [(String, String)] = [("filter.includeInactive", String(includeInactive))]
        if let name { query.append(("filter.secretPolicyName", name)) }
        return try await paged("/v1/secret-policy/search", query: query, pageSize: 500, of: SecretPolicyModel.self).collect()
    }

    public func secretPolicy(id: Int) async throws -> SecretPolicyDetailModel { try await get("/v2/secret-policy/\(id)") }

    /// Creates a secret policy; `generalItems` and the other item groups are sent as given.
    public func createSecretPolicy(name: String, description: String? = nil, generalItems: JSONValue? = nil) async throws -> SecretPolicyDetailModel {
        var data: [(key: String, value: JSONValue)] = [("secretPolicyName", .string(name)), ("active", .bool(true))]
        if let description { data.append(("secretPolicyDescription", .string(description))) }
        if let generalItems { data.append(("generalItems", generalItems)) }
        return try await send(.POST, "/v2/secret-policy", body: JSONValue.object(JSONObject([("data", .object(JSONObject(data)))])))
    }

    /// Renames, describes, enables or disables a secret policy.
    @discardableResult
    public func updateSecretPolicy(id: Int, name: String? = nil, description: String? = nil, active: Bool? = nil) async throws
        -> SecretPolicyDetailModel
    {
        var data: [(key: String, value: JSONValue)] = []
        if let name { data.append(("secretPolicyName", Self.dirty(.string(name)))) }
        if let description { data.append(("secretPolicyDescription", Self.dirty(.string(description)))) }
        if let active { data.append(("active", Self.dirty(.bool(active)))) }
        return try await send(.PATCH, "/v2/secret-policy/\(id)", body: JSONValue.object(JSONObject([("data", .object(JSONObject(data)))])), idempotent: true)
    }
}

extension SecretServerClient {
    private struct RoleIds: Encodable { var roleIds: [Int] }

    /// The roles a user holds, directly and through groups.
    public func roles(ofUser userId: Int) async throws -> [RoleSummary] {
        try await paged("/v1/users/\(userId)/roles", pageSize: 500, of: RoleSummary.self).collect()
    }

    /// The roles a group holds.
    public func roles(ofGroup groupId: Int) async throws -> [RoleSummary] {
        try await paged("/v1/groups/\(groupId)/roles", pageSize: 500, of: RoleSummary.self).collect()
    }

    /// Gives a user roles.
    public func assignRoles(_ roleIds: [Int], toUser userId: Int) async throws {
        let _: JSONValue = try await send(.POST, "/v1/users/\(userId)/roles", body: RoleIds(roleIds: roleIds), idempotent: true)
    }

    /// Takes roles from a user.
    public func removeRoles(_ roleIds: [Int], fromUser userId: Int) async throws {
        let _: JSONValue = try await send(.DELETE, "/v1/users/\(userId)/roles", body: RoleIds(roleIds: roleIds))
    }

    /// Gives a group roles; its members hold them.
    public func assignRoles(_ roleIds: [Int], toGroup groupId: Int) async throws {
        let _: JSONValue = try await send(.POST, "/v1/groups/\(groupId)/roles", body: RoleIds(roleIds: roleIds), idempotent: true)
    }

    /// Takes roles from a group.
    public func removeRoles(_ roleIds: [Int], fromGroup groupId: Int) async throws {
        let _: JSONValue = try await send(.DELETE, "/v1/groups/\(groupId)/roles", body: RoleIds(roleIds: roleIds))
    }
}
