import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The Delinea Platform front door of the local server, and the client's Platform sign-in: the health probes that
/// tell a Platform from a Secret Server, the `xpmplatform` client-credentials route, the vault broker, and the
/// Platform token accepted by the Secret Server API as the mapped user (whose permissions apply).
@Suite(.timeLimit(.minutes(5)))
struct PlatformTests {
    static let secret = "Platform-Client-Secret-1"

    static func configuration() -> EmulatorConfiguration {
        var configuration = TestEmulator.configuration()
        configuration.platform.clientSecret = secret
        return configuration
    }

    /// One raw exchange.
    static func send(
        _ url: String, method: HTTPMethod = .GET, token: String? = nil, form: String? = nil
    ) async throws -> (status: Int, body: String, json: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (Int(response.status.code), body, json)
    }

    static func platformToken(_ platform: String, secret: String = PlatformTests.secret) async throws -> (status: Int, body: String, json: [String: Any]) {
        try await send(
            platform + "/identity/api/oauth2/token/xpmplatform", method: .POST,
            form: "grant_type=client_credentials&client_id=sesame-platform&client_secret=\(secret)&scope=xpmheadless")
    }

    @Test func theFrontDoorAnswersAsAPlatformAndNotAsASecretServer() async throws {
        try await TestEmulator.with(Self.configuration()) { server in
            let platform = try #require(server.platformURL)
            #expect(platform.hasSuffix("/platform"))
            let health = try await Self.send(platform + "/health")
            #expect(health.status == 200 && health.json["Healthy"] as? Bool == true && health.json["healthy"] as? Bool == true)
            // Clients probe the Secret Server health check first: on the Platform base it must not be healthy.
            let secretServerProbe = try await Self.send(platform + "/api/v1/healthcheck")
            #expect(secretServerProbe.status == 404 && !secretServerProbe.body.lowercased().contains("healthy"))

            // The token route: client credentials, scope xpmheadless, no refresh token.
            let granted = try await Self.platformToken(platform)
            #expect(granted.status == 200, "\(granted.body)")
            let token = try #require(granted.json["access_token"] as? String)
            #expect(granted.json["token_type"] as? String == "Bearer" && granted.json["scope"] as? String == "xpmheadless")
            #expect((granted.json["expires_in"] as? Int ?? 0) > 0 && granted.json["refresh_token"] == nil)
            let wrong = try await Self.platformToken(platform, secret: "not-it")
            #expect(wrong.status == 401 && wrong.json["error"] as? String == "invalid_client" && !wrong.body.contains("not-it"))
            let password = try await Self.send(
                platform + "/identity/api/oauth2/token/xpmplatform", method: .POST,
                form: "grant_type=password&username=admin&password=\(TestEmulator.adminPassword)")
            #expect(password.status == 400 && password.json["error"] as? String == "unsupported_grant_type")
            let scope = try await Self.send(
                platform + "/identity/api/oauth2/token/xpmplatform", method: .POST,
                form: "grant_type=client_credentials&client_id=sesame-platform&client_secret=\(Self.secret)&scope=openid")
            #expect(scope.status == 400 && scope.json["error"] as? String == "invalid_scope")

            // The vault broker names this server's Secret Server, to Platform tokens only.
            let vaults = try await Self.send(platform + "/vaultbroker/api/vaults", token: token)
            #expect(vaults.status == 200, "\(vaults.body)")
            let list = try #require(vaults.json["vaults"] as? [[String: Any]])
            let vault = try #require(list.first { $0["isDefault"] as? Bool == true && $0["isActive"] as? Bool == true })
            #expect((vault["connection"] as? [String: Any])?["url"] as? String == server.baseURL)
            #expect(try await Self.send(platform + "/vaultbroker/api/vaults").status == 401)
            let ssToken = try await Self.send(
                server.baseURL + "/oauth2/token", method: .POST,
                form: "grant_type=password&username=admin&password=\(TestEmulator.adminPassword)")
            let adminToken = try #require(ssToken.json["access_token"] as? String)
            #expect(try await Self.send(platform + "/vaultbroker/api/vaults", token: adminToken).status == 401)

            // The Secret Server API takes the Platform token as the mapped user.
            let current = try await Self.send(server.baseURL + "/api/v1/users/current", token: token)
            #expect(current.status == 200 && current.json["userName"] as? String == "platform-service", "\(current.body)")
        }
    }

    @Test func thePlatformUserReadsWhatIsSharedWithItAndNothingElse() async throws {
        try await TestEmulator.with(Self.configuration()) { server in
            let platform = try #require(server.platformURL)
            try await SecretServerClient.withClient(configuration: TestEmulator.clientConfiguration(server)) { admin in
                let shared = try await admin.createFolder(FolderCreateArgs(folderName: "Platform Shared"))
                let hidden = try await admin.createFolder(FolderCreateArgs(folderName: "Admins Only"))
                var stub = try await admin.secretStub(templateId: 2, folderId: shared.id)
                stub.name = "app db"
                stub.setValue("app", forItem: "username")
                stub.setValue("Shared-Value-1", forItem: "password")
                let visible = try await admin.createSecret(stub)
                stub.folderId = hidden.id
                stub.name = "root db"
                stub.setValue("Hidden-Value-1", forItem: "password")
                let secret = try await admin.createSecret(stub)
                let service = try #require(try await admin.user(named: "platform-service"))
                _ = try await admin.grant(.view, onFolder: shared.id, secrets: .view, to: .user(service.id))

                // Explicit Platform sign-in, and detected from the URL with a user name and password (as the SDKs do).
                for credentials in [
                    SecretServerClient.Credentials.platform(clientId: "sesame-platform", clientSecret: Self.secret),
                    .password(username: "sesame-platform", password: Self.secret),
                ] {
                    try await SecretServerClient.withClient(configuration: .init(baseURL: platform, credentials: credentials)) { client async throws in
                        #expect(await client.serverKind() == .platform)
                        #expect(try await client.currentUser().userName == "platform-service")
                        #expect(try await client.fieldValue(secretId: visible.id, slug: "password") == "Shared-Value-1")
                        #expect(try await client.secret(path: "\\Platform Shared\\app db").id == visible.id)
                        await #expect(throws: SecretServerError.self) { try await client.fieldValue(secretId: secret.id, slug: "password") }
                    }
                }
                // The audit trail names the mapped user.
                let audits = try await admin.secretAudits(id: visible.id).collect()
                #expect(audits.contains { $0.username == "platform-service" })

                // A Secret Server URL is detected as one; a wrong Platform secret is refused at sign-in.
                try await SecretServerClient.withClient(configuration: TestEmulator.clientConfiguration(server)) { client in
                    #expect(await client.serverKind() == .secretServer)
                }
                try await SecretServerClient.withClient(
                    configuration: .init(
                        baseURL: platform, credentials: .platform(clientId: "sesame-platform", clientSecret: "not-it"), retry: .none
                    )
                ) { client in
                    let error = await #expect(throws: SecretServerError.self) { try await client.currentUser() }
                    #expect(error?.code == .authenticationFailed)
                    #expect(!String(describing: error).contains("not-it"))
                }
                // Platform credentials on a Secret Server are a configuration error, said before anything is sent.
                #expect(throws: SecretServerError.self) {
                    _ = try SecretServerClient(
                        configuration: .init(
                            baseURL: server.baseURL, credentials: .platform(clientId: "c", clientSecret: "s"), server: .secretServer
                        ))
                }
            }
        }
    }

    /// A Platform path that overlaps the Secret Server's would register its token route twice: refused at start.
    @Test func overlappingPathsAndShortSecretsAreRefusedAtStart() async throws {
        for (path, secret) in [
            ("/SecretServer", Self.secret), ("/secretserver", Self.secret), ("/", Self.secret), ("/api", Self.secret),
            ("/platform", "short"),
        ] {
            var configuration = Self.configuration()
            configuration.platform.path = path
            configuration.platform.clientSecret = secret
            await #expect(throws: EmulatorStartupError.self, "\(path)") { try await TestEmulator.with(configuration) { _ in } }
        }
    }

    @Test func aPlatformTokenIsUsedAsItIsAndItsVaultFound() async throws {
        try await TestEmulator.with(Self.configuration()) { server in
            let platform = try #require(server.platformURL)
            let token = try #require(try await Self.platformToken(platform).json["access_token"] as? String)
            // A token issued elsewhere, against the Platform URL (the Ansible lookup's `token` option).
            try await SecretServerClient.withClient(configuration: .init(baseURL: platform, credentials: .token(token))) { client async throws in
                #expect(await client.serverKind() == .platform)
                #expect(try await client.currentUser().userName == "platform-service")
            }
            // Off: the server has no front door, and the client sees a Secret Server.
            var off = Self.configuration()
            off.platform.path = ""
            try await TestEmulator.with(off) { plain async throws in
                #expect(plain.platformURL == nil)
                #expect(try await Self.send(plain.baseURL.replacingOccurrences(of: "/SecretServer", with: "") + "/platform/health").status == 404)
            }
        }
    }
}
