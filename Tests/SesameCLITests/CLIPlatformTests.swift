import Foundation
import SesameTestSupport
import Testing

/// The command line against a Delinea Platform URL (the local server's front door): `sesame login` finds out it is
/// a Platform, signs the service user in and keeps the profile as one; references resolve through the Platform's
/// vault, with a profile or with the environment alone; logout ends the Platform token on the server.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIPlatformTests {
    static let password = "Platform-Admin-Passw0rd!"
    static let clientSecret = "Platform-Cli-Secret-7"

    @Test func loginAndReferencesWorkThroughAPlatformURL() async throws {
        try await onOwnThread {
            let server = try SesameProcess.Server(adminPassword: Self.password, environment: ["SESAME_PLATFORM_CLIENT_SECRET": Self.clientSecret])
            defer { server.stop() }
            let platform = try #require(server.platformURL, "\(server.banner)")
            #expect(platform.hasSuffix("/platform") && server.banner.contains("sesame-platform"))
            #expect(!server.banner.contains(Self.clientSecret))
            let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
            let created = try SesameProcess.run(
                ["secret", "create", "--template", "Password", "--name", "platform db", "--field", "username=app", "--field", "password=-"],
                environment: admin, input: "Platform-Value-1\n")
            #expect(created.status == 0, "\(created.stderr)")
            // The service user reads only what is shared with it.
            let service = ["SESAME_URL": platform, "SESAME_USERNAME": "sesame-platform", "SESAME_PASSWORD": Self.clientSecret]
            let refused = try SesameProcess.run(["get", "tss://1/password"], environment: service)
            #expect(refused.status != 0 && refused.stdout.isEmpty)
            let granted = try SesameProcess.run(["permission", "grant", "--secret", "1", "--user", "platform-service", "--role", "view"], environment: admin)
            #expect(granted.status == 0, "\(granted.stderr)")

            // The environment alone: the URL is found to be a Platform.
            let direct = try SesameProcess.run(["get", "tss://1/password"], environment: service)
            #expect(direct.status == 0 && direct.stdout == "Platform-Value-1", "\(direct.stderr)")

            // A profile: login says it is a Platform and keeps that.
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let config = ["SESAME_CONFIG_DIR": directory.path]
            let login = try SesameProcess.run(
                ["login", "--url", platform, "--username", "sesame-platform", "--password-stdin"], environment: config,
                input: Self.clientSecret + "\n")
            #expect(login.status == 0 && login.stdout.contains("Delinea Platform"), "\(login.stdout) \(login.stderr)")
            let profile = try String(contentsOfFile: directory.file("config.yaml"), encoding: .utf8)
            #expect(profile.contains("server: platform") && !profile.contains(Self.clientSecret), "\(profile)")
            let read = try SesameProcess.run(["get", "tss://1/password"], environment: config)
            #expect(read.status == 0 && read.stdout == "Platform-Value-1", "\(read.stderr)")
            let byPath = try SesameProcess.run(["secret", "get", "\\platform db", "--field", "username"], environment: config)
            #expect(byPath.status == 0 && byPath.stdout == "app", "\(byPath.stderr)")
            let run = try SesameProcess.run(["run", "--", "sh", "-c", "echo $DB"], environment: config.merging(["DB": "tss://1/password"]) { $1 })
            #expect(run.status == 0 && run.stdout == "Platform-Value-1\n", "\(run.stderr)")

            // Logout ends the kept Platform token on the server.
            let logout = try SesameProcess.run(["logout"], environment: config)
            #expect(logout.status == 0 && logout.stdout.contains("The server ended the session"), "\(logout.stdout) \(logout.stderr)")
            let after = try SesameProcess.run(["get", "tss://1/password"], environment: config.merging(["SESAME_USERNAME": "sesame-platform"]) { $1 })
            #expect(after.status != 0)
        }
    }
}
