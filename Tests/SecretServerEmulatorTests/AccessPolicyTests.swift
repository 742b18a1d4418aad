import Foundation
import HummingbirdTesting
import NIOCore
import SecretServerModels
import SesameTestSupport
import Testing

/// The one permission rule (`AccessPolicy`) answers alike for one secret and for a search: over generated folder
/// trees (inheriting or not), secrets (inheriting or not) and grants to a user and to their group, a secret is
/// found by search exactly when the user may read its summary (List), and both agree with a model of the rule
/// written here independently.
@Suite(.timeLimit(.minutes(5)))
struct AccessPolicyTests {
    /// A small deterministic generator (SplitMix64), so a failing shape can be repeated.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static func token(_ client: some TestClientProtocol, user: String, password: String) async throws -> String {
        try await client.execute(
            uri: "/SecretServer/oauth2/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "username=\(user)&password=\(password.formEncoded)&grant_type=password")
        ) { try #require($0.json["access_token"]?.stringValue) }
    }

    @Test(arguments: [UInt64(7), 20261130, 424242])
    func aSearchShowsExactlyTheSecretsTheUserMayList(seed: UInt64) async throws {
        try await withRouter { client in
            var random = Generator(state: seed)
            let admin = try await client.adminToken()
            let user = try await client.api(
                .post, "/v1/users", token: admin,
                json: """
                    {"userName": "policy-user", "displayName": "P", "password": "Policy-Passw0rd!x", "enabled": true}
                    """)
            let userId = try #require(user.json["id"]?.intValue, "\(user.text)")
            let group = try await client.api(.post, "/v1/groups", token: admin, json: #"{"name": "policy-group", "enabled": true}"#)
            let groupId = try #require(group.json["id"]?.intValue, "\(group.text)")
            _ = try await client.api(.post, "/v1/groups/\(groupId)/users", token: admin, json: #"{"userId": \#(userId)}"#)

            // Folders: a small forest, each inheriting or not, some with a grant to the user or the group.
            var parents: [Int: Int?] = [:]
            var inherits: [Int: Bool] = [:]
            var grants: [Int: Bool] = [:]  // folder id → holds a grant (with a secret role) of its own
            var folderIds: [Int] = []
            for index in 0..<8 {
                let parent = folderIds.isEmpty || random.next(3) == 0 ? nil : folderIds[random.next(folderIds.count)]
                let inherit = random.next(3) != 0
                let made = try await client.api(
                    .post, "/v1/folders", token: admin,
                    json: """
                        {"folderName": "p\(index)", "parentFolderId": \(parent ?? -1), "inheritPermissions": \(inherit)}
                        """)
                let id = try #require(made.json["id"]?.intValue, "\(made.text)")
                folderIds.append(id)
                parents[id] = parent
                inherits[id] = inherit
                if random.next(3) == 0 {
                    let principal = random.next(2) == 0 ? #""userId": \#(userId)"# : #""groupId": \#(groupId)"#
                    let granted = try await client.api(
                        .post, "/v1/folder-permissions", token: admin,
                        json: """
                            {"folderId": \(id), \(principal), "folderAccessRoleName": "View", "secretAccessRoleName": "List"}
                            """)
                    #expect(granted.status == .ok, "\(granted.text)")
                    grants[id] = true
                }
            }
            // Secrets: in a folder, inheriting or not, some shared directly.
            var expected: Set<Int> = []
            var secretIds: [Int] = []
            for index in 0..<24 {
                let folder = folderIds[random.next(folderIds.count)]
                let inherit = random.next(4) != 0
                let made = try await client.api(
                    .post, "/v1/secrets", token: admin,
                    json: """
                        {"name": "policy \(index)", "secretTemplateId": 2, "folderId": \(folder), "siteId": 1, "enableInheritPermissions": \(inherit),
                         "items": [{"fieldName": "Username", "itemValue": "u"}, {"fieldName": "Password", "itemValue": "Policy-Value-\(index)"}]}
                        """)
                let id = try #require(made.json["id"]?.intValue, "\(made.text)")
                secretIds.append(id)
                var shared = false
                if random.next(5) == 0 {
                    let principal = random.next(2) == 0 ? #""userId": \#(userId)"# : #""groupId": \#(groupId)"#
                    let granted = try await client.api(
                        .post, "/v1/secret-permissions", token: admin,
                        json: """
                            {"secretId": \(id), \(principal), "secretAccessRoleName": "View"}
                            """)
                    #expect(granted.status == .ok, "\(granted.text)")
                    shared = true
                }
                // The model: shared directly, or inheriting from a folder whose own or inherited grants reach it.
                var reaches = false
                var current: Int? = folder
                var seen: Set<Int> = []
                while let id = current, seen.insert(id).inserted {
                    if grants[id] == true { reaches = true; break }
                    current = inherits[id] == true ? parents[id] ?? nil : nil
                }
                if shared || (inherit && reaches) { expected.insert(id) }
            }

            let token = try await Self.token(client, user: "policy-user", password: "Policy-Passw0rd!x")
            let search = try await client.api(.get, "/v2/secrets?take=1000", token: token)
            let found = Set((search.json["records"]?.arrayValue ?? []).compactMap { $0["id"]?.intValue })
            var listable: Set<Int> = []
            for id in secretIds where try await client.api(.get, "/v1/secrets/\(id)/summary", token: token).status == .ok {
                listable.insert(id)
            }
            #expect(found == listable, "seed \(seed): search \(found.sorted()) but summaries \(listable.sorted())")
            #expect(found == expected, "seed \(seed): search \(found.sorted()) but the model says \(expected.sorted())")
            #expect(!expected.isEmpty && expected.count < secretIds.count, "seed \(seed) made a shape that tests nothing")
        }
    }
}
