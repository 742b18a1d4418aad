import AWSSecrets
import Foundation
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing

/// `sesame set`, `ls`, `exists`, `cache status|clear` and `--refresh` as processes, against `sesame server --dev`
/// and moto: values only from standard input, files or the generator; what is stored afterwards read back.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLISetListTests {
    static let password = "Set-List-Passw0rd!"

    func environment(_ server: SesameProcess.Server, home: TemporaryDirectory) -> [String: String] {
        ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password, "HOME": home.path]
    }

    /// Runs `body` with a server of its own, a home folder for sesame's files, and the environment that signs in as admin.
    func withServer(_ body: (SesameProcess.Server, [String: String], TemporaryDirectory) async throws -> Void) async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        try await body(server, environment(server, home: home), home)
    }

    func client(_ server: SesameProcess.Server) -> SecretServerClient.Configuration {
        SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password))
    }

    @Test func setWritesSecretServerFieldsFromStandardInputFilesOrTheGenerator() async throws {
        try await withServer { server, env, home in
            let tricky = "it's \"$HOME\" #not-a-comment\\ and\nline two "
            try await onOwnThread {
                #expect(try SesameProcess.run(["folder", "create", "\\Ops"], environment: env).status == 0)
                let created = try SesameProcess.run(
                    [
                        "secret", "create", "--template", "Password", "--folder", "\\Ops", "--name", "db", "--field", "username=app",
                        "--field", "password=-",
                    ], environment: env, input: "First-Value-1")
                #expect(created.status == 0, "\(created.stderr)")

                let byId = try SesameProcess.run(["set", "tss://1/password"], environment: env, input: tricky + "\n")
                #expect(byId.status == 0 && byId.stdout == "set tss://1/password\n" && !byId.stderr.contains("line two"), "\(byId.stderr)")
                #expect(try SesameProcess.run(["get", "tss://1/password"], environment: env).stdout == tricky)

                let byPath = try SesameProcess.run(["set", "tss://Ops/db/username"], environment: env, input: "svc_db")
                #expect(byPath.status == 0, "\(byPath.stderr)")
                #expect(try SesameProcess.run(["get", "tss://1/username"], environment: env).stdout == "svc_db")

                let empty = try SesameProcess.run(["set", "tss://1/password"], environment: env, input: "")
                #expect(empty.status == 1 && empty.stderr.contains("no value on standard input") && empty.stderr.contains("--generate"))
                #expect(try SesameProcess.run(["get", "tss://1/password"], environment: env).stdout == tricky)

                let generated = try SesameProcess.run(["set", "tss://1/password", "--generate"], environment: env)
                let value = try SesameProcess.run(["get", "tss://1/password"], environment: env).stdout
                #expect(generated.status == 0 && value != tricky && value.count >= 12 && !generated.stdout.contains(value), "\(generated.stderr)")
                let notPassword = try SesameProcess.run(["set", "tss://1/username", "--generate"], environment: env)
                #expect(notPassword.status == 5 && notPassword.stderr.contains("not a password field"), "\(notPassword.stderr)")

                let notes = home.file("notes.txt")
                try "from a file\n".write(toFile: notes, atomically: true, encoding: .utf8)
                let fromFile = try SesameProcess.run(["set", "tss://1/notes", "--file", notes], environment: env)
                #expect(fromFile.status == 0, "\(fromFile.stderr)")
                #expect(try SesameProcess.run(["get", "tss://1/notes"], environment: env).stdout == "from a file\n")

                let unknown = try SesameProcess.run(["set", "tss://1/nothing"], environment: env, input: "x")
                #expect(unknown.status == 5, "\(unknown.stderr)")
                let environmentReference = try SesameProcess.run(["set", "env://HOME"], environment: env, input: "x")
                #expect(environmentReference.status == 1 && environmentReference.stderr.contains("cannot be written"))
            }
        }
    }

    @Test func setOnARestrictedSecretTakesTheComment() async throws {
        try await withServer { server, env, home in
            let id = try await SecretServerClient.withClient(configuration: client(server)) { client in
                var stub = try await client.secretStub(templateId: 2)
                stub.name = "restricted"
                stub.setValue("u", forItem: "username")
                stub.setValue("Before-Comment-1", forItem: "password")
                stub.requiresComment = true
                return try await client.createSecret(stub).id
            }
            try await onOwnThread {
                let refused = try SesameProcess.run(["set", "tss://\(id)/password"], environment: env, input: "After-Comment-2")
                #expect(refused.status == 7 && refused.stderr.contains("--comment"), "\(refused.stderr)")
                let written = try SesameProcess.run(["set", "tss://\(id)/password", "--comment", "CHG-7 rotation"], environment: env, input: "After-Comment-2")
                #expect(written.status == 0, "\(written.stderr)")
                let read = try SesameProcess.run(["get", "tss://\(id)/password", "--comment", "CHG-7 check"], environment: env)
                #expect(read.stdout == "After-Comment-2")
                let audits = try SesameProcess.run(["secret", "audits", "\(id)", "-o", "json"], environment: env)
                #expect(audits.stdout.contains("CHG-7 rotation"))
            }
        }
    }

    @Test func theDiskCacheIsInvalidatedRefreshedShownAndCleared() async throws {
        try await withServer { server, env, home in
            try await onOwnThread {
                let created = try SesameProcess.run(
                    ["secret", "create", "--template", "Password", "--name", "cached", "--field", "username=u", "--field", "password=-"],
                    environment: env, input: "Cached-Value-1")
                #expect(created.status == 0, "\(created.stderr)")
                let empty = try SesameProcess.run(["cache", "status", "-o", "json"], environment: env)
                #expect(empty.status == 0 && empty.stdout.contains("\"entries\" : 0") && empty.stdout.contains("\"exists\" : false"), "\(empty.stdout)")

                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Cached-Value-1")
                // A write through sesame removes the cached copy: the next cached read sees the new value.
                #expect(try SesameProcess.run(["set", "tss://1/password"], environment: env, input: "Cached-Value-2").status == 0)
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Cached-Value-2")
                // So does every other command that changes a secret.
                #expect(try SesameProcess.run(["secret", "update", "1", "--set", "password=-"], environment: env, input: "Cached-Value-U").status == 0)
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Cached-Value-U")
                #expect(try SesameProcess.run(["secret", "rotate", "1", "--value", "-"], environment: env, input: "Cached-Value-R").status == 0)
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Cached-Value-R")
                #expect(try SesameProcess.run(["secret", "delete", "1"], environment: env).status == 0)
                #expect(try SesameProcess.run(["cache", "status", "-o", "json"], environment: env).stdout.contains("\"entries\" : 0"))
                let restored = try SesameProcess.run(["secret", "restore", "\\cached"], environment: env)
                #expect(restored.status == 0 && restored.stdout == "restored secret 1\n", "\(restored.stderr)")
                #expect(try SesameProcess.run(["set", "tss://1/password"], environment: env, input: "Cached-Value-2").status == 0)
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Cached-Value-2")
            }
            // A change made elsewhere is not seen while the cached copy is fresh, until --refresh reads past it.
            try await SecretServerClient.withClient(configuration: client(server)) { client in
                try await client.setFieldValue(secretId: 1, slug: "password", value: "Changed-Elsewhere-3")
            }
            try await onOwnThread {
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Cached-Value-2")
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache", "--refresh"], environment: env).stdout == "Changed-Elsewhere-3")
                // ... and stores what it read.
                #expect(try SesameProcess.run(["get", "tss://1/password", "--cache"], environment: env).stdout == "Changed-Elsewhere-3")
                #expect(try SesameProcess.run(["get", "tss://1/username", "--cache"], environment: env).stdout == "u")

                let status = try SesameProcess.run(["cache", "status"], environment: env)
                #expect(status.status == 0 && status.stdout.contains("entries      2") && !status.stdout.contains("Changed-Elsewhere"), "\(status.stdout)")
                let database = try Data(contentsOf: URL(fileURLWithPath: home.path + "/.config/sesame/cache.sqlite"))
                #expect(database.range(of: Data("Changed-Elsewhere".utf8)) == nil)

                let one = try SesameProcess.run(["cache", "clear", "tss://1/password"], environment: env)
                #expect(one.status == 0 && one.stdout == "cleared tss://1/password\n", "\(one.stderr)")
                #expect(try SesameProcess.run(["cache", "clear", "tss://1/password"], environment: env).stdout.contains("was not cached"))
                #expect(try SesameProcess.run(["cache", "status", "-o", "json"], environment: env).stdout.contains("\"entries\" : 1"))
                let all = try SesameProcess.run(["cache", "clear"], environment: env)
                #expect(all.status == 0 && !FileManager.default.fileExists(atPath: home.path + "/.config/sesame/cache.sqlite"), "\(all.stderr)")
                #expect(try SesameProcess.run(["cache", "status", "-o", "json"], environment: env).stdout.contains("\"entries\" : 0"))
            }
        }
    }

    @Test func lsAndExistsOnSecretServer() async throws {
        try await withServer { server, env, home in
            try await onOwnThread {
                for folder in ["\\Ops", "\\Ops\\Sub"] {
                    #expect(try SesameProcess.run(["folder", "create", folder], environment: env).status == 0)
                }
                for (folder, name) in [("\\Ops", "db"), ("\\Ops\\Sub", "deep")] {
                    let created = try SesameProcess.run(
                        [
                            "secret", "create", "--template", "Password", "--folder", folder, "--name", name, "--field", "username=u",
                            "--field", "password=-",
                        ], environment: env, input: "Listed-Value-1")
                    #expect(created.status == 0, "\(created.stderr)")
                }
                let direct = try SesameProcess.run(["ls", "tss://Ops"], environment: env)
                #expect(direct.status == 0 && direct.stdout.contains("folder  tss://Ops/Sub") && direct.stdout.contains("secret  tss://Ops/db"))
                #expect(!direct.stdout.contains("deep") && !direct.stdout.contains("Listed-Value"))
                let below = try SesameProcess.run(["ls", "-R", "tss://Ops/", "-o", "json"], environment: env)
                struct Entry: Decodable { var kind: String; var reference: String }
                let entries = try JSONDecoder().decode([Entry].self, from: Data(below.stdout.utf8))
                #expect(Set(entries.map(\.reference)) == ["tss://Ops/Sub", "tss://Ops/db", "tss://Ops/Sub/deep"])
                let fields = try SesameProcess.run(["ls", "tss://1"], environment: env)
                #expect(fields.stdout.contains("field  tss://1/password") && !fields.stdout.contains("Listed-Value"))

                for (reference, expected) in [
                    ("tss://1/password", Int32(0)), ("tss://Ops/db/username", 0), ("tss://1", 0), ("tss://Ops/db", 0), ("tss://Ops", 0),
                    ("tss://Ops/Sub", 0), ("tss://Ops/Sub/deep/password", 0), ("tss://Ops/Nope", 1), ("tss://Ops/d", 1),
                    ("tss://1/nothing", 1), ("tss://Ops/d/password", 1), ("tss://Ops/nothing/password", 1), ("tss://999/password", 1),
                ] {
                    let exists = try SesameProcess.run(["exists", reference], environment: env)
                    #expect(exists.status == expected && exists.stdout.isEmpty, "\(reference): \(exists.status) \(exists.stderr)")
                }
                // 1 means "not there"; a server that cannot be reached, or a reference that cannot be read, is 2 or more.
                var unreachable = env
                unreachable["SESAME_URL"] = "http://127.0.0.1:1/SecretServer"
                #expect(try SesameProcess.run(["exists", "tss://1/password"], environment: unreachable).status == 6)
                #expect(try SesameProcess.run(["exists", "tss:/1"], environment: env).status >= 2)
            }
        }
    }

    @Test(.enabled(if: Moto.shouldRun)) func awsSetKeepsTypeAndKeyAndListsExactly() async throws {
        let url = try Moto.url()
        let root = Moto.uniqueName("ops")
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: Moto.environment(url: url)))
        do {
            let ssm = try session.ssm()
            try await ssm.putParameter("/\(root)/app/db-password", value: "one", type: .secureString, overwrite: true, keyId: "alias/sesame-ops")
            try await ssm.putParameter("/\(root)/app/api.key", value: "two", type: .string, overwrite: true)
            try await ssm.putParameter("/\(root)/app/sub/deep", value: "three", type: .string, overwrite: true)
            try await ssm.putParameter("/\(root)/application/other", value: "no", type: .string, overwrite: true)
            try await ssm.putParameter("/\(root)/hostile/ld-preload", value: "/tmp/evil.so", type: .string, overwrite: true)
            try await ssm.putParameter("/\(root)/hostile/fine", value: "ok", type: .string, overwrite: true)
            let manager = try session.secretsManager()
            _ = try await manager.createSecret("\(root)/db", value: .string(#"{"user":"a","password":"p1","port":5432}"#))
            _ = try await manager.createSecret("\(root)/api", value: .string("token"))
            _ = try await manager.createSecret("\(root)stuff", value: .string("no"))
        } catch {
            try? await session.shutdown()
            throw error
        }
        let env = Moto.environment(url: url)
        try await onOwnThread {
            let parameter = try SesameProcess.run(["set", "aws-ps:///\(root)/app/db-password"], environment: env, input: "rotated one\n")
            #expect(parameter.status == 0 && !parameter.stdout.contains("rotated one"), "\(parameter.stderr)")
            let json = try SesameProcess.run(["set", "aws-sm://\(root)/db#password"], environment: env, input: "p2")
            #expect(json.status == 0, "\(json.stderr)")
            let generated = try SesameProcess.run(["set", "aws-sm://\(root)/api", "--generate"], environment: env)
            #expect(generated.status == 0, "\(generated.stderr)")

            // A mistyped name is not created unless asked; a version option is refused on a write.
            let typo = try SesameProcess.run(["set", "aws-ps:///\(root)/app/db-pasword"], environment: env, input: "x")
            #expect(typo.status == 5 && typo.stderr.contains("--create"), "\(typo.stderr)")
            #expect(try SesameProcess.run(["exists", "aws-ps:///\(root)/app/db-pasword"], environment: env).status == 1)
            let typoSecret = try SesameProcess.run(["set", "aws-sm://\(root)/dbb#password"], environment: env, input: "x")
            #expect(typoSecret.status == 5, "\(typoSecret.stderr)")
            let created = try SesameProcess.run(["set", "aws-ps:///\(root)/new/param", "--create"], environment: env, input: "fresh")
            #expect(created.status == 0, "\(created.stderr)")
            #expect(try SesameProcess.run(["get", "aws-ps:///\(root)/new/param"], environment: env).stdout == "fresh")
            let versioned = try SesameProcess.run(["set", "aws-sm://\(root)/db?version-stage=AWSPREVIOUS#password"], environment: env, input: "x")
            #expect(versioned.status == 1 && versioned.stderr.contains("cannot take ?version-stage"), "\(versioned.stderr)")

            let params = try SesameProcess.run(["ls", "aws-ps:///\(root)/app/"], environment: env)
            #expect(params.stdout.contains("secret  aws-ps:///\(root)/app/api.key") && params.stdout.contains("folder  aws-ps:///\(root)/app/sub"))
            #expect(!params.stdout.contains("deep") && !params.stdout.contains("application"), "\(params.stdout)")
            let recursive = try SesameProcess.run(["ls", "-R", "aws-ps:///\(root)/app"], environment: env)
            #expect(recursive.stdout.contains("aws-ps:///\(root)/app/sub/deep") && !recursive.stdout.contains("application"))
            let secrets = try SesameProcess.run(["ls", "aws-sm://\(root)/"], environment: env)
            #expect(secrets.stdout.contains("aws-sm://\(root)/db") && secrets.stdout.contains("aws-sm://\(root)/api"))
            #expect(!secrets.stdout.contains("stuff"), "\(secrets.stdout)")

            for (reference, expected) in [
                ("aws-ps:///\(root)/app/api.key", Int32(0)), ("aws-ps:///\(root)/app", 1), ("aws-ps:///\(root)/app/api", 1),
                ("aws-sm://\(root)/db#password", 0), ("aws-sm://\(root)/db#nothing", 1), ("aws-sm://\(root)", 1), ("aws-sm://\(root)/d", 1),
            ] {
                let exists = try SesameProcess.run(["exists", reference], environment: env)
                #expect(exists.status == expected, "\(reference): \(exists.status) \(exists.stderr)")
            }

            // env under a prefix: names as chamber derives them, from the part below the prefix.
            let direct = try SesameProcess.run(["env", "aws-ps:///\(root)/app/", "--format", "json"], environment: env)
            #expect(
                try JSONDecoder().decode([String: String].self, from: Data(direct.stdout.utf8))
                    == ["API_KEY": "two", "DB_PASSWORD": "rotated one"], "\(direct.stderr)")
            let below = try SesameProcess.run(["env", "-R", "aws-ps:///\(root)/app", "--format", "json"], environment: env)
            #expect(try JSONDecoder().decode([String: String].self, from: Data(below.stdout.utf8))["SUB_DEEP"] == "three", "\(below.stderr)")
            let fromManager = try SesameProcess.run(["env", "aws-sm://\(root)/", "--format", "json"], environment: env)
            let exported = try JSONDecoder().decode([String: String].self, from: Data(fromManager.stdout.utf8))
            #expect(exported.keys.sorted() == ["API", "DB"] && exported["DB"]?.contains(#""password":"p2""#) == true, "\(fromManager.stderr)")
            // Whoever can add a parameter under a prefix must not get to set LD_PRELOAD through it.
            let hostile = try SesameProcess.run(["env", "aws-ps:///\(root)/hostile/"], environment: env)
            #expect(hostile.status == 1 && hostile.stderr.contains("LD_PRELOAD") && hostile.stdout.isEmpty, "\(hostile.stderr)")
            let allowed = try SesameProcess.run(["env", "aws-ps:///\(root)/hostile/", "--allow-name", "LD_PRELOAD"], environment: env)
            #expect(allowed.status == 0 && allowed.stdout == "FINE='ok'\nLD_PRELOAD='/tmp/evil.so'\n", "\(allowed.stderr)")
        }
        do {
            let ssm = try session.ssm()
            let stored = try await ssm.getParameter("/\(root)/app/db-password")
            let metadata = try await ssm.describeParameters(name: "/\(root)/app/db-password")
            #expect(stored.value == "rotated one")
            #expect(metadata.first?.type == "SecureString" && metadata.first?.keyId == "alias/sesame-ops", "\(metadata)")
            let document = try await (try session.secretsManager()).getSecretValue("\(root)/db").secretString ?? ""
            let object = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any]
            #expect(object?["password"] as? String == "p2" && object?["user"] as? String == "a" && object?["port"] as? Int == 5432)
            let generated = try await (try session.secretsManager()).getSecretValue("\(root)/api").secretString ?? ""
            #expect(generated != "token" && generated.count == 32)
        } catch {
            try? await session.shutdown()
            throw error
        }
        try await session.shutdown()
    }
}
