import Foundation
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SecretRecordTests {
    @Test func dynamicRecordsCreateUpdateDeleteAndStayMasked() async throws {
        try await TestEmulator.withClient { client, _ in
            let folder = try await client.createFolders(path: "\\Records")
            var record = try await client.newSecretRecord(templateId: 6007, folderId: folder.id)
            #expect(record.isNew)
            record["NAME"] = "web01 root"
            try record.set("Machine", "web01")
            try record.set("username", "root")
            let password = try await record.generatePassword()
            try record.set("password", password)
            try record.set("Private Key Passphrase", try await record.generatePassword(field: "private-key-passphrase"))
            let unknown = #expect(throws: SecretServerError.self) { try record.set("nope", "x") }
            #expect(unknown?.message.contains("machine") == true)
            #expect(unknown?.message.contains(password) == false)

            let saved = try await record.create()
            #expect(!saved.isNew)
            #expect(saved.string("machine") == "web01")
            #expect(saved["folderId"]?.intValue == folder.id)
            #expect(saved["items"]?.arrayValue?.count == 6)
            for text in [saved.description, saved.debugDescription, "\(saved)"] {
                #expect(!text.contains(password))
                #expect(text.contains("password: ********"))
                #expect(text.contains("machine: web01"))
            }
            // A top-level property wins over a field of the same name.
            #expect(saved.string("name") == "web01 root")

            var fetched = try await client.secretRecord(id: saved.id)
            try fetched.set("notes", "via record")
            fetched["name"] = "web01 root (updated)"
            let updated = try await fetched.update()
            #expect(updated.string("notes") == "via record")
            #expect(try await client.secret(id: saved.id).name == "web01 root (updated)")
            await #expect(throws: SecretServerError.self) { try await updated.create() }
            try await updated.delete()
            #expect(try await client.secret(id: saved.id, includeInactive: true).active == false)
        }
    }
}
