import Foundation
import SecretServer
import SesameTestSupport
import Testing

/// `sesame export` and `sesame import` between two `sesame server --dev` processes.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIExportImportTests {
    static let password = "Export-Admin-Passw0rd!"
    static let passphrase = "correct horse battery staple"

    @Test func aFolderTreeMovesBetweenServersEncrypted() async throws {
        let source = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { source.stop() }
        let target = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { target.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = Data("-----BEGIN KEY-----\n".utf8) + Data([0, 1, 255])
        try await SecretServerClient.withClient(
            configuration: .init(
                baseURL: source.baseURL, credentials: .password(username: "admin", password: Self.password)
            )
        ) { client in
            _ = try await client.createFolders(path: "\\Prod\\Databases\\Replicas")
            let databases = try await client.folder(path: "\\Prod\\Databases")
            let replicas = try await client.folder(path: "\\Prod\\Databases\\Replicas")
            for (index, folderId) in [databases.id, databases.id, replicas.id].enumerated() {
                var stub = try await client.secretStub(templateId: 6007, folderId: folderId)
                stub.name = "db\(index)"
                stub.setValue("host\(index)", forItem: "machine")
                stub.setValue("root", forItem: "username")
                stub.setValue("Exported-Pw-\(index)", forItem: "password")
                let created = try await client.createSecret(stub)
                if index == 2 { try await client.setFieldFile(secretId: created.id, slug: "private-key", data: key, fileName: "id_ed25519") }
            }
        }
        let passphraseFile = directory.file("pass.txt")
        try (Self.passphrase + "\n").write(toFile: passphraseFile, atomically: true, encoding: .utf8)
        let sourceEnv = ["SESAME_URL": source.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        let targetEnv = ["SESAME_URL": target.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]

        let export = try await SesameProcess.run(
            ["export", "\\Prod", "-o", directory.file("prod.sesame"), "--passphrase-file", passphraseFile], environment: sourceEnv)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("exported 3 secrets in 3 folders"))
        #expect(export.stderr.contains("3/3 secrets exported"))  // plain progress lines when not on a terminal
        let file = directory.file("prod.sesame")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        for plain in ["Exported-Pw-0", "host1", "db2", "Databases"] {
            #expect(bytes.range(of: Data(plain.utf8)) == nil, "\(plain) is readable in the export file")
        }

        let wrong = try await SesameProcess.run(["import", file], environment: targetEnv.merging(["SESAME_EXPORT_PASSPHRASE": "not the passphrase"]) { $1 })
        #expect(wrong.status == 1 && wrong.stderr.contains("wrong passphrase"))

        let imported = try await SesameProcess.run(
            ["import", file, "--into", "\\Restored"], environment: targetEnv.merging(["SESAME_EXPORT_PASSPHRASE": Self.passphrase]) { $1 })
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 3 secrets in 3 folders"))
        try await SecretServerClient.withClient(
            configuration: .init(
                baseURL: target.baseURL, credentials: .password(username: "admin", password: Self.password)
            )
        ) { client in
            let replica = try await client.secret(path: "\\Restored\\Prod\\Databases\\Replicas\\db2")
            #expect(replica.item("password")?.itemValue == "Exported-Pw-2" && replica.item("machine")?.itemValue == "host2")
            #expect(try await client.fieldFile(secretId: replica.id, slug: "private-key").data == key)
            let first = try await client.secret(path: "\\Restored\\Prod\\Databases\\db0")
            #expect(first.item("password")?.itemValue == "Exported-Pw-0")
        }

        // Again: nothing is duplicated, what exists is reported.
        let rerun = try await SesameProcess.run(
            ["import", file, "--into", "\\Restored", "--passphrase-file", passphraseFile], environment: targetEnv)
        #expect(rerun.status == 0 && rerun.stdout.contains("imported 0 secrets") && rerun.stdout.contains("left 3 that already existed"))
    }
}
