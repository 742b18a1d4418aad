import Foundation
import Logging
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct StorageTests {
    @Test func valuesAreEncryptedAtRestAndFilesArePrivate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ss.sqlite")
        let marker = "Plaintext-Marker-\(UUID().uuidString)"
        try await TestEmulator.withClient(TestEmulator.configuration(storage: .file(path: path))) { client, _ in
            var stub = try await client.secretStub(templateId: 2)
            stub.name = "marker"
            stub.setValue("user", forItem: "username")
            stub.setValue(marker, forItem: "password")
            stub.setValue(marker, forItem: "notes")
            let created = try await client.createSecret(stub)
            #expect(try await client.fieldValue(secretId: created.id, slug: "password") == marker)
        }
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(marker.utf8)) == nil, "plaintext found in \(file)")
            #expect(bytes.range(of: Data(TestEmulator.adminPassword.utf8)) == nil)
        }
        for file in [path, path + ".key"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(file) is mode \(String(mode, radix: 8))")
        }
    }

    @Test func restartKeepsEverything() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = TestEmulator.configuration(storage: .file(path: directory.file("ss.sqlite")))
        let (secretId, folderId) = try await TestEmulator.withClient(configuration) { client, _ in
            let folder = try await client.createFolders(path: "\\Keep\\Me")
            var stub = try await client.secretStub(templateId: 2, folderId: folder.id)
            stub.name = "survivor"
            stub.folderId = folder.id
            stub.setValue("u", forItem: "username")
            stub.setValue("p@ss-survives", forItem: "password")
            let id = try await client.createSecret(stub).id
            _ = try await client.secret(id: id)  // a VIEW audit, still buffered when the server stops right after
            return (id, folder.id)
        }
        var second = configuration
        second.adminPassword = nil
        try await TestEmulator.withClient(second) { client, server in
            #expect(server.info.createdDatabase == false)
            let secret = try await client.secret(id: secretId)
            #expect(secret.name == "survivor")
            #expect(secret.folderId == folderId)
            #expect(secret.item("password")?.itemValue == "p@ss-survives")
            #expect(try await client.folder(path: "\\Keep\\Me").id == folderId)
            let actions = try await client.secretAudits(id: secretId).collect().map(\.action)
            #expect(actions.contains("VIEW") && actions.contains("CREATE"), "audits lost across the restart: \(actions)")
        }
    }

    @Test func aDifferentKeyIsRefusedAtStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ss.sqlite")
        try await TestEmulator.with(TestEmulator.configuration(storage: .file(path: path))) { _ in }
        var wrongKey = TestEmulator.configuration(storage: .file(path: path))
        wrongKey.encryptionKey = Data(repeating: 7, count: 32)
        await #expect(throws: EmulatorStartupError.self) {
            try await TestEmulator.with(wrongKey) { _ in }
        }
    }

    @Test func firstStartGeneratesAnAdminPasswordThatWorks() async throws {
        var configuration = TestEmulator.configuration()
        configuration.adminPassword = nil
        try await TestEmulator.with(configuration) { server in
            let generated = try #require(server.info.generatedAdminPassword)
            #expect(generated.count >= 20)
            let clientConfiguration = SecretServerClient.Configuration(
                baseURL: server.baseURL, credentials: .password(username: "admin", password: generated)
            )
            try await SecretServerClient.withClient(configuration: clientConfiguration) { client in
                let user = try await client.currentUser()
                #expect(user.userName == "admin")
            }
        }
    }
}
