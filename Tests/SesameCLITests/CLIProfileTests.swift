import Foundation
import SesameTestSupport
import Testing

/// `sesame login`, profiles and stored sessions, as processes.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIProfileTests {
    static let password = "Profile-Admin-Passw0rd!"

    @Test func loginKeepsAProfileAndASessionButNeverThePassword() async throws {
        // A short token lifetime: the stored access token is already too old, so the refresh token is used.
        let server = try await SesameProcess.Server.start(arguments: ["--token-lifetime", "20"], adminPassword: Self.password)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ["SESAME_CONFIG_DIR": directory.path]

        let login = try await SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-stdin"], environment: config,
            input: Self.password + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("Profile 'default' saved"))
        for file in ["config.yaml", "sessions.sqlite", "sessions.key"] {
            let path = directory.file(file)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.range(of: Data(Self.password.utf8)) == nil, "the password is in \(file)")
        }
        let yaml = try String(contentsOfFile: directory.file("config.yaml"), encoding: .utf8)
        #expect(yaml.contains("url: \(server.baseURL)") && yaml.contains("username: admin"))

        // No password anywhere now: the stored session signs in (through its refresh token), twice in a row.
        for _ in 0..<2 {
            let list = try await SesameProcess.run(["folder", "list"], environment: config)
            #expect(list.status == 0 && list.stdout.contains("Personal Folders"), "\(list.stderr)")
        }
        let profiles = try await SesameProcess.run(["profile", "list", "--output", "json"], environment: config)
        #expect(profiles.stdout.contains(#""current" : true"#) && profiles.stdout.contains(#""session" : true"#))

        // A second profile chosen by flag or by SESAME_PROFILE; a missing one is a clear error.
        let second = try await SesameProcess.run(
            ["login", "--profile", "other", "--url", server.baseURL, "--username", "admin", "--password-stdin", "--no-store"],
            environment: config, input: Self.password)
        #expect(second.status == 0 && second.stdout.contains("no session kept"), "\(second.stderr)")
        let withoutSession = try await SesameProcess.run(["folder", "list"], environment: config.merging(["SESAME_PROFILE": "other"]) { $1 })
        #expect(withoutSession.status == 1 && withoutSession.stderr.contains("no password"))
        let unknownSub = try await SesameProcess.run(["folder", "list", "--profile", "nope"], environment: config)
        #expect(unknownSub.status == 1 && unknownSub.stderr.contains("no profile 'nope'") && unknownSub.stderr.contains("default, other"))

        // The environment wins over the profile: another URL means none of the profile's settings (its session, its
        // user) go there.
        let elsewhere = try await SesameProcess.run(
            ["folder", "list"],
            environment: config.merging([
                "SESAME_URL": "http://127.0.0.1:9/SecretServer", "SESAME_PASSWORD": "x", "SESAME_USERNAME": "admin", "SESAME_CONNECT_TIMEOUT": "0.3",
            ]) { $1 })
        #expect(elsewhere.status == 6)
        let noUser = try await SesameProcess.run(
            ["folder", "list"],
            environment: config.merging([
                "SESAME_URL": "http://127.0.0.1:9/SecretServer", "SESAME_PASSWORD": "x",
            ]) { $1 })
        #expect(noUser.status == 1 && noUser.stderr.contains("no user name"), "\(noUser.stderr)")

        let logout = try await SesameProcess.run(["logout"], environment: config)
        #expect(logout.status == 0)
        let after = try await SesameProcess.run(["folder", "list"], environment: config)
        #expect(after.status == 1 && after.stderr.contains("sesame login"))
        let use = try await SesameProcess.run(["profile", "use", "other"], environment: config)
        #expect(use.status == 0)
        let removed = try await SesameProcess.run(["profile", "remove", "default"], environment: config)
        #expect(removed.status == 0)
        #expect(!(try String(contentsOfFile: directory.file("config.yaml"), encoding: .utf8)).contains("default:"))
    }

    @Test func passwordsAreNeverTakenFromArguments() async throws {
        let result = try await SesameProcess.run(["login", "--url", "http://x", "--username", "a", "--password", "secret"])
        #expect(result.status != 0 && result.stderr.contains("--password"))
    }
}
