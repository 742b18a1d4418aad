import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// Signing in without a person: an SDK client onboarded by `sesame login --sdk-client` (the key from standard input,
/// the secret kept only in the encrypted session store), `SESAME_CLIENT_ID`/`SESAME_CLIENT_SECRET` for CI,
/// two-factor codes (`SESAME_OTP`, `login --otp`) against the local server's TOTP mode, and a session store sealed
/// with a passphrase instead of its key file.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIMachineIdentityTests {
    static let password = "Machine-Admin-Passw0rd!"

    /// A server with one secret (id 1, password "Machine-Value-1") and an onboarding rule acting as the admin; its key.
    func withServer(arguments: [String] = [], _ body: (SesameProcess.Server, String) async throws -> Void) async throws {
        let server = try await SesameProcess.Server.start(arguments: arguments, adminPassword: Self.password)
        defer { server.stop() }
        let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "machine db", "--field", "username=app", "--field", "password=-"],
            environment: admin, input: "Machine-Value-1\n")
        #expect(created.status == 0, "\(created.stderr)")
        var key = ""
        if arguments.isEmpty {
            let configuration = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password))
            key = try await SecretServerClient.withClient(configuration: configuration) { client in
                let me = try await client.currentUser()
                let rule = try await client.createSdkClientRule(name: "ci-runners", userId: me.id)
                return try await client.sdkClientOnboardingKey(ruleId: rule.id)
            }
        }
        try await body(server, key)
    }

    @Test func anSdkClientIsOnboardedOnceAndSignsInWithItsKeptSecret() async throws {
        try await withServer { server, key in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let config = ["SESAME_CONFIG_DIR": directory.path]
            // The key never goes on the command line.
            let inline = try await SesameProcess.run(
                ["login", "--url", server.baseURL, "--sdk-client", "--rule", "ci-runners", "--onboarding-key", key], environment: config)
            #expect(inline.status != 0 && inline.stderr.contains("--onboarding-key -") && !inline.stderr.contains(key), "\(inline.stderr)")
            let wrongKey = try await SesameProcess.run(
                ["login", "--url", server.baseURL, "--sdk-client", "--rule", "ci-runners", "--onboarding-key", "-"], environment: config,
                input: "not-the-key\n")
            #expect(wrongKey.status != 0)

            let login = try await SesameProcess.run(
                ["login", "--url", server.baseURL, "--sdk-client", "--rule", "ci-runners", "--onboarding-key", "-", "--client-name", "runner-7"],
                environment: config, input: key + "\n")
            #expect(login.status == 0 && login.stdout.contains("Onboarded SDK client"), "\(login.stdout) \(login.stderr)")
            let profile = try String(contentsOfFile: directory.file("config.yaml"), encoding: .utf8)
            #expect(profile.contains("auth: sdk-client") && profile.contains("clientId:"), "\(profile)")
            #expect(!profile.contains(key))

            // Reads sign in with client_credentials each time.
            let read = try await SesameProcess.run(["get", "tss://1/password"], environment: config)
            #expect(read.status == 0 && read.stdout == "Machine-Value-1", "\(read.stderr)")
            let byField = try await SesameProcess.run(["secret", "get", "1", "--field", "username"], environment: config)
            #expect(byField.status == 0 && byField.stdout == "app", "\(byField.stderr)")

            // The client as the server sees it: revoked, the profile can no longer sign in.
            let admin = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password))
            let (clientId, clientSecretSeen) = try await SecretServerClient.withClient(configuration: admin) { client in
                let accounts = try await client.sdkClientAccounts()
                let account = try #require(accounts.first { $0.name == "runner-7" })
                try await client.revokeSdkClient(id: account.id)
                return (account.clientId, account.clientSecret)
            }
            #expect(profile.contains(clientId) && clientSecretSeen == nil)
            let revoked = try await SesameProcess.run(["get", "tss://1/password"], environment: config)
            #expect(revoked.status != 0 && revoked.stdout.isEmpty)
        }
    }

    @Test func ciSignsInWithTheClientIdAndSecretFromTheEnvironment() async throws {
        try await withServer { server, key in
            let account = try await SecretServerClient.onboardSdkClient(baseURL: server.baseURL, ruleName: "ci-runners", onboardingKey: key, name: "gha")
            let secret = try #require(account.clientSecret)
            let environment = ["SESAME_URL": server.baseURL, "SESAME_CLIENT_ID": account.clientId, "SESAME_CLIENT_SECRET": secret]
            let read = try await SesameProcess.run(["get", "tss://1/password"], environment: environment)
            #expect(read.status == 0 && read.stdout == "Machine-Value-1", "\(read.stderr)")
            let run = try await SesameProcess.run(
                ["run", "--", "sh", "-c", "echo \"$DB:${SESAME_CLIENT_SECRET:-stripped}\""],
                environment: environment.merging(["DB": "tss://1/password"]) { $1 })
            #expect(run.status == 0 && run.stdout == "Machine-Value-1:stripped\n", "\(run.stdout) \(run.stderr)")
            let half = try await SesameProcess.run(
                ["get", "tss://1/password"], environment: ["SESAME_URL": server.baseURL, "SESAME_CLIENT_ID": account.clientId])
            #expect(half.status != 0 && half.stderr.contains("SESAME_CLIENT_SECRET"), "\(half.stderr)")
        }
    }

    @Test func twoFactorCodesGoWithThePasswordAndTheSessionNeedsNoMore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let totp = try #require(TOTP(base32: "KRSXG5CTMVZWC3LFKRSXG5CTMVZWC3LF"))
        let secrets = directory.file("totp")
        try "# the emulator's two-factor users\nbob = KRSXG5CTMVZWC3LFKRSXG5CTMVZWC3LF\n".write(toFile: secrets, atomically: true, encoding: .utf8)
        chmod(secrets, 0o600)
        try await withServer(arguments: ["--totp-secrets", secrets]) { server, _ in
            let admin = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password))
            _ = try await SecretServerClient.withClient(configuration: admin) { client in
                try await client.createUser(NewUser(userName: "bob", password: "Bob-Passw0rd-Long!"))
            }
            let granted = try await SesameProcess.run(
                ["permission", "grant", "--secret", "1", "--user", "bob", "--role", "view"],
                environment: ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password])
            #expect(granted.status == 0, "\(granted.stderr)")
            let bob = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "bob", "SESAME_PASSWORD": "Bob-Passw0rd-Long!"]
            let noCode = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: bob)
            #expect(noCode.status != 0 && noCode.stderr.contains("Login failed") && noCode.stderr.contains("SESAME_OTP"), "\(noCode.stderr)")
            let wrongCode = try await SesameProcess.run(
                ["secret", "get", "1", "--field", "password"], environment: bob.merging(["SESAME_OTP": "12345x"]) { $1 })
            #expect(wrongCode.status != 0 && wrongCode.stderr.contains("Login failed"), "\(wrongCode.stderr)")
            let config = bob.merging(["SESAME_CONFIG_DIR": directory.path, "SESAME_OTP": totp.code(at: Date())]) { $1 }
            let login = try await SesameProcess.run(["login", "--otp"], environment: config)
            #expect(login.status == 0, "\(login.stdout) \(login.stderr)")
            // The stored session signs in from now on: no password, no code.
            let read = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: ["SESAME_CONFIG_DIR": directory.path])
            #expect(read.status == 0 && read.stdout == "Machine-Value-1", "\(read.stderr)")
        }
    }

    @Test func aSessionStoreSealedWithAPassphraseNeedsIt() async throws {
        try await withServer { server, _ in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let passphrase = "Session-Store-Passphrase-42"
            let config = ["SESAME_CONFIG_DIR": directory.path]
            let login = try await SesameProcess.run(
                ["login", "--url", server.baseURL, "--username", "admin", "--password-stdin"],
                environment: config.merging(["SESAME_SESSION_PASSPHRASE": passphrase]) { $1 }, input: Self.password + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            #expect(FileManager.default.fileExists(atPath: directory.file("sessions.passphrase")))
            #expect(!FileManager.default.fileExists(atPath: directory.file("sessions.key")))
            let read = try await SesameProcess.run(["get", "tss://1/password"], environment: config.merging(["SESAME_SESSION_PASSPHRASE": passphrase]) { $1 })
            #expect(read.status == 0 && read.stdout == "Machine-Value-1", "\(read.stderr)")
            // Without it (no terminal to ask on): refused, saying what to set.
            let without = try await SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: config)
            #expect(without.status != 0 && without.stderr.contains("SESAME_SESSION_PASSPHRASE"), "\(without.stderr)")
            let wrong = try await SesameProcess.run(
                ["get", "tss://1/password"], environment: config.merging(["SESAME_SESSION_PASSPHRASE": "Not-The-Passphrase-1"]) { $1 })
            #expect(wrong.status != 0 && wrong.stdout.isEmpty && !wrong.stderr.contains(passphrase), "\(wrong.stderr)")
            // A store made with its key file is not silently switched.
            let other = try TemporaryDirectory()
            defer { other.remove() }
            let keyFile = try await SesameProcess.run(
                ["login", "--url", server.baseURL, "--username", "admin", "--password-stdin"],
                environment: ["SESAME_CONFIG_DIR": other.path], input: Self.password + "\n")
            #expect(keyFile.status == 0, "\(keyFile.stderr)")
            let switched = try await SesameProcess.run(
                ["get", "tss://1/password"],
                environment: ["SESAME_CONFIG_DIR": other.path, "SESAME_SESSION_PASSPHRASE": passphrase])
            #expect(switched.status != 0 && switched.stderr.contains("key file"), "\(switched.stderr)")
        }
    }

    @Test(.enabled(if: Moto.shouldRun)) func aCIJobWithAnOIDCTokenReadsAWSThroughTheWebIdentityRole() async throws {
        // As GitHub Actions with id-token: write and aws-actions/configure-aws-credentials' role-to-assume leave it:
        // a token file and a role, no keys. moto's STS takes the token; SSM answers the assumed role.
        let url = try Moto.url()
        let name = "/" + Moto.uniqueName("oidc")
        try await Moto.putParameter(name, value: "from-the-ci-role", url: url)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "eyJhbGciOiJSUzI1NiJ9.ci-job-token.sig".write(toFile: directory.file("token"), atomically: true, encoding: .utf8)
        let environment = [
            "AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": directory.file("token"),
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/gha-deploy", "AWS_ROLE_SESSION_NAME": "run-42",
        ]
        let read = try await SesameProcess.run(["get", "aws-ps://" + name], environment: environment)
        #expect(read.status == 0 && read.stdout == "from-the-ci-role", "\(read.stderr)")
        // The token file gone: the step that failed and what to check, and no credential.
        try FileManager.default.removeItem(atPath: directory.file("token"))
        let failed = try await SesameProcess.run(["get", "aws-ps://" + name], environment: environment)
        #expect(failed.status != 0 && failed.stderr.contains("web identity") && failed.stderr.contains("token file"), "\(failed.stderr)")
    }
}
