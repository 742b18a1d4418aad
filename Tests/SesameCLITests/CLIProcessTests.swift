import Foundation
import SecretServerModels
import SesameTestSupport
import Testing

/// `sesame` run as a process, as people and scripts run it.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIProcessTests {
    static let password = "Cli-Admin-Passw0rd!"

    func environment(_ server: SesameProcess.Server, password: String = CLIProcessTests.password) -> [String: String] {
        ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": password]
    }

    @Test func demoRunsTheFlowsEndToEnd() async throws {
        let result = try await SesameProcess.run(["demo", "--secrets", "12"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("walked 12 of 12 matching secrets in 2 pages of 10"))
        #expect(result.stdout.contains("password   ********"))
        #expect(result.stdout.contains("matches the generated one: true"))
        #expect(result.stdout.contains("answered as a Platform") && result.stdout.contains("as platform-service: username = root"))
        #expect(result.stdout.contains("Done."))
    }

    @Test func createGetSearchAndList() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let env = environment(server)

        let generated = try await SesameProcess.run(
            [
                "secret", "create", "--template", "Password", "--folder", "\\Personal Folders", "--name", "db01 root",
                "--field", "username=root", "--field", "resource=db01", "--generate", "password",
            ], environment: env)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("created secret 1: db01 root"))
        #expect(generated.stdout.contains("********"))

        let piped = try await SesameProcess.run(
            ["secret", "create", "--template", "2", "--name", "app", "--field", "username=app", "--field", "password=-"],
            environment: env, input: "Piped-Pass-1\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("Piped-Pass-1"))

        let value = try await SesameProcess.run(["secret", "get", "2", "--field", "password"], environment: env)
        #expect(value.status == 0)
        #expect(value.stdout == "Piped-Pass-1")

        let table = try await SesameProcess.run(["secret", "get", "2"], environment: env)
        #expect(table.stdout.contains("********") && !table.stdout.contains("Piped-Pass-1"))
        let json = try await SesameProcess.run(["secret", "get", "2", "--output", "json"], environment: env)
        let masked = try WireCoding.makeDecoder().decode(SecretModel.self, from: Data(json.stdout.utf8))
        #expect(masked.item("password")?.itemValue == "********")
        #expect(masked.item("username")?.itemValue == "app")
        let revealed = try await SesameProcess.run(["secret", "get", "2", "-o", "json", "--reveal"], environment: env)
        #expect(
            try WireCoding.makeDecoder().decode(SecretModel.self, from: Data(revealed.stdout.utf8))
                .item("password")?.itemValue == "Piped-Pass-1")
        let yaml = try await SesameProcess.run(["secret", "get", "2", "-o", "yaml"], environment: env)
        #expect(yaml.status == 0 && yaml.stdout.contains("name: app"))

        let byPath = try await SesameProcess.run(["secret", "get", "\\Personal Folders\\db01 root", "--field", "username"], environment: env)
        #expect(byPath.stdout == "root")

        let search = try await SesameProcess.run(["secret", "search", "--output", "json"], environment: env)
        let found = try WireCoding.makeDecoder().decode([SecretSummary].self, from: Data(search.stdout.utf8))
        #expect(Set(found.map(\.name)) == ["db01 root", "app"])
        let limited = try await SesameProcess.run(["secret", "search", "db", "--limit", "1"], environment: env)
        #expect(limited.stdout.contains("db01 root") && !limited.stdout.contains("app "))

        let folders = try await SesameProcess.run(["folder", "list"], environment: env)
        #expect(folders.status == 0 && folders.stdout.contains("\\Personal Folders"))
    }

    @Test func secretsNeverComeFromArguments() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let refused = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "x", "--field", "username=u", "--field", "password=Literal-1"],
            environment: environment(server))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("must not be passed on the command line"))
        #expect(refused.stderr.contains("hint:"))
        let search = try await SesameProcess.run(["secret", "search"], environment: environment(server))
        #expect(!search.stdout.contains(" x "))
    }

    @Test func exitCodesSayWhatKindOfFailure() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        let env = environment(server)
        let wrong = try await SesameProcess.run(["secret", "get", "1"], environment: environment(server, password: "nope-nope"))
        #expect(wrong.status == 3)
        #expect(wrong.stderr.contains("error:") && !wrong.stderr.contains("nope-nope"))
        let missing = try await SesameProcess.run(["secret", "get", "999"], environment: env)
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("API_AccessDenied"))
        let noTemplate = try await SesameProcess.run(["secret", "create", "--template", "Nope", "--name", "x"], environment: env)
        #expect(noTemplate.status == 5)
        #expect(noTemplate.stderr.contains("Unix Account (SSH)"))
        let noURL = try await SesameProcess.run(["secret", "get", "1"], environment: ["SESAME_USERNAME": "admin", "SESAME_PASSWORD": "x"])
        #expect(noURL.status == 1)
        #expect(noURL.stderr.contains("SESAME_URL"))
        let noPassword = try await SesameProcess.run(["secret", "get", "1"], environment: ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin"])
        #expect(noPassword.status == 1)
        #expect(noPassword.stderr.contains("SESAME_PASSWORD"))
        let usage = try await SesameProcess.run(["secret", "get"], environment: env)
        #expect(usage.status != 0)
        server.stop()
        let down = try await SesameProcess.run(["secret", "get", "1"], environment: env.merging(["SESAME_CONNECT_TIMEOUT": "1"]) { $1 })
        #expect(down.status == 6)
        let notDev = try await SesameProcess.run(["server"])
        #expect(notDev.status == 1)
        #expect(notDev.stderr.contains("--dev"))
    }

    /// `sesame server --dev --fault-rate/--faults/--fault-latency` turns the fault mode on, says so, and refuses
    /// settings it cannot honour.
    @Test func serverFaultModeFromFlags() async throws {
        let server = try await SesameProcess.Server.start(arguments: ["--fault-rate", "1", "--faults", "418"], adminPassword: Self.password)
        defer { server.stop() }
        #expect(server.banner.contains("100% of API requests fail"))
        // 418 is not retried, so the first answer reaches the caller; the token route is spared.
        let failed = try await SesameProcess.run(["api", "GET", "/v1/folders"], environment: environment(server))
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("Injected fault 418"), "\(failed.stderr)")
        for (arguments, message) in [
            (["--fault-rate", "1.5"], "--fault-rate must be between 0 and 1"),
            (["--faults", "500,teapot"], "unknown fault 'teapot'"),
            (["--faults", ","], "--faults names no fault"),
            (["--fault-latency=-5"], "--fault-latency must not be negative"),
        ] {
            let refused = try await SesameProcess.run(["server", "--dev", "--port", "0"] + arguments)
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
        }
    }

    /// `sesame server --dev --tls` serves HTTPS with a certificate made at start; the CLI verifies it by default,
    /// trusts the written CA file, and skips verification only with `--insecure-skip-tls-verify`, warning on
    /// standard error. No private key is written anywhere.
    @Test func tlsServerAndClient() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let caFile = directory.file("dev-ca.pem")
        let server = try await SesameProcess.Server.start(arguments: ["--tls", "--tls-ca-out", caFile], adminPassword: Self.password)
        defer { server.stop() }
        #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))
        #expect(server.banner.contains("SESAME_CA_FILE=\(caFile)"))
        let ca = try String(contentsOfFile: caFile, encoding: .utf8)
        #expect(ca.contains("BEGIN CERTIFICATE") && !ca.contains("PRIVATE"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["dev-ca.pem"])
        let env = environment(server).merging(["SESAME_CONNECT_TIMEOUT": "2"]) { $1 }

        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "tls", "--field", "username=u", "--field", "password=-"],
            environment: env.merging(["SESAME_CA_FILE": caFile]) { $1 }, input: "Over-TLS-Value")
        #expect(created.status == 0, "\(created.stderr)")
        let unverified = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: env)
        #expect(unverified.status != 0)
        #expect(unverified.stderr.contains("TLS connection was refused"), "\(unverified.stderr)")
        let trusted = try await SesameProcess.run(["secret", "get", "1", "--field", "password", "--ca-file", caFile], environment: env)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout == "Over-TLS-Value")
        let insecure = try await SesameProcess.run(["secret", "get", "1", "--field", "password", "--insecure-skip-tls-verify"], environment: env)
        #expect(insecure.status == 0, "\(insecure.stderr)")
        #expect(insecure.stdout == "Over-TLS-Value")
        #expect(insecure.stderr.contains("TLS verification is OFF"), "\(insecure.stderr)")
        // Not in fewer words.
        let vague = try await SesameProcess.run(["secret", "get", "1", "--insecure"], environment: env)
        #expect(vague.status != 0 && vague.stderr.contains("--insecure"))
    }

    /// A server, a configuration folder of its own, and the environment to reach the one with the other.
    func serverWithConfigFolder() async throws -> (SesameProcess.Server, TemporaryDirectory, [String: String]) {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        let directory: TemporaryDirectory
        do { directory = try TemporaryDirectory() } catch {
            server.stop()
            throw error
        }
        var env = environment(server)
        env["SESAME_CONFIG_DIR"] = directory.path
        return (server, directory, env)
    }

    /// `--cache`: the value is kept encrypted on disk and answered from there while fresh, with no server at all;
    /// without `--cache` the same read fails once the server is gone; `--allow-expired` answers an expired entry
    /// and says so.
    @Test func cachedFieldReadsSurviveTheServerGoingAway() async throws {
        let (server, directory, configured) = try await serverWithConfigFolder()
        defer { directory.remove() }
        defer { server.stop() }
        var env = configured
        env["SESAME_CONNECT_TIMEOUT"] = "1"
        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "cached", "--field", "username=u", "--field", "password=-"],
            environment: env, input: "Cached-Value-42")
        #expect(created.status == 0, "\(created.stderr)")
        let first = try await SesameProcess.run(["secret", "get", "1", "--field", "password", "--cache", "--cache-ttl", "2"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Cached-Value-42")
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/cache.sqlite"))
        #expect(onDisk.range(of: Data("Cached-Value-42".utf8)) == nil, "the disk cache holds the value in plaintext")
        server.stop()
        let cached = try await SesameProcess.run(["secret", "get", "1", "--field", "password", "--cache"], environment: env)
        #expect(cached.status == 0, "\(cached.stderr)")
        #expect(cached.stdout == "Cached-Value-42")
        let uncached = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: env)
        #expect(uncached.status != 0)
        #expect(uncached.stdout.isEmpty)
        try DiskCacheAging.age(directory.path + "/cache.sqlite", by: 3)  // the entry expires (its TTL is 2 s)
        let expired = try await SesameProcess.run(["secret", "get", "1", "--field", "password", "--cache"], environment: env)
        #expect(expired.status != 0)
        let allowed = try await SesameProcess.run(
            ["secret", "get", "1", "--field", "password", "--cache", "--allow-expired"], environment: env)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout == "Cached-Value-42")
        #expect(allowed.stderr.contains("expired cached value"))
        #expect(!allowed.stderr.contains("Cached-Value-42"))
    }

    /// `secret get PATH --field F --cache` reads the secret the path names, whatever its characters: spaces and
    /// the references' own `#%&=?`, and names that end with a character Unicode joins to what follows (U+0600,
    /// which the `\` or `/` after it would have become part of), here a folder's and a secret's.
    @Test func cachedFieldReadsTakeAnyPath() async throws {
        let (server, directory, configured) = try await serverWithConfigFolder()
        defer { directory.remove() }
        defer { server.stop() }
        var env = configured
        env["SESAME_CONNECT_TIMEOUT"] = "1"
        let folderPath = "\\Odd Folder\u{0600}"
        let folder = try await SesameProcess.run(["folder", "create", folderPath], environment: env)
        #expect(folder.status == 0, "\(folder.stderr)")
        let names = ["a b#1%&=?x", "name\u{0600}"]
        for (index, name) in names.enumerated() {
            let created = try await SesameProcess.run(
                [
                    "secret", "create", "--template", "Password", "--folder", folderPath, "--name", name, "--field", "username=u",
                    "--field", "password=-",
                ],
                environment: env, input: "value-\(index)")
            #expect(created.status == 0, "\(created.stderr)")
        }
        // From the server, then, with the server gone, from the cache: each path names its own entry.
        for serverUp in [true, false] {
            if !serverUp { server.stop() }
            for (index, name) in names.enumerated() {
                let read = try await SesameProcess.run(["secret", "get", folderPath + "\\" + name, "--field", "password", "--cache"], environment: env)
                #expect(read.status == 0 && read.stdout == "value-\(index)", "\(name), server up: \(serverUp): \(read.stdout) \(read.stderr)")
            }
        }
    }

    @Test func serverKeepsItsDatabaseAcrossRestarts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.file("dev.sqlite")
        let first = try await SesameProcess.Server.start(arguments: ["--database", database], adminPassword: Self.password)
        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "kept", "--field", "username=keeper", "--field", "password=-"],
            environment: environment(first), input: "Kept-Across-Restart")
        #expect(created.status == 0, "\(created.stderr)")
        await #expect(try SesameProcess.run(["secret", "get", "1"], environment: environment(first)).status == 0)  // a VIEW audit
        first.stop()
        let second = try await SesameProcess.Server.start(arguments: ["--database", database], adminPassword: Self.password)
        defer { second.stop() }
        let value = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: environment(second))
        #expect(value.status == 0)
        #expect(value.stdout == "Kept-Across-Restart")
        // Audit entries buffered when the first server stopped were written before it exited.
        let audits = try await SesameProcess.run(["secret", "audits", "1", "-o", "json"], environment: environment(second))
        let actions = try WireCoding.makeDecoder().decode([SecretAuditModel].self, from: Data(audits.stdout.utf8)).map(\.action)
        // One view on the first server (just before it stopped), one on the second (`get --field` reads the secret
        // once: the value is in its answer).
        #expect(actions.filter { $0 == "VIEW" }.count == 2, "\(actions)")
        #expect(actions.contains("CREATE"))
        let key = try #require(try FileManager.default.attributesOfItem(atPath: database + ".key")[.posixPermissions] as? Int)
        #expect(key & 0o077 == 0)
    }

    @Test func apiCallsAnyOperation() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let env = environment(server)
        let created = try await SesameProcess.run(["api", "POST", "/v1/groups", "-f", "name=operators", "-F", "enabled=true"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let group = try WireCoding.makeDecoder().decode(JSONValue.self, from: Data(created.stdout.utf8))
        #expect(group["name"]?.stringValue == "operators")
        let listed = try await SesameProcess.run(["api", "GET", "/api/v1/groups", "-f", "filter.searchText=oper"], environment: env)
        let page = try WireCoding.makeDecoder().decode(JSONValue.self, from: Data(listed.stdout.utf8))
        #expect(page["total"]?.intValue == 1)
        let secretArg = try await SesameProcess.run(["api", "POST", "/v1/users", "-f", "userName=x", "-f", "password=Sneaky-1"], environment: env)
        #expect(secretArg.status == 1)
        #expect(secretArg.stderr.contains("--input"))
        let body = try TemporaryDirectory()
        defer { body.remove() }
        let file = body.file("user.json")
        try Data(#"{"userName": "eve", "displayName": "Eve", "password": "Eve-Passw0rd"}"#.utf8).write(to: URL(fileURLWithPath: file))
        let user = try await SesameProcess.run(["api", "POST", "/v1/users", "--input", file], environment: env)
        #expect(user.status == 0, "\(user.stderr)")
        #expect(!user.stdout.contains("Eve-Passw0rd"))
        let missing = try await SesameProcess.run(["api", "GET", "/v1/groups/999"], environment: env)
        #expect(missing.status == 4)
        let badMethod = try await SesameProcess.run(["api", "FETCH", "/v1/groups"], environment: env)
        #expect(badMethod.status == 1)
    }

    @Test func encryptionKeyFromTheEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.file("env-key.sqlite")
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let first = try await SesameProcess.Server.start(
            arguments: ["--database", database], adminPassword: Self.password,
            environment: ["SESAME_SERVER_KEY": key])
        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "k", "--field", "username=u", "--field", "password=-"],
            environment: environment(first), input: "Env-Key-Value")
        #expect(created.status == 0, "\(created.stderr)")
        first.stop()
        #expect(!FileManager.default.fileExists(atPath: database + ".key"))
        let second = try await SesameProcess.Server.start(
            arguments: ["--database", database], adminPassword: Self.password,
            environment: ["SESAME_SERVER_KEY": key])
        defer { second.stop() }
        let value = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: environment(second))
        #expect(value.stdout == "Env-Key-Value")
        let wrong = try await SesameProcess.run(
            ["server", "--dev", "--database", database],
            environment: ["SESAME_SERVER_KEY": Data(repeating: 9, count: 32).base64EncodedString()])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("encryption key does not match"))
        let malformed = try await SesameProcess.run(["server", "--dev"], environment: ["SESAME_SERVER_KEY": "short"])
        #expect(malformed.status == 1 && malformed.stderr.contains("32 bytes"))
    }

    @Test func helpShowsExamples() async throws {
        for command in [
            ["secret", "get"], ["secret", "search"], ["secret", "create"], ["folder", "list"], ["server"], ["demo"], ["api"],
            ["user", "list"], ["user", "create"], ["group", "add"], ["permission", "grant"], ["template", "show"],
            ["template", "generate-password"], ["metadata", "set"], ["checkout"], ["checkin"], ["access", "request"],
            ["access", "approve"], ["secret", "audits"], ["secret", "upload"], ["script", "list"], ["role", "list"],
            ["team", "list"], ["policy", "list"],
        ] {
            let help = try await SesameProcess.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        }
    }
}
