import NIOHTTP1
import SecretServerModels

/// A new user. `description` never shows the password.
public struct NewUser: Encodable, Sendable, CustomStringConvertible, CustomReflectable {
    public var userName: String
    public var displayName: String
    public var password: String
    public var emailAddress: String?
    public var enabled: Bool
    /// `-1` (or `nil`) for a local user; a domain id for a directory user.
    public var domainId: Int?
    public var isApplicationAccount: Bool

    public init(
        userName: String, displayName: String? = nil, password: String, emailAddress: String? = nil, enabled: Bool = true,
        domainId: Int? = nil, isApplicationAccount: Bool = false
    ) {
        self.userName = userName
        self.displayName = displayName ?? userName
        self.password = password
        self.emailAddress = emailAddress
        self.enabled = enabled
        self.domainId = domainId
        self.isApplicationAccount = isApplicationAccount
    }

    public var description: String { "NewUser(userName: \(userName), displayName: \(displayName), password: <redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["userName": userName, "displayName": displayName, "password": "<redacted>"]) }
}

/// Changes to a user; `nil` leaves a property as it is. `description` never shows the password.
public struct UserChanges: Encodable, Sendable, CustomStringConvertible, CustomReflectable {
    public var id: Int
    public var displayName: String?
    public var emailAddress: String?
    public var enabled: Bool?
    public var isLockedOut: Bool?
    public var isApplicationAccount: Bool?
    public var password: String?

    public init(
        id: Int, displayName: String? = nil, emailAddress: String? = nil, enabled: Bool? = nil,
        isLockedOut: Bool? = nil, isApplicationAccount: Bool? = nil, password: String? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.emailAddress = emailAddress
        self.enabled = enabled
        self.isLockedOut = isLockedOut
        self.isApplicationAccount = isApplicationAccount
        self.password = password
    }

    public var description: String { "UserChanges(id: \(id), password: \(password == nil ? "unchanged" : "<redacted>"))" }
    public var customMirror: Mirror { Mirror(self, children: ["id": id, "password": password == nil ? "unchanged" : "<redacted>"]) }
}

extension SecretServerClient {
    /// Every user whose name or display name contains `text` (all when `nil`), page by page.
    public func searchUsers(text: String? = nil, includeInactive: Bool = false, pageSize: Int = 500) -> PagedSequence<UserSummary> {
        paged("/v1/users", query: Self.directoryFilters(text: text, includeInactive: includeInactive), pageSize: pageSize)
    }

    /// The filters of the user and group searches.
    static func directoryFilters(text: String?, includeInactive: Bool) -> [(String, String)] {
        var query: [(String, String)] = []
        if let text, !text.isEmpty { query.append(("filter.searchText", text)) }
        if includeInactive { query.append(("filter.includeInactive", "true")) }
        return query
    }

    public func user(id: Int) async throws -> UserModel { try await get("/v1/users/\(id)") }

    /// The user named exactly `userName` (case-insensitive), or `nil`.
    public func user(named userName: String) async throws -> UserSummary? {
        for try await user in searchUsers(text: userName, includeInactive: true) where user.userName.lowercased() == userName.lowercased() {
            return user
        }
        return nil
    }

    public func userStub() async throws -> UserModel { try await get("/v1/users/stub") }

    /// Creates a user (`POST /api/v1/users`).
    public func createUser(_ user: NewUser) async throws -> UserModel { try await send(.POST, "/v1/users", body: user) }

    /// Changes a user (`PUT /api/v1/users/{id}`).
    public func updateUser(_ changes: UserChanges) async throws -> UserModel {
        try await send(.PUT, "/v1/users/\(changes.id)", body: changes)
    }

    /// Enables or disables a user.
    @discardableResult
    public func setUserEnabled(id: Int, _ enabled: Bool) async throws -> UserModel {
        try await updateUser(UserChanges(id: id, enabled: enabled))
    }

    @discardableResult
    public func deleteUser(id: Int) async throws -> DeletedModel { try await send(.DELETE, "/v1/users/\(id)") }

    /// The groups a user belongs to.
    public func groups(ofUser id: Int) async throws -> [GroupUserSummary] {
        try await paged("/v1/users/\(id)/groups", pageSize: 500, of: GroupUserSummary.self).collect()
    }
}

extension SecretServerClient {
    /// Every group whose name contains `text` (all when `nil`), page by page.
    public func searchGroups(text: String? = nil, includeInactive: Bool = false, pageSize: Int = 500) -> PagedSequence<GroupSummary> {
        paged("/v1/groups", query: Self.directoryFilters(text: text, includeInactive: includeInactive), pageSize: pageSize)
    }

    public func group(id: Int) async throws -> GroupModel { try await get("/v1/groups/\(id)") }

    public func groupStub() async throws -> GroupModel { try await get("/v1/groups/stub") }

    /// Creates a group.
    public func createGroup(name: String, enabled: Bool = true) async throws -> GroupModel {
        struct Body: Encodable { var name: String; var enabled: Bool }
        return try await send(.POST, "/v1/groups", body: Body(name: name, enabled: enabled))
    }

    /// Renames, enables or disables a group.
    public func updateGroup(id: Int, name: String? = nil, enabled: Bool? = nil) async throws -> GroupModel {
        struct Body: Encodable { var id: Int; var name: String?; var enabled: Bool? }
        return try await send(.PUT, "/v1/groups/\(id)", body: Body(id: id, name: name, enabled: enabled))
    }

    @discardableResult
    public func deleteGroup(id: Int) async throws -> DeletedModel { try await send(.DELETE, "/v1/groups/\(id)") }

    /// The members of a group, page by page.
    public func groupMembers(groupId: Int, includeInactive: Bool = false, pageSize: Int = 500) -> PagedSequence<GroupUserSummary> {
        let extra: [(String, String)] = includeInactive ? [("filter.includeInactiveUsersForGroup", "true")] : []
        return paged("/v1/groups/\(groupId)/users", query: extra, pageSize: pageSize)
    }

    /// Adds a user, by id, to a group.
    @discardableResult
    public func addGroupMember(groupId: Int, userId: Int) async throws -> GroupUserModel {
        struct Body: Encodable { var userId: Int }
        return try await send(.POST, "/v1/groups/\(groupId)/users", body: Body(userId: userId))
    }

    /// Adds a user, by unique user name, to a group.
    @discardableResult
    public func addGroupMember(groupId: Int, userName: String) async throws -> GroupUserModel {
        guard let user = try await user(named: userName) else {
            throw SecretServerError(code: .notFound, message: "there is no user named '\(userName)'")
        }
        return try await addGroupMember(groupId: groupId, userId: user.id)
    }

    @discardableResult
    public func removeGroupMember(groupId: Int, userId: Int) async throws -> DeletedModel {
        try await send(.DELETE, "/v1/groups/\(groupId)/users/\(userId)")
    }

    /// Membership changes of one group that chain: `try await client.members(ofGroup: 5).add("alice").add("bob")`.
    public func members(ofGroup groupId: Int) -> GroupMembership { GroupMembership(client: self, groupId: groupId) }
}

/// Chainable membership changes of one group.
public struct GroupMembership: Sendable {
    let client: SecretServerClient
    public let groupId: Int

    /// Adds the user with this unique name.
    @discardableResult
    public func add(_ userName: String) async throws -> GroupMembership {
        try await client.addGroupMember(groupId: groupId, userName: userName)
        return self
    }

    /// Adds the user with this id.
    @discardableResult
    public func add(id userId: Int) async throws -> GroupMembership {
        try await client.addGroupMember(groupId: groupId, userId: userId)
        return self
    }

    /// Removes the user with this unique name.
    @discardableResult
    public func remove(_ userName: String) async throws -> GroupMembership {
        guard let user = try await client.user(named: userName) else {
            throw SecretServerError(code: .notFound, message: "there is no user named '\(userName)'")
        }
        try await client.removeGroupMember(groupId: groupId, userId: user.id)
        return self
    }

    /// The members now.
    public func list() async throws -> [GroupUserSummary] {
        try await client.groupMembers(groupId: groupId).collect()
    }
}
