import Foundation
import SecretServerModels
import SesameTestSupport
import Testing

/// The operator's write commands as processes: `secret update/rotate/move/delete/restore/heartbeat`, `folder
/// create/move/delete`, `user set-password`; values from standard input and files only, what is stored checked
/// after each.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIWriteCommandTests {
    static let password = "Write-Cli-Passw0rd!"

    func stored(_ id: Int, _ env: [String: String]) throws -> SecretModel {
        let shown = try SesameProcess.run(["secret", "get", String(id), "-o", "json", "--reveal"], environment: env)
        #expect(shown.status == 0, "\(shown.stderr)")
        return try WireCoding.makeDecoder().decode(SecretModel.self, from: Data(shown.stdout.utf8))
    }

    @Test func secretsAreUpdatedRotatedMovedAndDeactivated() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        try await onOwnThread {
            let created = try SesameProcess.run(
                ["secret", "create", "--template", "Password", "--name", "db", "--field", "username=app", "--field", "password=-"],
                environment: env, input: "Old-Password-1\n")
            #expect(created.status == 0, "\(created.stderr)")

            let update = try SesameProcess.run(
                ["secret", "update", "1", "--set", "username=svc", "--set", "password=-", "--name", "db main"],
                environment: env, input: "New-Password-2\n")
            #expect(update.status == 0 && !update.stdout.contains("New-Password-2"), "\(update.stderr)")
            var secret = try stored(1, env)
            #expect(secret.name == "db main" && secret.item("username")?.itemValue == "svc" && secret.item("password")?.itemValue == "New-Password-2")

            let inline = try SesameProcess.run(["secret", "update", "1", "--set", "password=Inline-3"], environment: env)
            #expect(inline.status == 1 && inline.stderr.contains("--set password=-") && inline.stderr.contains("--generate password"), "\(inline.stderr)")
            // One save or none: an unknown field stops the whole update.
            let partial = try SesameProcess.run(["secret", "update", "1", "--set", "username=half", "--set", "nothing=1"], environment: env)
            #expect(partial.status == 5)
            #expect(try stored(1, env).item("username")?.itemValue == "svc")

            let generated = try SesameProcess.run(["secret", "update", "1", "--generate", "password"], environment: env)
            #expect(generated.status == 0, "\(generated.stderr)")
            secret = try stored(1, env)
            let generatedValue = try #require(secret.item("password")?.itemValue)
            #expect(generatedValue != "New-Password-2" && generatedValue.count >= 12 && !generated.stdout.contains(generatedValue))

            let rotated = try SesameProcess.run(["secret", "rotate", "1"], environment: env)
            #expect(rotated.status == 0 && rotated.stdout.contains("rotated password of secret 1"), "\(rotated.stderr)")
            let afterRotation = try #require(try stored(1, env).item("password")?.itemValue)
            #expect(afterRotation != generatedValue && !rotated.stdout.contains(afterRotation))
            let given = try SesameProcess.run(["secret", "rotate", "1", "--value", "-"], environment: env, input: "Given-Password-4")
            let givenValue = try stored(1, env).item("password")?.itemValue
            #expect(given.status == 0 && givenValue == "Given-Password-4", "\(given.stderr)")
            let refused = try SesameProcess.run(["secret", "rotate", "1", "--value", "Inline-5"], environment: env)
            #expect(refused.status == 1 && refused.stderr.contains("--value -"))

            // A file field from a file; another password field rotated on its own (Unix Account (SSH)).
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try "-----BEGIN KEY-----\nabc\n-----END KEY-----\n".write(toFile: directory.file("id_test"), atomically: true, encoding: .utf8)
            let ssh = try SesameProcess.run(
                [
                    "secret", "create", "--template", "6007", "--name", "web", "--field", "machine=web01", "--field", "username=deploy",
                    "--generate", "password",
                ], environment: env)
            #expect(ssh.status == 0, "\(ssh.stderr)")
            let upload = try SesameProcess.run(
                ["secret", "update", "2", "--set", "private-key=@" + directory.file("id_test"), "--set", "notes=keyed"],
                environment: env)
            #expect(upload.status == 0, "\(upload.stderr)")
            let key = try SesameProcess.run(["secret", "get", "2", "--field", "private-key"], environment: env)
            #expect(key.stdout == "-----BEGIN KEY-----\nabc\n-----END KEY-----\n")
            let passphrase = try SesameProcess.run(["secret", "rotate", "2", "--field", "private-key-passphrase"], environment: env)
            #expect(passphrase.status == 0 && passphrase.stdout.contains("rotated private-key-passphrase"), "\(passphrase.stderr)")
            #expect(try stored(2, env).item("private-key-passphrase")?.itemValue.isEmpty == false)

            // Move, heartbeat, deactivate and restore.
            #expect(try SesameProcess.run(["folder", "create", "\\Moved"], environment: env).status == 0)
            let moved = try SesameProcess.run(["secret", "move", "1", "--folder", "\\Moved"], environment: env)
            #expect(moved.status == 0 && moved.stdout.contains("to \\Moved"), "\(moved.stderr)")
            #expect(try SesameProcess.run(["secret", "get", "\\Moved\\db main", "--field", "username"], environment: env).stdout == "svc")
            let heartbeat = try SesameProcess.run(["secret", "heartbeat", "1"], environment: env)
            #expect(heartbeat.status == 0 && heartbeat.stdout.contains("heartbeat Success"), "\(heartbeat.stdout)")
            let deleted = try SesameProcess.run(["secret", "delete", "\\Moved\\db main"], environment: env)
            #expect(deleted.status == 0 && deleted.stdout.contains("deactivated secret 1"), "\(deleted.stderr)")
            #expect(try SesameProcess.run(["secret", "search", "db main", "-o", "json"], environment: env).stdout.contains("db main") == false)
            let restored = try SesameProcess.run(["secret", "restore", "1"], environment: env)
            #expect(restored.status == 0, "\(restored.stderr)")
            #expect(try SesameProcess.run(["secret", "get", "1", "--field", "username"], environment: env).stdout == "svc")
        }
    }

    @Test func restrictedSecretsAreChangedWithWhatTheyRequire() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        try await onOwnThread {
            _ = try SesameProcess.run(
                [
                    "secret", "create", "--template", "Password", "--name", "guarded", "--field", "username=u",
                    "--field", "password=-",
                ], environment: env, input: "Guarded-1\n")
            let settings = try SesameProcess.run(["api", "GET", "/v1/secrets/1"], environment: env)
            var body = try #require(try JSONSerialization.jsonObject(with: Data(settings.stdout.utf8)) as? [String: Any])
            body["requiresComment"] = true
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try JSONSerialization.data(withJSONObject: body).write(to: URL(fileURLWithPath: directory.file("body.json")))
            #expect(try SesameProcess.run(["api", "PUT", "/v1/secrets/1", "--input", directory.file("body.json")], environment: env).status == 0)

            let refused = try SesameProcess.run(["secret", "update", "1", "--set", "notes=changed"], environment: env)
            #expect(refused.status == 7 && refused.stderr.contains("--comment"), "\(refused.stderr)")
            let noRotation = try SesameProcess.run(["secret", "rotate", "1"], environment: env)
            #expect(noRotation.status == 7, "\(noRotation.stderr)")
            let changed = try SesameProcess.run(["secret", "update", "1", "--set", "notes=changed", "--comment", "INC-9 notes"], environment: env)
            #expect(changed.status == 0, "\(changed.stderr)")
            let rotated = try SesameProcess.run(["secret", "rotate", "1", "--comment", "INC-9 rotation"], environment: env)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let audits = try SesameProcess.run(["secret", "audits", "1", "-o", "json"], environment: env)
            #expect(audits.stdout.contains("INC-9 notes") && audits.stdout.contains("INC-9 rotation"))
        }
    }

    @Test func foldersAndPasswords() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        try await onOwnThread {
            let missingParent = try SesameProcess.run(["folder", "create", "\\Teams\\Ops"], environment: env)
            #expect(missingParent.status == 5, "\(missingParent.stderr)")
            let parents = try SesameProcess.run(["folder", "create", "\\Teams\\Ops\\Keys", "--parents"], environment: env)
            #expect(parents.status == 0 && parents.stdout.contains("\\Teams\\Ops\\Keys"), "\(parents.stderr)")
            let again = try SesameProcess.run(["folder", "create", "\\Teams\\Ops\\Keys"], environment: env)
            #expect(again.status == 1 && again.stderr.contains("exists already"))
            #expect(try SesameProcess.run(["folder", "create", "\\Teams\\Ops\\Keys", "--parents"], environment: env).status == 0)
            #expect(try SesameProcess.run(["folder", "create", "\\Archive"], environment: env).status == 0)
            let moved = try SesameProcess.run(["folder", "move", "\\Teams\\Ops", "--to", "\\Archive"], environment: env)
            #expect(moved.status == 0 && moved.stdout.contains("\\Archive\\Ops"), "\(moved.stderr)")
            let list = try SesameProcess.run(["folder", "list"], environment: env)
            #expect(list.stdout.contains("\\Archive\\Ops\\Keys") && !list.stdout.contains("\\Teams\\Ops"))
            let deleted = try SesameProcess.run(["folder", "delete", "\\Archive\\Ops\\Keys"], environment: env)
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(!(try SesameProcess.run(["folder", "list"], environment: env)).stdout.contains("Keys"))

            _ = try SesameProcess.run(["user", "create", "carol", "--password-stdin"], environment: env, input: "Carol-Old-Pass1")
            let set = try SesameProcess.run(["user", "set-password", "carol", "--password-stdin"], environment: env, input: "Carol-New-Pass2\n")
            #expect(set.status == 0 && !set.stdout.contains("Carol-New-Pass2"), "\(set.stderr)")
            let carol = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "carol"]
            #expect(try SesameProcess.run(["folder", "list"], environment: carol.merging(["SESAME_PASSWORD": "Carol-New-Pass2"]) { $1 }).status == 0)
            #expect(try SesameProcess.run(["folder", "list"], environment: carol.merging(["SESAME_PASSWORD": "Carol-Old-Pass1"]) { $1 }).status == 3)
        }
    }
}
