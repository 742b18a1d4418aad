import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// Deactivated secrets as the spec describes them (DELETE /v1/secrets/{id}): hidden from users without View
/// Inactive Secrets, reachable with it and Owner (administrators), in searches only with filter.includeInactive;
/// a whole-secret PUT carrying `active: false` deactivates and answers the saved secret.
@Suite(.timeLimit(.minutes(5)))
struct InactiveSecretTests {
    @Test func administratorsReadDeactivatedSecretsAndOthersDoNot() async throws {
        try await TestEmulator.withClient { admin, server in
            let ownerId = try await admin.createUser(NewUser(userName: "keeper", password: "keeper-Passw0rd")).id
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "retired db"
            stub.setValue("u", forItem: "username")
            stub.setValue("Retired-Value-1", forItem: "password")
            let created = try await admin.createSecret(stub)
            _ = try await admin.grant(.owner, onSecret: created.id, to: .user(ownerId))

            // A typed client saves the whole secret back with active: false.
            var whole = try await admin.secret(id: created.id)
            whole.active = false
            let saved = try await admin.updateSecret(whole)
            #expect(saved.active == false && saved.item("password")?.itemValue == "Retired-Value-1")

            let read = try await admin.secret(id: created.id)
            #expect(read.active == false && read.item("password")?.itemValue == "Retired-Value-1")
            #expect(try await admin.fieldValue(secretId: created.id, slug: "password") == "Retired-Value-1")
            #expect(try await admin.secretSummary(id: created.id).active == false)
            #expect(try await admin.secret(path: "\\retired db").id == created.id)

            // Search: only with filter.includeInactive.
            let plain = try await admin.searchSecrets(SecretSearch(text: "retired")).collect()
            #expect(plain.isEmpty)
            let inactive = try await admin.searchSecrets(SecretSearch(text: "retired", includeInactive: true)).collect()
            #expect(inactive.map(\.id) == [created.id])

            // An Owner without View Inactive Secrets: hidden, whatever the request says.
            let keeper = try SecretServerClient(
                configuration: .init(
                    baseURL: server.baseURL, credentials: .password(username: "keeper", password: "keeper-Passw0rd"), retry: .none
                ))
            do {
                for attempt in [
                    { _ = try await keeper.secret(id: created.id) },
                    { _ = try await keeper.secretSummary(id: created.id) },
                    { _ = try await keeper.fieldValue(secretId: created.id, slug: "password") },
                    { _ = try await keeper.send(method: "GET", path: "/v1/secrets/\(created.id)", query: [("includeInactive", "true")]) },
                ] as [@Sendable () async throws -> Void] {
                    await #expect { try await attempt() } throws: { ($0 as? SecretServerError)?.errorCode == "API_AccessDenied" }
                }
                #expect(try await keeper.searchSecrets(SecretSearch(text: "retired", includeInactive: true)).collect().isEmpty)
                // Nor its audit trail, nor a change of its name through PATCH general.
                await #expect { _ = try await keeper.send(method: "GET", path: "/v1/secrets/\(created.id)/audits") } throws: {
                    ($0 as? SecretServerError)?.errorCode == "API_AccessDenied"
                }
                let rename = #"{"data": {"name": {"dirty": true, "value": "renamed"}}}"#
                await #expect {
                    _ = try await keeper.send(method: "PATCH", path: "/v1/secrets/\(created.id)/general", body: Data(rename.utf8))
                } throws: { ($0 as? SecretServerError)?.errorCode == "API_AccessDenied" }
                #expect(try await admin.secret(id: created.id).name == "retired db")

                // Restored by the administrator: the owner reads it again.
                try await admin.activateSecret(id: created.id)
                #expect(try await keeper.secret(id: created.id).active == true)
                // The owner's search did work: active again, the secret is found.
                #expect(try await keeper.searchSecrets(SecretSearch(text: "retired")).collect().map(\.id) == [created.id])
            } catch {
                try? await keeper.shutdown()
                throw error
            }
            try await keeper.shutdown()
        }
    }
}
