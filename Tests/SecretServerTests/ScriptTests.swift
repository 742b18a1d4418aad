import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ScriptTests {
    @Test func userScriptsCreateListReadAndPatch() async throws {
        try await TestEmulator.withClient { client, server in
            let heartbeat = try await client.createScript(name: "Unix heartbeat", type: .ssh, script: "echo ok\n", description: "checks")
            _ = try await client.createScript(name: "Rotate SQL", type: .sql, script: "ALTER LOGIN ...")
            let all = try await client.searchScripts().collect()
            #expect(all.map(\.name) == ["Rotate SQL", "Unix heartbeat"])
            #expect(try await client.searchScripts(type: .ssh).collect().map(\.scriptId) == [heartbeat.scriptId])
            let saved = try await client.updateScript(id: heartbeat.scriptId, script: "echo ok\necho again\n")
            #expect(saved.script == "echo ok\necho again\n" && saved.name == "Unix heartbeat" && saved.description == "checks")
            #expect(try await client.script(id: heartbeat.scriptId).script == "echo ok\necho again\n")
            try await client.updateScript(id: heartbeat.scriptId, isActive: false)
            #expect(try await client.searchScripts().collect().map(\.name) == ["Rotate SQL"])
            let bad = await #expect(throws: SecretServerError.self) {
                try await client.send(method: "POST", path: "/v2/userscripts", body: Data(#"{"data":{"name":"x","scriptType":"Cobol"}}"#.utf8))
            }
            #expect(bad?.status == 400)
            // Scripts are for administrators.
            _ = try await client.createUser(NewUser(userName: "sam", password: "sam-Passw0rd"))
            let sam = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "sam", password: "sam-Passw0rd"))
            try await SecretServerClient.withClient(configuration: sam) { sam in
                let denied = await #expect(throws: SecretServerError.self) { try await sam.script(id: heartbeat.scriptId) }
                #expect(denied?.code == .accessDenied)
            }
        }
    }
}
