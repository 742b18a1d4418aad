import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct RestrictedAccessTests {
    func makeSecret(_ client: SecretServerClient, _ change: (inout SecretModel) -> Void = { _ in }) async throws -> SecretModel {
        var stub = try await client.secretStub(templateId: 2)
        stub.name = "restricted"
        stub.setValue("u", forItem: "username")
        stub.setValue("Restricted-Pw-1", forItem: "password")
        change(&stub)
        return try await client.createSecret(stub)
    }

    func user(_ server: EmulatorServer, _ name: String) throws -> SecretServerClient {
        try SecretServerClient(
            configuration: .init(
                baseURL: server.baseURL, credentials: .password(username: name, password: "\(name)-Passw0rd"), retry: .none
            ))
    }

    @Test func aSecretThatRequiresACommentIsReadWithOne() async throws {
        try await TestEmulator.withClient { client, _ in
            let secret = try await makeSecret(client) { $0.requiresComment = true }
            let plain = await #expect(throws: SecretServerError.self) { try await client.secret(id: secret.id) }
            #expect(plain?.errorCode == "API_ValidateSecretAccessCommentRequired")
            #expect(plain?.message == "The requested Secret requires a comment when viewed.")
            let field = await #expect(throws: SecretServerError.self) { try await client.fieldValue(secretId: secret.id, slug: "password") }
            #expect(field?.errorCode == "API_ValidateSecretAccessCommentRequired")
            let read = try await client.secret(id: secret.id, access: SecretRestrictedArgs(comment: "INC-42 rotation", ticketNumber: "INC-42"))
            #expect(read.item("password")?.itemValue == "Restricted-Pw-1")
            #expect(read.requiresComment && read.isRestricted)
            let value = try await client.fieldValue(secretId: secret.id, slug: "password", access: SecretRestrictedArgs(comment: "again"))
            #expect(value == "Restricted-Pw-1")
            // Java's SDK sends the comment as the autoComment query option on a plain GET.
            let viaQuery = try await client.send(method: "GET", path: "/v1/secrets/\(secret.id)", query: [("autoComment", "java sdk")])
            #expect(viaQuery.status == 200)
            let views = try await client.secretAudits(id: secret.id).collect().filter { $0.action == "VIEW" }
            #expect(views.map(\.notes) == ["java sdk", "again", "INC-42 rotation"])
            #expect(views.last?.ticketNumber == "INC-42")
            #expect(try await client.secretState(id: secret.id).secretState == "RequiresComment")
        }
    }

    @Test func checkOutGivesOneUserAtATimeAccess() async throws {
        try await TestEmulator.withClient { admin, server in
            let secret = try await makeSecret(admin) {
                $0.checkOutEnabled = true
                $0.checkOutIntervalMinutes = 30
            }
            for name in ["anna", "ben"] {
                let user = try await admin.createUser(NewUser(userName: name, password: "\(name)-Passw0rd"))
                _ = try await admin.grant(.edit, onSecret: secret.id, to: .user(user.id))
            }
            let anna = try user(server, "anna")
            let ben = try user(server, "ben")
            defer {
                Task {
                    try? await anna.shutdown(); try? await ben.shutdown()
                }
            }

            #expect(try await ben.secretState(id: secret.id).secretState == "RequiresCheckout")
            let noAuto = await #expect(throws: SecretServerError.self) {
                try await anna.secret(id: secret.id, access: SecretRestrictedArgs(noAutoCheckout: true))
            }
            #expect(noAuto?.errorCode == "API_ValidateSecretAccessCheckoutRequired")
            // Reading checks it out to Anna.
            let read = try await anna.secret(id: secret.id)
            #expect(read.checkedOut && read.checkOutUserDisplayName == "anna" && read.checkOutMinutesRemaining == 30)
            let state = try await anna.secretState(id: secret.id)
            #expect(state.isCheckedOutByCurrentUser && state.secretState == "None")
            // Ben can neither read nor change it meanwhile.
            let blocked = await #expect(throws: SecretServerError.self) { try await ben.secret(id: secret.id) }
            #expect(blocked?.errorCode == "API_SecretCheckedOut")
            #expect(blocked?.message.contains("anna") == true)
            let change = await #expect(throws: SecretServerError.self) { try await ben.setFieldValue(secretId: secret.id, slug: "notes", value: "x") }
            #expect(change?.errorCode == "API_SecretCheckedOut")
            let steal = await #expect(throws: SecretServerError.self) { try await ben.checkIn(secretId: secret.id) }
            #expect(steal?.errorCode == "API_SecretCheckedOut")
            let extended = try #require(try await anna.extendCheckOut(secretId: secret.id, minutes: 15))
            #expect(extended.timeIntervalSinceNow > 40 * 60)
            try await anna.checkIn(secretId: secret.id)
            #expect(try await ben.fieldValue(secretId: secret.id, slug: "password") == "Restricted-Pw-1")
            // An Owner ends anyone's check-out with forceCheckIn.
            let forced = await #expect(throws: SecretServerError.self) { try await admin.checkIn(secretId: secret.id) }
            #expect(forced?.errorCode == "API_SecretCheckedOut")
            try await admin.checkIn(secretId: secret.id, access: SecretRestrictedArgs(forceCheckIn: true))
            #expect(try await admin.secretState(id: secret.id).isCheckedOut == false)
            let actions = try await admin.secretAudits(id: secret.id).collect().map(\.action)
            #expect(actions.filter { $0 == "CHECKOUT" }.count == 2)
            #expect(actions.filter { $0 == "CHECKIN" }.count == 2)
            #expect(actions.contains("CHECKOUTEXTENDED") && actions.contains("PERMISSIONADDED") && actions.last == "CREATE")
        }
    }

    @Test func lifecycleActions() async throws {
        try await TestEmulator.withClient { client, _ in
            let secret = try await makeSecret(client)
            #expect(try await client.expireSecret(id: secret.id).daysUntilExpiration == 0)
            let changed = try await client.changePassword(id: secret.id)
            #expect(changed.daysUntilExpiration == nil)
            let generated = try await client.fieldValue(secretId: secret.id, slug: "password")
            #expect(generated != "Restricted-Pw-1" && generated.count >= 12)
            try await client.changePassword(id: secret.id, newPassword: "Chosen-Pw-9")
            #expect(try await client.fieldValue(secretId: secret.id, slug: "password") == "Chosen-Pw-9")
            #expect(try await client.secret(id: secret.id).lastPasswordChangeAttempt != WireDate.never)
            #expect(try await client.heartbeat(id: secret.id).lastHeartBeatStatus == "Success")
            try await client.deleteSecret(id: secret.id)
            #expect(try await client.secretState(id: secret.id).secretState == "RequiresUndelete")
            try await client.activateSecret(id: secret.id)
            #expect(try await client.secret(id: secret.id).active)
            let actions = try await client.secretAudits(id: secret.id).collect().map(\.action)
            #expect(actions.starts(with: ["VIEW", "ACTIVATE", "DEACTIVATE", "HEARTBEAT"]))
            #expect(Set(["EXPIRE", "CHANGEPASSWORD", "CREATE"]).isSubset(of: Set(actions)))
        }
    }
}
