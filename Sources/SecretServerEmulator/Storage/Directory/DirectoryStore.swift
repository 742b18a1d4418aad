import Foundation
import GRDB
import SecretServerModels
import SesameRedaction

/// Users, groups, their members and sign-in.
struct DirectoryStore: StoreConcern {
    let database: EmulatorDatabase
}

/// Users, groups and memberships.
extension DirectoryStore {
    // MARK: Domains

    /// Domain names by id.
    func domains(_ db: Database) throws -> [Int64: String] {
        var result: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM domain") { result[row["id"]] = row["name"] }
        return result
    }

    func domainId(_ db: Database, name: String?) throws -> Int64? {
        guard let name, !name.isEmpty else { return nil }
        return try Int64.fetchOne(db, sql: "SELECT id FROM domain WHERE name = ? COLLATE NOCASE", arguments: [name])
    }

    // MARK: Users

    func userModel(_ row: UserRow, domains: [Int64: String]) -> UserModel {
        let domainId = row.domain.flatMap { name in domains.first { $0.value.lowercased() == name.lowercased() }?.key }
        return UserModel(
            id: Int(row.id ?? 0), userName: row.userName, displayName: row.displayName,
            lastLogin: row.lastLogin.map(WireDate.string), created: WireDate.string(from: row.created),
            enabled: row.enabled, loginFailures: row.loginFailures, emailAddress: row.emailAddress,
            domainId: domainId.map { Int($0) } ?? -1, isLockedOut: row.isLockedOut,
            passwordLastChanged: row.passwordLastChanged.map(WireDate.string) ?? WireDate.never,
            isApplicationAccount: row.isApplicationAccount
        )
    }

    func userSummary(_ row: UserRow, domains: [Int64: String]) -> UserSummary {
        let model = userModel(row, domains: domains)
        return UserSummary(
            id: model.id, userName: model.userName, displayName: model.displayName, emailAddress: model.emailAddress,
            enabled: model.enabled, domainId: model.domainId, domainName: row.domain, isApplicationAccount: model.isApplicationAccount,
            isLockedOut: model.isLockedOut, lastLogin: model.lastLogin, created: model.created, loginFailures: model.loginFailures
        )
    }

    /// A user: everything to administrators and to the user themselves; to anyone else only who they are (name,
    /// display name, domain, enabled), never their e-mail address, sign-in history or lockout state.
    func userModel(id: Int64, caller: Caller) async throws -> UserModel {
        try await databaseRead { db in
            guard let row = try UserRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            let model = self.userModel(row, domains: try self.domains(db))
            return caller.isAdmin || caller.userId == id ? model : Self.publicPart(of: model)
        }
    }

    /// What every signed-in user may see of another user.
    static func publicPart(of model: UserModel) -> UserModel {
        var shown = UserModel(id: model.id, userName: model.userName, displayName: model.displayName)
        shown.enabled = model.enabled
        shown.domainId = model.domainId
        shown.isApplicationAccount = model.isApplicationAccount
        return shown
    }

    /// What every signed-in user may see of another user in a search.
    static func publicPart(of summary: UserSummary) -> UserSummary {
        UserSummary(
            id: summary.id, userName: summary.userName, displayName: summary.displayName, emailAddress: nil,
            enabled: summary.enabled, domainId: summary.domainId, domainName: summary.domainName,
            isApplicationAccount: summary.isApplicationAccount, isLockedOut: false, lastLogin: nil, created: nil, loginFailures: 0
        )
    }

    /// Users whose name or display name contains `text`, by name; others than the caller shown as `publicPart`
    /// unless the caller is an administrator.
    func searchUsers(
        text: String?, fields: [String] = [], ids: [Int64] = [], includeInactive: Bool, domainId: Int?, skip: Int, take: Int, caller: Caller
    ) async throws -> (records: [UserSummary], total: Int) {
        // The fields `text` is looked for in: user name and display name unless others are named.
        let columns =
            try fields.isEmpty
            ? ["userName", "displayName"]
            : fields.map { field -> String in
                switch field.lowercased() {
                case "username": return "userName"
                case "displayname": return "displayName"
                case "emailaddress", "email":
                    // Others' addresses are not shown to non-administrators, so they may not be searched either: the
                    // matches would give them away a guess at a time.
                    guard caller.isAdmin else {
                        throw EmulatorAPIError.badRequest("API_AccessDenied", "Only administrators may search users by e-mail address.")
                    }
                    return "emailAddress"
                default:
                    throw EmulatorAPIError.invalid("filter.searchFields", "'\(field.prefix(40))' is not UserName, DisplayName or EmailAddress.")
                }
            }
        return try await databaseRead { db in
            let domains = try self.domains(db)
            var request = UserRow.order(Column("userName").collating(.nocase), Column("id"))
            if !includeInactive { request = request.filter(Column("enabled") == true) }
            if !ids.isEmpty { request = request.filter(ids.contains(Column("id"))) }
            if let text, !text.isEmpty {
                let pattern = "%\(SQLFilter.escapeLike(text))%"
                request = request.filter(columns.map { Column($0).like(pattern, escape: "\\") }.joined(operator: .or))
            }
            if let domainId {
                request = domainId == -1 ? request.filter(Column("domain") == nil) : request.filter(Column("domain") == domains[Int64(domainId)])
            }
            let total = try request.fetchCount(db)
            let rows = try request.limit(take, offset: skip).fetchAll(db)
            return (
                rows.map { row in
                    let summary = self.userSummary(row, domains: domains)
                    return caller.isAdmin || row.id == caller.userId ? summary : Self.publicPart(of: summary)
                }, total
            )
        }
    }

    /// What a user create or update sets; `nil` keeps the value.
    struct UserInput: Sendable {
        var userName: String?
        var displayName: String?
        var password: String?
        var emailAddress: String??
        var enabled: Bool?
        var domainId: Int?
        var isApplicationAccount: Bool?
        var isLockedOut: Bool?
        var loginFailures: Int?
    }

    /// Creates a user: administrators only.
    func createUser(_ input: UserInput, caller: Caller) async throws -> UserModel {
        try access.requireAdmin(caller)
        guard let userName = input.userName?.trimmingCharacters(in: .whitespaces), !userName.isEmpty else {
            throw EmulatorAPIError.invalid("UserName", "The UserName field is required.")
        }
        guard !userName.contains("\\") else { throw EmulatorAPIError.invalid("UserName", "A user name cannot contain \\.") }
        guard let password = input.password, !password.isEmpty else {
            throw EmulatorAPIError.invalid("Password", "The Password field is required.")
        }
        let displayName = input.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? userName
        let salt = hasher.makeSalt()
        let hash = try hasher.hash(password, salt: salt)
        let now = self.now()
        return try await writer.write { db in
            let domains = try self.domains(db)
            var domain: String?
            if let domainId = input.domainId, domainId > 0 {
                guard let name = domains[Int64(domainId)] else {
                    throw EmulatorAPIError.badRequest("API_DomainNotFound", "There is no domain \(domainId).")
                }
                domain = name
            }
            if try UserRow.filter(Column("userName") == userName).filter(Column("domain") == domain).fetchCount(db) > 0 {
                throw EmulatorAPIError.badRequest("API_DuplicateUserName", "A user named '\(userName)' already exists.")
            }
            var row = UserRow(
                id: nil, userName: userName, displayName: displayName, domain: domain,
                emailAddress: input.emailAddress ?? nil, passwordHash: hash, passwordSalt: salt,
                enabled: input.enabled ?? true, isAdmin: false, created: now, lastLogin: nil, loginFailures: 0,
                isApplicationAccount: input.isApplicationAccount ?? false, isLockedOut: false, passwordLastChanged: now
            )
            try row.insert(db)
            try access.assignDefaultRole(db, userId: row.id!)
            return self.userModel(row, domains: domains)
        }
    }

    /// Changes a user: administrators; a user may change their own display name, e-mail and password only.
    func updateUser(id: Int64, _ input: UserInput, caller: Caller) async throws -> UserModel {
        if !caller.isAdmin {
            guard id == caller.userId, input.enabled == nil, input.isLockedOut == nil, input.isApplicationAccount == nil,
                input.loginFailures == nil
            else { throw EmulatorAPIError.accessDenied }
        }
        var hashed: (Data, Data)?
        if let password = input.password, !password.isEmpty {
            let salt = hasher.makeSalt()
            hashed = (try hasher.hash(password, salt: salt), salt)
        }
        let newHash = hashed
        let now = self.now()
        return try await writer.write { db in
            guard var row = try UserRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            if let displayName = input.displayName, !displayName.isEmpty { row.displayName = displayName }
            if let email = input.emailAddress { row.emailAddress = email }
            if let enabled = input.enabled {
                if try !enabled && row.isAdmin && Self.enabledAdminCount(db) <= 1 {
                    throw EmulatorAPIError.badRequest("API_LastAdministrator", "The last enabled administrator cannot be disabled.")
                }
                row.enabled = enabled
            }
            if let flag = input.isApplicationAccount { row.isApplicationAccount = flag }
            if let locked = input.isLockedOut {
                row.isLockedOut = locked
                if !locked { row.loginFailures = 0 }
            }
            if let failures = input.loginFailures { row.loginFailures = max(0, failures) }
            if let (hash, salt) = newHash {
                row.passwordHash = hash
                row.passwordSalt = salt
                row.passwordLastChanged = now
                // A new password ends a lockout: the failures were against the old one.
                row.isLockedOut = false
                row.loginFailures = 0
            }
            try row.update(db)
            return self.userModel(row, domains: try self.domains(db))
        }
    }

    /// Deletes a user: administrators only, never themselves nor the last administrator.
    func deleteUser(id: Int64, caller: Caller) async throws {
        try access.requireAdmin(caller)
        try await writer.write { db in
            guard let row = try UserRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            if id == caller.userId { throw EmulatorAPIError.badRequest("API_CannotDeleteSelf", "You cannot delete your own user.") }
            if try row.isAdmin && row.enabled && Self.enabledAdminCount(db) <= 1 {
                throw EmulatorAPIError.badRequest("API_LastAdministrator", "The last enabled administrator cannot be deleted.")
            }
            _ = try UserRow.deleteOne(db, key: id)
        }
    }

    static func enabledAdminCount(_ db: Database) throws -> Int {
        try UserRow.filter(Column("isAdmin") == true).filter(Column("enabled") == true).fetchCount(db)
    }

    // MARK: Groups

    func groupModel(_ row: GroupRow, domains: [Int64: String]) -> GroupModel {
        GroupModel(
            id: Int(row.id ?? 0), name: row.name, enabled: row.enabled, domainId: row.domainId.map { Int($0) } ?? -1,
            domainName: row.domainId.flatMap { domains[$0] }, created: WireDate.string(from: row.created)
        )
    }

    func groupModel(id: Int64) async throws -> GroupModel {
        try await databaseRead { db in
            guard let row = try GroupRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            return self.groupModel(row, domains: try self.domains(db))
        }
    }

    /// Groups by name; `domainId` -1 is the local directory; no group here is a Platform group (`platformOnly`).
    func searchGroups(text: String?, includeInactive: Bool, domainId: Int? = nil, platformOnly: Bool = false, skip: Int, take: Int) async throws
        -> (records: [GroupSummary], total: Int)
    {
        try await databaseRead { db in
            let domains = try self.domains(db)
            var request = GroupRow.order(Column("name").collating(.nocase), Column("id"))
            if !includeInactive { request = request.filter(Column("enabled") == true) }
            if platformOnly { request = request.none() }
            if let domainId { request = domainId == -1 ? request.filter(Column("domainId") == nil) : request.filter(Column("domainId") == Int64(domainId)) }
            if let text, !text.isEmpty { request = request.filter(Column("name").like("%\(SQLFilter.escapeLike(text))%", escape: "\\")) }
            let total = try request.fetchCount(db)
            let rows = try request.limit(take, offset: skip).fetchAll(db)
            var counts: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT groupId, COUNT(*) AS n FROM group_member GROUP BY groupId") {
                counts[row["groupId"]] = row["n"]
            }
            let records = rows.map { row in
                GroupSummary(
                    id: Int(row.id ?? 0), name: row.name, enabled: row.enabled, domainId: row.domainId.map { Int($0) } ?? -1,
                    domainName: row.domainId.flatMap { domains[$0] }, memberCount: counts[row.id ?? 0] ?? 0,
                    created: WireDate.string(from: row.created)
                )
            }
            return (records, total)
        }
    }

    /// Creates a group: administrators only.
    func createGroup(name: String?, enabled: Bool?, domainId: Int?, caller: Caller) async throws -> GroupModel {
        try access.requireAdmin(caller)
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw EmulatorAPIError.invalid("Name", "The Name field is required.")
        }
        let now = self.now()
        return try await writer.write { db in
            let domain = domainId.flatMap { $0 > 0 ? Int64($0) : nil }
            if let domain, try self.domains(db)[domain] == nil {
                throw EmulatorAPIError.badRequest("API_DomainNotFound", "There is no domain \(domain).")
            }
            if try GroupRow.filter(Column("name") == name).filter(Column("domainId") == domain).fetchCount(db) > 0 {
                throw EmulatorAPIError.badRequest("API_DuplicateGroupName", "A group named '\(name)' already exists.")
            }
            var row = GroupRow(id: nil, name: name, enabled: enabled ?? true, domainId: domain, created: now)
            try row.insert(db)
            return self.groupModel(row, domains: try self.domains(db))
        }
    }

    func updateGroup(id: Int64, name: String?, enabled: Bool?, caller: Caller) async throws -> GroupModel {
        try access.requireAdmin(caller)
        return try await writer.write { db in
            guard var row = try GroupRow.fetchOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
            if let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name != row.name {
                if try GroupRow.filter(Column("name") == name).filter(Column("id") != id).fetchCount(db) > 0 {
                    throw EmulatorAPIError.badRequest("API_DuplicateGroupName", "A group named '\(name)' already exists.")
                }
                row.name = name
            }
            if let enabled { row.enabled = enabled }
            try row.update(db)
            return self.groupModel(row, domains: try self.domains(db))
        }
    }

    func deleteGroup(id: Int64, caller: Caller) async throws {
        try access.requireAdmin(caller)
        try await writer.write { db in
            guard try GroupRow.deleteOne(db, key: id) else { throw EmulatorAPIError.accessDenied }
        }
    }

    // MARK: Members

    private func membership(_ db: Database, groupId: Int64, userId: Int64) throws -> GroupUserSummary? {
        let sql = """
            SELECT u.id AS userId, u.userName, u.displayName, u.enabled, g.id AS groupId, g.name AS groupName
            FROM group_member m JOIN user u ON u.id = m.userId JOIN "group" g ON g.id = m.groupId
            WHERE m.groupId = ? AND m.userId = ?
            """
        return try Row.fetchOne(db, sql: sql, arguments: [groupId, userId]).map(Self.memberSummary)
    }

    private static func memberSummary(_ row: Row) -> GroupUserSummary {
        GroupUserSummary(
            userId: row["userId"], userName: row["userName"], displayName: row["displayName"], enabled: row["enabled"],
            groupId: row["groupId"], groupName: row["groupName"]
        )
    }

    /// Members by user name; `userDomainId` -1 is the local directory.
    func members(groupId: Int64, includeInactive: Bool, userDomainId: Int? = nil, skip: Int, take: Int) async throws
        -> (records: [GroupUserSummary], total: Int)
    {
        try await databaseRead { db in
            guard try GroupRow.fetchOne(db, key: groupId) != nil else { throw EmulatorAPIError.accessDenied }
            var filter = includeInactive ? "" : "AND u.enabled = 1"
            var arguments: StatementArguments = [groupId]
            if let userDomainId {
                if userDomainId == -1 {
                    filter += " AND u.domain IS NULL"
                } else {
                    filter += " AND u.domain = ? COLLATE NOCASE"
                    arguments += [try self.domains(db)[Int64(userDomainId)] ?? "\u{0}"]
                }
            }
            let base = """
                FROM group_member m JOIN user u ON u.id = m.userId JOIN "group" g ON g.id = m.groupId
                WHERE m.groupId = ? \(filter)
                """
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(base)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT u.id AS userId, u.userName, u.displayName, u.enabled, g.id AS groupId, g.name AS groupName \(base) ORDER BY u.userName COLLATE NOCASE LIMIT ? OFFSET ?",
                arguments: arguments + [take, skip]
            )
            return (rows.map(Self.memberSummary), total)
        }
    }

    func member(groupId: Int64, userId: Int64) async throws -> GroupUserSummary {
        try await databaseRead { db in
            guard let found = try self.membership(db, groupId: groupId, userId: userId) else { throw EmulatorAPIError.accessDenied }
            return found
        }
    }

    /// Adds a user to a group (by id, or by user name). Adding a member twice is refused.
    func addMember(groupId: Int64, userId: Int64?, userName: String?, caller: Caller) async throws -> GroupUserSummary {
        try access.requireAdmin(caller)
        return try await writer.write { db in
            guard try GroupRow.fetchOne(db, key: groupId) != nil else { throw EmulatorAPIError.accessDenied }
            var user: UserRow?
            if let userId {
                user = try UserRow.fetchOne(db, key: userId)
            } else if let userName {
                user = try UserRow.filter(Column("userName") == userName).fetchOne(db)
            } else {
                throw EmulatorAPIError.invalid("UserId", "The UserId field is required.")
            }
            guard let user, let id = user.id else { throw EmulatorAPIError.accessDenied }
            if try self.membership(db, groupId: groupId, userId: id) != nil {
                throw EmulatorAPIError.badRequest("API_UserAlreadyInGroup", "User \(id) is already a member of group \(groupId).")
            }
            try db.execute(sql: "INSERT INTO group_member(groupId, userId) VALUES (?, ?)", arguments: [groupId, id])
            return try self.membership(db, groupId: groupId, userId: id)!
        }
    }

    func removeMember(groupId: Int64, userId: Int64, caller: Caller) async throws {
        try access.requireAdmin(caller)
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM group_member WHERE groupId = ? AND userId = ?", arguments: [groupId, userId])
            guard db.changesCount > 0 else { throw EmulatorAPIError.accessDenied }
        }
    }

    /// The groups of a user.
    func groupsOfUser(_ userId: Int64) async throws -> [GroupUserSummary] {
        try await databaseRead { db in
            let sql = """
                SELECT u.id AS userId, u.userName, u.displayName, u.enabled, g.id AS groupId, g.name AS groupName
                FROM group_member m JOIN user u ON u.id = m.userId JOIN "group" g ON g.id = m.groupId
                WHERE m.userId = ? ORDER BY g.name COLLATE NOCASE
                """
            return try Row.fetchAll(db, sql: sql, arguments: [userId]).map(Self.memberSummary)
        }
    }
}

extension DirectoryStore.UserInput: Redacting {
    var redactedDescription: String { "userName: \(userName ?? "unchanged"), password: \(password == nil ? "unchanged" : "<redacted>")" }
}
