import Foundation
import HummingbirdTesting
import SecretServerModels
import SesameTestSupport
import Testing

/// The list parameters the spec lists are honoured where the contract test says they are read: sorting, the
/// filters of users, roles, SDK clients, permissions, templates and audits; and refused, naming themselves, where
/// the local server cannot honour them.
struct ListFilterTests {
    /// The `key` of every record of a page.
    static func column(_ page: JSONValue, _ key: String) -> [String] {
        (page["records"]?.arrayValue ?? page.arrayValue ?? []).map { $0[key]?.stringValue ?? "" }
    }

    @Test func listsSortByAnyPropertyOfTheirRecordsAndRefuseAnUnknownOne() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            for name in ["Zeta Role", "alpha role", "Mid Role"] {
                let created = try await client.api(.post, "/v1/roles", token: token, json: #"{"name": "\#(name)", "enabled": true}"#)
                #expect(created.status == .ok, "\(created.text)")
            }
            let ascending = Self.column(try await client.api(.get, "/v1/roles?sortBy[0].name=name&sortBy[0].direction=asc&take=100", token: token).json, "name")
            let descending = Self.column(try await client.api(.get, "/v1/roles?sortBy[0].name=Name&sortBy[0].direction=Desc&take=100", token: token).json, "name")
            #expect(ascending.count >= 3)
            #expect(ascending == ascending.sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending })
            #expect(descending == ascending.reversed())
            // Paging cuts the sorted list.
            let second = Self.column(try await client.api(.get, "/v1/roles?sortBy[0].name=name&skip=1&take=1", token: token).json, "name")
            #expect(second == [ascending[1]])

            let unknown = try await client.api(.get, "/v1/roles?sortBy[0].name=shoeSize", token: token)
            #expect(unknown.status == .badRequest && unknown.text.contains("sortBy[0].name") && unknown.text.contains("shoeSize"))
            let sideways = try await client.api(.get, "/v1/roles?sortBy[0].direction=sideways", token: token)
            #expect(sideways.status == .badRequest && sideways.text.contains("sortBy[0].direction"))
            // A list the store pages in its own order refuses another, naming it.
            let users = try await client.api(.get, "/v1/users?sortBy[0].name=displayName", token: token)
            #expect(users.status == .badRequest && users.json["errorCode"]?.stringValue == "API_FilterNotSupported"
                && users.text.contains("sortBy[0].name"), "\(users.text)")
            #expect(try await client.api(.get, "/v1/users?sortBy[0].name=userName&sortBy[0].direction=asc", token: token).status == .ok)
        }
    }

    @Test func userFiltersNarrowTheList() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            var ids: [Int] = []
            for (name, email) in [("filter-ann", "ann@corp.example"), ("filter-bob", "bob@other.example")] {
                let created = try await client.api(.post, "/v1/users", token: token, json: """
                    {"userName": "\(name)", "displayName": "\(name)", "password": "Filter-Passw0rd!x", "emailAddress": "\(email)", "enabled": true}
                    """)
                ids.append(try #require(created.json["id"]?.intValue, "\(created.text)"))
            }
            let byId = try await client.api(.get, "/v1/users?filter.userIds=\(ids[1])", token: token)
            #expect(Self.column(byId.json, "userName") == ["filter-bob"])
            let byEmail = try await client.api(.get, "/v1/users?filter.searchText=corp.example&filter.searchFields=emailAddress", token: token)
            #expect(Self.column(byEmail.json, "userName") == ["filter-ann"])
            // By default the text is looked for in the names only.
            let byName = try await client.api(.get, "/v1/users?filter.searchText=corp.example", token: token)
            #expect(Self.column(byName.json, "userName").isEmpty)
            let badField = try await client.api(.get, "/v1/users?filter.searchText=x&filter.searchFields=shoeSize", token: token)
            #expect(badField.status == .badRequest && badField.text.contains("filter.searchFields"))

            // Roles held by a user: the same as the user's own roles route.
            let roleIds = Set(Self.column(try await client.api(.get, "/v1/users/\(ids[0])/roles", token: token).json, "roleId"))
            let filtered = Set(Self.column(try await client.api(.get, "/v1/roles?filter.userId=\(ids[0])&take=100", token: token).json, "id"))
            let all = Set(Self.column(try await client.api(.get, "/v1/roles?take=100", token: token).json, "id"))
            #expect(filtered == roleIds)
            #expect(filtered.count < all.count)
        }
    }

    @Test func auditsTemplatesAndPermissionsHonourTheirFilters() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            let folder = try await client.api(.post, "/v1/folders", token: token,
                                              json: #"{"folderName": "Filters", "parentFolderId": -1, "inheritPermissions": true}"#)
            let folderId = try #require(folder.json["id"]?.intValue)
            let secret = try await client.api(.post, "/v1/secrets", token: token, json: """
                {"name": "filtered", "secretTemplateId": 2, "folderId": \(folderId), "siteId": 1,
                 "items": [{"fieldName": "Username", "itemValue": "u"}, {"fieldName": "Password", "itemValue": "Filter-Passw0rd!"}]}
                """)
            let secretId = try #require(secret.json["id"]?.intValue)
            _ = try await client.api(.get, "/v1/secrets/\(secretId)", token: token)

            // Audits by action.
            let all = Self.column(try await client.api(.get, "/v1/secrets/\(secretId)/audits", token: token).json, "action")
            #expect(Set(all.map { $0.uppercased() }).count >= 2, "\(all)")
            let action = try #require(all.first)
            let only = Self.column(try await client.api(.get, "/v1/secrets/\(secretId)/audits?filter.auditActions=\(action.lowercased())", token: token).json, "action")
            #expect(!only.isEmpty && only.allSatisfy { $0.uppercased() == action.uppercased() } && only.count < all.count)
            let exporting = try await client.api(.get, "/v1/secrets/\(secretId)/audits?isExporting=true", token: token)
            #expect(exporting.status == .badRequest && exporting.text.contains("isExporting"))

            // Templates with their secret counts.
            let templates = try await client.api(.get, "/v1/secret-templates?filter.includeSecretCount=true&take=200", token: token).json
            let password = templates["records"]?.arrayValue?.first { $0["id"]?.intValue == 2 }
            #expect((password?["secretCount"]?.intValue ?? 0) >= 1)
            let withoutCounts = try await client.api(.get, "/v1/secret-templates?take=200", token: token).json
            #expect(withoutCounts["records"]?.arrayValue?.first { $0["id"]?.intValue == 2 }?["secretCount"]?.intValue == nil)
            let heartbeat = try await client.api(.get, "/v1/secret-templates?filter.heartbeatEnabled=true", token: token).json
            #expect(heartbeat["records"]?.arrayValue?.isEmpty == true)

            // Folder permissions: exclusions by role, and breaking inheritance on delete.
            let user = try await client.api(.post, "/v1/users", token: token, json: """
                {"userName": "perm-viewer", "displayName": "Viewer", "password": "Filter-Passw0rd!x", "enabled": true}
                """)
            let userId = try #require(user.json["id"]?.intValue)
            let permission = try await client.api(.post, "/v1/folder-permissions", token: token, json: """
                {"folderId": \(folderId), "userId": \(userId), "folderAccessRoleName": "View", "secretAccessRoleName": "View"}
                """)
            let permissionId = try #require(permission.json["id"]?.intValue, "\(permission.text)")
            let listed = Self.column(try await client.api(.get, "/v1/folder-permissions?filter.folderId=\(folderId)", token: token).json, "id")
            #expect(listed.contains(String(permissionId)))
            let noViewers = Self.column(try await client.api(.get, "/v1/folder-permissions?filter.folderId=\(folderId)&filter.excludeViewers=true", token: token).json, "id")
            #expect(!noViewers.contains(String(permissionId)))
            #expect(try await client.api(.get, "/v1/folders/\(folderId)", token: token).json["inheritPermissions"]?.boolValue == true)
            let deleted = try await client.api(.delete, "/v1/folder-permissions/\(permissionId)?breakInheritance=true", token: token)
            #expect(deleted.status == .ok, "\(deleted.text)")
            #expect(try await client.api(.get, "/v1/folders/\(folderId)", token: token).json["inheritPermissions"]?.boolValue == false)

            // Secret permissions by user name.
            _ = try await client.api(.post, "/v1/secret-permissions", token: token, json: """
                {"secretId": \(secretId), "userId": \(userId), "secretAccessRoleName": "View"}
                """)
            let byName = Self.column(try await client.api(.get, "/v1/secret-permissions?filter.secretId=\(secretId)&filter.userName=perm-view", token: token).json, "userName")
            #expect(byName == ["perm-viewer"])
            let nobody = Self.column(try await client.api(.get, "/v1/secret-permissions?filter.secretId=\(secretId)&filter.userName=nobody", token: token).json, "userName")
            #expect(nobody.isEmpty)

            // A refused search filter names itself.
            let recent = try await client.api(.get, "/v2/secrets?filter.recentMinDateTime=2026-01-01", token: token)
            #expect(recent.status == .badRequest && recent.text.contains("filter.recentMinDateTime"))
            let scope = try await client.api(.get, "/v2/secrets?filter.scope=Recent", token: token)
            #expect(scope.status == .badRequest && scope.text.contains("filter.scope"))
            #expect(try await client.api(.get, "/v2/secrets?filter.scope=All", token: token).status == .ok)
        }
    }
}
