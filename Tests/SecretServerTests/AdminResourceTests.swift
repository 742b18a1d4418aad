import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct AdminResourceTests {
    @Test func rolesOfUsersAndGroupsDecideWhoAdministers() async throws {
        try await TestEmulator.withClient { client, server in
            let me = try await client.currentUser()
            #expect(try await client.roles(ofUser: me.id).map(\.name) == ["Administrator"])
            let ivy = try await client.createUser(NewUser(userName: "ivy", password: "ivy-Passw0rd"))
            #expect(try await client.roles(ofUser: ivy.id).map(\.name) == ["User"])
            let admins = try await client.createGroup(name: "admins")
            let administrator = try #require(try await client.roles().first { $0.name == "Administrator" })
            try await client.assignRoles([administrator.id], toGroup: admins.id)
            #expect(try await client.roles(ofGroup: admins.id).map(\.name) == ["Administrator"])
            let ivyConfiguration = SecretServerClient.Configuration(
                baseURL: server.baseURL, credentials: .password(username: "ivy", password: "ivy-Passw0rd"))
            try await SecretServerClient.withClient(configuration: ivyConfiguration) { ivyClient in
                await #expect(throws: SecretServerError.self) { try await ivyClient.createGroup(name: "ivy's") }
                try await client.addGroupMember(groupId: admins.id, userId: ivy.id)
                let roles = try await ivyClient.roles(ofUser: ivy.id)
                #expect(roles.map(\.name) == ["Administrator", "User"])
                let made = try await ivyClient.createGroup(name: "ivy's")
                #expect(made.name == "ivy's")
                try await client.removeRoles([administrator.id], fromGroup: admins.id)
                await #expect(throws: SecretServerError.self) { try await ivyClient.createGroup(name: "ivy's second") }
            }
            let unknown = await #expect(throws: SecretServerError.self) { try await client.assignRoles([999], toUser: ivy.id) }
            #expect(unknown?.errorCode == "API_RoleNotFound")
        }
    }

    @Test func rolesSitesTeamsAndPolicies() async throws {
        try await TestEmulator.withClient { client, server in
            #expect(try await client.roles().map(\.name) == ["Administrator", "User"])
            let auditors = try await client.createRole(name: "Auditors")
            #expect(!auditors.isSystem && auditors.enabled)
            try await client.updateRole(id: auditors.id, enabled: false)
            #expect(try await client.roles().map(\.name) == ["Administrator", "User"])
            #expect(try await client.roles(includeInactive: true).count == 3)
            let system = await #expect(throws: SecretServerError.self) { try await client.updateRole(id: 1, name: "Root") }
            #expect(system?.errorCode == "API_SystemRole")

            #expect(try await client.sites().map(\.siteName) == ["Local"])

            let ops = try await client.createGroup(name: "ops")
            let dbas = try await client.createGroup(name: "dbas")
            let team = try await client.createTeam(name: "Platform", description: "platform team")
            #expect(team.teamName == "Platform" && team.active)
            try await client.addTeamMembers(teamId: team.teamId, groupIds: [ops.id, dbas.id])
            #expect(try await client.teamMembers(teamId: team.teamId).map(\.groupDisplayName) == ["dbas", "ops"])
            try await client.removeTeamMembers(teamId: team.teamId, groupIds: [dbas.id])
            #expect(try await client.teamMembers(teamId: team.teamId).map(\.groupId) == [ops.id])
            let unknownGroup = await #expect(throws: SecretServerError.self) { try await client.addTeamMembers(teamId: team.teamId, groupIds: [9999]) }
            #expect(unknownGroup?.code == .accessDenied)
            // The v1 form: {"groupIds": {"dirty": true, "value": [...]}}, answered with a bare array.
            let v1 = try await client.send(
                method: "POST", path: "/v1/teams/\(team.teamId)/members",
                body: Data(#"{"groupIds":{"dirty":true,"value":[\#(dbas.id)]}}"#.utf8)
            ).json()
            #expect(v1.arrayValue?.count == 2)
            #expect(try await client.teams(search: "plat").map(\.teamId) == [team.teamId])

            let generalItems: JSONValue = .object(JSONObject([("requireCheckOut", .object(JSONObject([("value", .bool(true))])))]))
            let policy = try await client.createSecretPolicy(name: "Strict", description: "check-out", generalItems: generalItems)
            #expect(policy.generalItems?["requireCheckOut"]?["value"] == .bool(true))
            #expect(try await client.secretPolicies().map(\.secretPolicyName) == ["Strict"])
            let renamed = try await client.updateSecretPolicy(id: policy.secretPolicyId, name: "Stricter")
            #expect(renamed.secretPolicyName == "Stricter" && renamed.generalItems == policy.generalItems)
            // PowerShell's legacy v1 route reads the same policy.
            #expect(try await client.send(method: "GET", path: "/v1/secret-policy/\(policy.secretPolicyId)").json()["secretPolicyName"] == "Stricter")
            var stub = try await client.secretStub(templateId: 2)
            stub.name = "governed"
            stub.setValue("u", forItem: "username")
            stub.setValue("p", forItem: "password")
            stub.secretPolicyId = policy.secretPolicyId
            _ = try await client.createSecret(stub)
            #expect(try await client.secretPolicy(id: policy.secretPolicyId).affectedSecretCount == 1)

            // Administration is for administrators.
            _ = try await client.createUser(NewUser(userName: "nina", password: "nina-Passw0rd"))
            let nina = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "nina", password: "nina-Passw0rd"))
            try await SecretServerClient.withClient(configuration: nina) { nina in
                let sites = try await nina.sites()
                #expect(sites.count == 1)
                await #expect(throws: SecretServerError.self) { try await nina.roles() }
                await #expect(throws: SecretServerError.self) { try await nina.createTeam(name: "mine") }
                await #expect(throws: SecretServerError.self) { try await nina.createSecretPolicy(name: "mine") }
            }
        }
    }
}
