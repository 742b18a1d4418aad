import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// `sshKeyArgs` on create, as Terraform's provider, External Secrets and the Go SDK send it: a key pair and a
/// passphrase in the template's mapped fields, checked with Debian's own ssh-keygen.
@Suite(.timeLimit(.minutes(5)))
struct SSHKeyGenerationTests {
    static let sshKeygen = ["/usr/bin/ssh-keygen", "/bin/ssh-keygen"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs ssh-keygen; its status and standard output.
    /// Runs ssh-keygen on a thread that may block (not the cooperative pool the in-process server needs).
    func sshKeygen(_ arguments: [String]) async throws -> (Int32, String) {
        try await onOwnThread { try Self.runSSHKeygen(arguments) }
    }

    static func runSSHKeygen(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.sshKeygen, "ssh-keygen is missing: scripts/test installs openssh-client"))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func create(_ client: SecretServerClient, template: Int, sshKeyArgs: String, items: String = "") async throws -> RawResponse {
        let body = """
            {"name": "key-\(UUID().uuidString.prefix(6))", "secretTemplateId": \(template), "folderId": -1, "siteId": 1,
             "items": [{"slug": "machine", "itemValue": "web01"}, {"slug": "username", "itemValue": "deploy"}\(items)],
             "sshKeyArgs": \(sshKeyArgs)}
            """
        return try await client.send(method: "POST", path: "/v1/secrets", body: Data(body.utf8))
    }

    @Test func keysArePairedEncryptedWithTheGeneratedPassphraseAndReadBySSHKeygen() async throws {
        try await TestEmulator.withClient { client, _ in
            let templates = try await client.send(method: "GET", path: "/v1/secret-templates", query: [("take", "100")]).json()
            let template = try #require(templates["records"]?.arrayValue?.first { $0["name"]?.stringValue == "Unix Account (SSH Key Rotation)" })
            let templateId = try #require(template["id"]?.intValue)

            let created = try await create(client, template: templateId, sshKeyArgs: #"{"generateSshKeys": true, "generatePassphrase": true}"#)
            let id = try #require(try created.json()["id"]?.intValue)
            let secret = try await client.secret(id: id)
            let passphrase = try #require(secret.item("private-key-passphrase")?.itemValue)
            #expect(passphrase.count >= 24, "the passphrase meets the field's requirement")
            let privateKey = try await client.fieldFile(secretId: id, slug: "private-key")
            let publicKey = try await client.fieldFile(secretId: id, slug: "public-key")
            #expect(publicKey.fileName == "public-key.pub" && privateKey.fileName == "private-key.pem")
            let pem = String(decoding: privateKey.data, as: UTF8.self)
            #expect(pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"))
            #expect(!pem.contains(passphrase))

            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let keyFile = directory.file("id_rsa")
            FileManager.default.createFile(atPath: keyFile, contents: privateKey.data, attributes: [.posixPermissions: 0o600])
            // ssh-keygen derives the public key from the private one, with the passphrase: it must be the stored one.
            let (status, derived) = try await sshKeygen(["-y", "-P", passphrase, "-f", keyFile])
            #expect(status == 0)
            let stored = String(decoding: publicKey.data, as: UTF8.self).split(separator: " ").prefix(2).joined(separator: " ")
            #expect(derived.trimmingCharacters(in: .whitespacesAndNewlines) == stored && stored.hasPrefix("ssh-rsa AAAA"))
            let (wrong, _) = try await sshKeygen(["-y", "-P", "not-the-passphrase", "-f", keyFile])
            #expect(wrong != 0, "the key is encrypted")
            try publicKey.data.write(to: URL(fileURLWithPath: directory.file("id_rsa.pub")))
            let (listed, fingerprint) = try await sshKeygen(["-l", "-f", directory.file("id_rsa.pub")])
            #expect(listed == 0 && fingerprint.hasPrefix("2048 SHA256:") && fingerprint.contains("(RSA)"), "\(fingerprint)")

            // A passphrase given instead of generated encrypts the key; without one, the key is not encrypted.
            let given = try await create(
                client, template: templateId, sshKeyArgs: #"{"generateSshKeys": true}"#,
                items: #", {"slug": "private-key-passphrase", "itemValue": "Given-Passphrase-12345678"}"#)
            let givenId = try #require(try given.json()["id"]?.intValue)
            try Data(try await client.fieldFile(secretId: givenId, slug: "private-key").data).write(to: URL(fileURLWithPath: keyFile))
            #expect(try await sshKeygen(["-y", "-P", "Given-Passphrase-12345678", "-f", keyFile]).0 == 0)
            let plain = try await create(client, template: templateId, sshKeyArgs: #"{"generateSshKeys": true, "generatePassphrase": false}"#)
            let plainId = try #require(try plain.json()["id"]?.intValue)
            let plainKey = try await client.fieldFile(secretId: plainId, slug: "private-key").data
            #expect(String(decoding: plainKey, as: UTF8.self).hasPrefix("-----BEGIN RSA PRIVATE KEY-----\nMII"))
        }
    }

    @Test func templatesWithoutMappingsAndUpdatesAreRefused() async throws {
        try await TestEmulator.withClient { client, _ in
            await #expect { _ = try await create(client, template: 6007, sshKeyArgs: #"{"generateSshKeys": true}"#) } throws: { error in
                (error as? SecretServerError)?.errorCode == "API_SshKeyGenerationNotSupported"
            }
            // Both flags off, as typed clients serialise an absent choice: a plain create.
            let plain = try await create(client, template: 6007, sshKeyArgs: #"{"generateSshKeys": false, "generatePassphrase": false}"#)
            let id = try #require(try plain.json()["id"]?.intValue)
            var body = try await client.send(method: "GET", path: "/v1/secrets/\(id)").json().objectValue ?? JSONObject()
            body["sshKeyArgs"] = .object(JSONObject([(key: "generateSshKeys", value: .bool(true))]))
            await #expect {
                _ = try await client.send(method: "PUT", path: "/v1/secrets/\(id)", body: try WireCoding.makeEncoder().encode(JSONValue.object(body)))
            } throws: { error in
                (error as? SecretServerError)?.errorCode == "API_SshKeyArgsOnlyOnCreate"
            }
        }
    }
}
