import Foundation
import HummingbirdTesting
import NIOCore
@testable import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The list parameters the spec lists are honoured where the contract test says they are read: sorting, the
/// filters of users, roles, SDK clients, permissions, templates and audits; and refused, naming themselves, where
/// the local server cannot honour them.
@Suite(.timeLimit(.minutes(5)))
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
            let descending = Self.column(
                try await client.api(.get, "/v1/roles?sortBy[0].name=Name&sortBy[0].direction=Desc&take=100", token: token).json, "name")
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
            #expect(
                users.status == .badRequest && users.json["errorCode"]?.stringValue == "API_FilterNotSupported"
                    && users.text.contains("sortBy[0].name"), "\(users.text)")
            #expect(try await client.api(.get, "/v1/users?sortBy[0].name=userName&sortBy[0].direction=asc", token: token).status == .ok)
        }
    }

    @Test func userFiltersNarrowTheList() async throws {
        try await withRouter { client in
            let token = try await client.adminToken()
            var ids: [Int] = []
            for (name, email) in [("filter-ann", "ann@corp.example"), ("filter-bob", "bob@other.example")] {
                let created = try await client.api(
                    .post, "/v1/users", token: token,
                    json: """
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

            // Only administrators search by e-mail address: for others the matches would give the hidden addresses away.
            let annToken = try await client.execute(
                uri: "/SecretServer/oauth2/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=filter-ann&password=Filter-Passw0rd%21x&grant_type=password")
            ) { try #require($0.json["access_token"]?.stringValue) }
            let guessed = try await client.api(.get, "/v1/users?filter.userIds=\(ids[1])&filter.searchText=b&filter.searchFields=emailAddress", token: annToken)
            #expect(guessed.status == .badRequest && guessed.json["errorCode"]?.stringValue == "API_AccessDenied", "\(guessed.text)")
            let plainSearch = try await client.api(.get, "/v1/users?filter.searchText=filter-bob", token: annToken)
            #expect(Self.column(plainSearch.json, "userName") == ["filter-bob"])
            // A list parameter has a bound.
            let many = (0...QueryParameters.maximumListCount).map { "filter.userIds=\($0)" }.joined(separator: "&")
            let tooMany = try await client.api(.get, "/v1/users?\(many)", token: token)
            #expect(tooMany.status == .badRequest && tooMany.text.contains("filter.userIds"))
            // Contradicting options are refused, not guessed at.
            let contradiction = try await client.api(.get, "/v1/secrets/1?autoCheckout=false&noAutoCheckout=false", token: token)
            #expect(contradiction.status == .badRequest && contradiction.text.contains("autoCheckout"))

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
            let (folderId, secretId) = try await client.folderWithSecret(
                token: token, folder: "Filters", secret: "filtered", password: "Filter-Passw0rd!"
            )
            _ = try await client.api(.get, "/v1/secrets/\(secretId)", token: token)

            // Audits by action.
            let all = Self.column(try await client.api(.get, "/v1/secrets/\(secretId)/audits", token: token).json, "action")
            #expect(Set(all.map { $0.uppercased() }).count >= 2, "\(all)")
            let action = try #require(all.first)
            let only = Self.column(
                try await client.api(.get, "/v1/secrets/\(secretId)/audits?filter.auditActions=\(action.lowercased())", token: token).json, "action")
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

            // A user's counts cover only the secrets they can see.
            let counted = try await client.api(
                .post, "/v1/users", token: token,
                json: """
                    {"userName": "counter", "displayName": "Counter", "password": "Filter-Passw0rd!x", "enabled": true}
                    """)
            #expect(counted.status == .ok)
            let counterToken = try await client.execute(
                uri: "/SecretServer/oauth2/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=counter&password=Filter-Passw0rd%21x&grant_type=password")
            ) { try #require($0.json["access_token"]?.stringValue) }
            let theirs = try await client.api(.get, "/v1/secret-templates?filter.includeSecretCount=true&take=200", token: counterToken).json
            #expect(theirs["records"]?.arrayValue?.first { $0["id"]?.intValue == 2 }?["secretCount"]?.intValue == 0)

            // Folder permissions: exclusions by role, and breaking inheritance on delete.
            let user = try await client.api(
                .post, "/v1/users", token: token,
                json: """
                    {"userName": "perm-viewer", "displayName": "Viewer", "password": "Filter-Passw0rd!x", "enabled": true}
                    """)
            let userId = try #require(user.json["id"]?.intValue)
            let permission = try await client.api(
                .post, "/v1/folder-permissions", token: token,
                json: """
                    {"folderId": \(folderId), "userId": \(userId), "folderAccessRoleName": "View", "secretAccessRoleName": "View"}
                    """)
            let permissionId = try #require(permission.json["id"]?.intValue, "\(permission.text)")
            let listed = Self.column(try await client.api(.get, "/v1/folder-permissions?filter.folderId=\(folderId)", token: token).json, "id")
            #expect(listed.contains(String(permissionId)))
            let noViewers = Self.column(
                try await client.api(.get, "/v1/folder-permissions?filter.folderId=\(folderId)&filter.excludeViewers=true", token: token).json, "id")
            #expect(!noViewers.contains(String(permissionId)))
            #expect(try await client.api(.get, "/v1/folders/\(folderId)", token: token).json["inheritPermissions"]?.boolValue == true)
            // What the folder inherited becomes its own when it stops inheriting (the parent's grant to a group here).
            let group = try await client.api(.post, "/v1/groups", token: token, json: #"{"name": "filter-operators", "enabled": true}"#)
            let groupId = try #require(group.json["id"]?.intValue, "\(group.text)")
            let parentGrant = try await client.api(
                .post, "/v1/folder-permissions", token: token,
                json: """
                    {"folderId": \(folderId), "groupId": \(groupId), "folderAccessRoleName": "Edit", "secretAccessRoleName": "Edit"}
                    """)
            #expect(parentGrant.status == .ok, "\(parentGrant.text)")
            let child = try await client.api(
                .post, "/v1/folders", token: token,
                json: #"{"folderName": "Child", "parentFolderId": \#(folderId), "inheritPermissions": true}"#)
            let childId = try #require(child.json["id"]?.intValue)
            let own = try await client.api(
                .post, "/v1/folder-permissions", token: token,
                json: """
                    {"folderId": \(childId), "userId": \(userId), "folderAccessRoleName": "View", "secretAccessRoleName": "View"}
                    """)
            let ownId = try #require(own.json["id"]?.intValue, "\(own.text)")
            let deleted = try await client.api(.delete, "/v1/folder-permissions/\(ownId)?breakInheritance=true", token: token)
            #expect(deleted.status == .ok, "\(deleted.text)")
            #expect(try await client.api(.get, "/v1/folders/\(childId)", token: token).json["inheritPermissions"]?.boolValue == false)
            let kept = try await client.api(.get, "/v1/folder-permissions?filter.folderId=\(childId)", token: token).json
            let rows = kept["records"]?.arrayValue ?? []
            #expect(rows.contains { $0["groupId"]?.intValue == groupId && $0["folderAccessRoleName"]?.stringValue == "Edit" }, "\(rows)")
            // The user's own permission here, the one deleted, stood in for what they inherited: they keep nothing here.
            #expect(!rows.contains { $0["userId"]?.intValue == userId }, "\(rows)")
            // Without breakInheritance a delete leaves inheritance as it was.
            let plainDelete = try await client.api(.delete, "/v1/folder-permissions/\(permissionId)", token: token)
            #expect(plainDelete.status == .ok)
            #expect(try await client.api(.get, "/v1/folders/\(folderId)", token: token).json["inheritPermissions"]?.boolValue == true)

            // Secret permissions by user name.
            _ = try await client.api(
                .post, "/v1/secret-permissions", token: token,
                json: """
                    {"secretId": \(secretId), "userId": \(userId), "secretAccessRoleName": "View"}
                    """)
            let byName = Self.column(
                try await client.api(.get, "/v1/secret-permissions?filter.secretId=\(secretId)&filter.userName=perm-view", token: token).json, "userName")
            #expect(byName == ["perm-viewer"])
            let nobody = Self.column(
                try await client.api(.get, "/v1/secret-permissions?filter.secretId=\(secretId)&filter.userName=nobody", token: token).json, "userName")
            #expect(nobody.isEmpty)

            // A refused search filter names itself.
            let recent = try await client.api(.get, "/v2/secrets?filter.recentMinDateTime=2026-01-01", token: token)
            #expect(recent.status == .badRequest && recent.text.contains("filter.recentMinDateTime"))
            let scope = try await client.api(.get, "/v2/secrets?filter.scope=Recent", token: token)
            #expect(scope.status == .badRequest && scope.text.contains("filter.scope"))
            #expect(try await client.api(.get, "/v2/secrets?filter.scope=All", token: token).status == .ok)

            // A comment on a delete reaches the audit.
            let deactivated = try await client.api(.delete, "/v1/secrets/\(secretId)?autoComment=retired%20by%20INC-9", token: token)
            #expect(deactivated.status == .ok)
            let notes = try await client.api(.get, "/v1/secrets/\(secretId)/audits", token: token).json["records"]?.arrayValue ?? []
            #expect(notes.contains { $0["notes"]?.stringValue == "retired by INC-9" })
        }
    }

    /// The refusals hold under any base path, not only /SecretServer.
    @Test func refusalsHoldUnderAnotherBasePath() async throws {
        var configuration = TestEmulator.configuration()
        configuration.basePath = "/Vault"
        try await withRouter(configuration) { client in
            let token = try await client.adminToken(prefix: "/Vault")
            for prefix in ["/Vault", ""] {
                let scope = try await client.execute(
                    uri: "\(prefix)/api/v2/secrets?filter.scope=Recent", method: .get, headers: [.authorization: "Bearer \(token)"]
                ) { $0 }
                #expect(scope.status == .badRequest && scope.text.contains("filter.scope"), "\(prefix): \(scope.text)")
                let users = try await client.execute(
                    uri: "\(prefix)/api/v1/users?sortBy[0].name=displayName", method: .get, headers: [.authorization: "Bearer \(token)"]
                ) { $0 }
                #expect(users.status == .badRequest && users.text.contains("sortBy[0].name"), "\(prefix): \(users.text)")
            }
        }
    }
}
