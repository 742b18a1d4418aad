import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ClientFlowTests {
    @Test func everydayFlowsOverHTTP() async throws {
        try await TestEmulator.withClient { client, _ in
            #expect(try await client.healthCheck().healthy)
            #expect(try await client.version() == "11.7.000061")
            #expect(try await client.currentUser().userName == "admin")

            let template = try #require(try await client.template(named: "password"))
            #expect(template.id == 2)
            let folder = try await client.createFolders(path: "/Prod/Databases")
            #expect(folder.folderPath == "\\Prod\\Databases")
            #expect(try await client.createFolders(path: "\\Prod\\Databases").id == folder.id)

            let generated = try await client.generatePassword(fieldId: 7)
            var stub = try await client.secretStub(templateId: 2, folderId: folder.id)
            stub.name = "db01 root"
            stub.folderId = folder.id
            stub.setValue("root", forItem: "username")
            stub.setValue(generated, forItem: "password")
            let created = try await client.createSecret(stub)
            #expect(created.id > 0)

            #expect(try await client.secret(id: created.id).item("password")?.itemValue == generated)
            #expect(try await client.secret(path: "Prod/Databases/db01 root").id == created.id)
            #expect(try await client.fieldValue(secretId: created.id, slug: "username") == "root")

            let modified = try await client.modifySecret(id: created.id) { $0.setValue("rotated", forItem: "notes") }
            #expect(modified.item("notes")?.itemValue == "rotated")
            #expect(modified.item("password")?.itemValue == generated)
            try await client.setFieldValue(secretId: created.id, slug: "notes", value: "again")
            #expect(try await client.fieldValue(secretId: created.id, slug: "notes") == "again")
            let summary = try await client.secretSummary(id: created.id)
            #expect(summary.folderPath == "\\Prod\\Databases")

            let deleted = try await client.deleteSecret(id: created.id)
            #expect(deleted.objectType == "Secret")
            // Deactivated: the administrator still reads it (InactiveSecretTests covers everyone else).
            #expect(try await client.secret(id: created.id).active == false)
            #expect(try await client.secret(id: created.id, includeInactive: true).active == false)
        }
    }

    @Test func searchWalksEveryPageWithoutCapOrDuplicates() async throws {
        try await TestEmulator.withClient { client, _ in
            var stub = try await client.secretStub(templateId: 2)
            stub.setValue("u", forItem: "username")
            stub.setValue("p", forItem: "password")
            for index in 0..<53 {
                stub.name = "paged-\(index)"
                _ = try await client.createSecret(stub)
            }
            let search = SecretSearch(text: "paged-", pageSize: 7)
            let all = try await client.searchSecrets(search).collect()
            #expect(all.count == 53)
            #expect(Set(all.map(\.id)).count == 53)
            #expect(try await client.countSecrets(search) == 53)
            let first = try await client.searchSecrets(search).firstPage()
            #expect(first.records.count == 7 && first.total == 53 && first.hasNext)
            var early = 0
            for try await _ in client.searchSecrets(search) {
                early += 1
                if early == 10 { break }
            }
            #expect(early == 10)
            let folders = try await client.searchFolders().collect()
            #expect(folders.contains { $0.folderName == "Personal Folders" })
            let templates = try await client.searchTemplates(pageSize: 2).collect()
            #expect(templates.count >= 7)
        }
    }

    /// The server keeps a search's ordered result while it is paged through; every change in between shows on
    /// the next page asked for (renames, new and deleted secrets), exactly as a fresh query would.
    @Test func pagesShowChangesMadeBetweenThem() async throws {
        try await TestEmulator.withClient { client, _ in
            var stub = try await client.secretStub(templateId: 2)
            stub.setValue("u", forItem: "username")
            stub.setValue("p", forItem: "password")
            var ids: [Int] = []
            for index in 0..<6 {
                stub.name = "between-\(index)"
                ids.append(try await client.createSecret(stub).id)
            }
            func page(_ skip: Int) async throws -> Page<SecretSummary> {
                let answer = try await client.send(
                    method: "GET", path: "/v1/secrets", query: [("filter.searchText", "between-"), ("skip", "\(skip)"), ("take", "2")]
                )
                return try JSONDecoder().decode(Page<SecretSummary>.self, from: answer.body)
            }
            let first = try await page(0)
            #expect(first.records.map(\.name) == ["between-0", "between-1"] && first.total == 6)
            var renamed = try await client.secret(id: ids[5])
            renamed.name = "between-00"
            _ = try await client.updateSecret(renamed)
            _ = try await client.deleteSecret(id: ids[2])
            let second = try await page(2)
            #expect(second.records.map(\.name) == ["between-1", "between-3"] && second.total == 5)
            stub.name = "between-0a"
            _ = try await client.createSecret(stub)
            let third = try await page(4)
            #expect(third.records.map(\.name) == ["between-3", "between-4"] && third.total == 6)
        }
    }

    @Test func fileFieldsRoundTrip() async throws {
        try await TestEmulator.withClient { client, _ in
            var stub = try await client.secretStub(templateId: 6007)
            stub.name = "web01"
            stub.setValue("web01", forItem: "machine")
            stub.setValue("root", forItem: "username")
            let created = try await client.createSecret(stub)
            let key = Data("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n".utf8) + Data([0, 255, 10])
            try await client.setFieldFile(secretId: created.id, slug: "private-key", data: key, fileName: "id_ed25519")
            let file = try await client.fieldFile(secretId: created.id, slug: "private-key")
            #expect(file.data == key)
            #expect(file.fileName == "id_ed25519")
            let item = try #require(try await client.secret(id: created.id).item("private-key"))
            #expect(item.isFile && item.fileAttachmentId != nil && item.filename == "id_ed25519")
            try await client.removeFieldFile(secretId: created.id, slug: "private-key")
            #expect(try await client.secret(id: created.id).item("private-key")?.fileAttachmentId == nil)
            let gone = await #expect(throws: SecretServerError.self) { try await client.fieldFile(secretId: created.id, slug: "private-key") }
            #expect(gone?.errorCode == "API_FileNotFound")
            let folder = try await client.createFolders(path: "\\Keys")
            try await client.patchSecretGeneral(id: created.id, name: "web01 (moved)", folderId: folder.id)
            let moved = try await client.secret(id: created.id)
            #expect(moved.name == "web01 (moved)" && moved.folderId == folder.id && moved.item("machine")?.itemValue == "web01")
        }
    }
}
