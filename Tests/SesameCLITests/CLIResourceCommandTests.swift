import Foundation
import SecretServerModels
import SesameTestSupport
import Testing

/// The resource subcommands, run as a process against `sesame server --dev`.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIResourceCommandTests {
    static let password = "Cli-Admin-Passw0rd!"

    @Test func operatorsManageUsersGroupsAccessAndMetadata() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        func sesame(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) async throws -> SesameProcess.Result {
            let result = try await SesameProcess.run(arguments, environment: environment ?? env, input: input)
            return result
        }

        #expect(try await sesame(["user", "create", "alice", "--display-name", "Alice A.", "--password-stdin"], input: "Alice-Passw0rd\n").status == 0)
        let noPassword = try await sesame(["user", "create", "bob"])
        #expect(noPassword.status == 1 && noPassword.stderr.contains("--password-stdin"))
        #expect(try await sesame(["user", "list"]).stdout.contains("Alice A."))
        #expect(try await sesame(["group", "create", "operators"]).status == 0)
        #expect(try await sesame(["group", "add", "operators", "alice", "admin"]).status == 0)
        let members = try await sesame(["group", "members", "operators", "-o", "json"])
        #expect(try WireCoding.makeDecoder().decode([GroupUserSummary].self, from: Data(members.stdout.utf8)).map(\.userName) == ["admin", "alice"])

        #expect(try await sesame(["template", "show", "Unix Account (SSH)"]).stdout.contains("private-key-passphrase"))
        let generated = try await sesame(["template", "generate-password", "Unix Account (SSH)", "private-key-passphrase"])
        #expect(generated.status == 0 && generated.stdout.count >= 24)

        let created = try await sesame([
            "secret", "create", "--template", "Unix Account (SSH)", "--name", "web01", "--field", "machine=web01",
            "--field", "username=root", "--generate", "password",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let grant = try await sesame(["permission", "grant", "--secret", "1", "--group", "operators", "--role", "view"])
        #expect(grant.status == 0 && grant.stdout.contains("View"), "\(grant.stderr)")
        #expect(try await sesame(["permission", "list", "--secret", "1"]).stdout.contains("operators"))
        let alice = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "alice", "SESAME_PASSWORD": "Alice-Passw0rd"]
        #expect(try await sesame(["secret", "get", "1", "--field", "username"], environment: alice).stdout == "root")
        #expect(
            try await sesame(
                ["secret", "get", "1", "--field", "notes"], environment: ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "nobody", "SESAME_PASSWORD": "x"]
            ).status == 3)

        let key = try TemporaryDirectory()
        defer { key.remove() }
        try Data("-----BEGIN KEY-----\n".utf8).write(to: URL(fileURLWithPath: key.file("id_test")))
        #expect(try await sesame(["secret", "upload", "1", "private-key", key.file("id_test")]).status == 0)
        #expect(try await sesame(["secret", "get", "1", "--field", "private-key"]).stdout == "-----BEGIN KEY-----\n")

        #expect(try await sesame(["metadata", "set", "secret", "1", "--section", "Ownership", "--field", "Team", "web-team"]).status == 0)
        #expect(try await sesame(["metadata", "list", "secret", "1"]).stdout.contains("web-team"))

        let notEnabled = try await sesame(["checkout", "1"])
        #expect(notEnabled.status == 2 && notEnabled.stderr.contains("API_CheckoutNotEnabled"))
        let access = try await sesame(["access", "request", "1", "--comment", "why not"])
        #expect(access.status == 2 && access.stderr.contains("API_ApprovalNotRequired"))
        let audits = try await sesame(["secret", "audits", "1"])
        #expect(audits.stdout.contains("CREATE") && audits.stdout.contains("PERMISSIONADDED") && audits.stdout.contains("VIEW"))

        #expect(try await sesame(["user", "disable", "alice"]).status == 0)
        #expect(try await sesame(["secret", "get", "1", "--field", "username"], environment: alice).status == 3)
        #expect(try await sesame(["role", "list"]).stdout.contains("Administrator"))
        #expect(try await sesame(["team", "list"]).status == 0)
        #expect(try await sesame(["policy", "list"]).status == 0)
        #expect(try await sesame(["script", "list"]).status == 0)
        #expect(try await sesame(["group", "remove", "operators", "alice"]).status == 0)
        #expect(try await sesame(["permission", "grant", "--secret", "1", "--role", "view"]).status == 1)
    }
}
