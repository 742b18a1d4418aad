import AWSSigV4
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SesameTestSupport
import Synchronization
import Testing

@testable import AWSSecrets

/// The credential chain where its users run: web identity (EKS, GitHub Actions OIDC) and `credential_process`
/// against moto's STS; the container endpoint (ECS, EKS Pod Identity), IMDSv2 and the SSO portal against local
/// servers that follow the documented protocols; clock skew corrected once; every failure names its step and
/// never shows a credential.
@Suite(.timeLimit(.minutes(3)))
struct CredentialChainTests {
    /// An environment with no credentials anywhere, moto for STS, SSM and Secrets Manager, and IMDS off.
    func bareEnvironment(_ directory: TemporaryDirectory, moto: String? = nil) -> [String: String] {
        var environment = [
            "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": directory.file("config"), "AWS_SHARED_CREDENTIALS_FILE": directory.file("credentials"),
            "HOME": directory.path, "AWS_EC2_METADATA_DISABLED": "true",
        ]
        if let moto { environment["AWS_ENDPOINT_URL"] = moto }
        return environment
    }

    func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: Web identity and credential_process, against moto's STS

    @Test(.enabled(if: Moto.shouldRun)) func webIdentityFromTheEnvironmentAssumesTheRoleAndRereadsTheToken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = directory.file("token")
        try write("eyJhbGciOiJSUzI1NiJ9.first-token.sig", to: tokenFile)
        var environment = bareEnvironment(directory, moto: try Moto.url())
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/ci-deploy"
        environment["AWS_ROLE_SESSION_NAME"] = "github-actions"
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        #expect(session.principal == "role:arn:aws:iam::123456789012:role/ci-deploy")
        let identity = try await session.sts().getCallerIdentity()
        #expect(identity.arn.contains("ci-deploy") && identity.arn.contains("github-actions"), "\(identity.arn)")
        let name = "/" + Moto.uniqueName("web-identity")
        try await session.ssm().putParameter(name, value: "v1", type: .string, overwrite: true)
        #expect(try await session.ssm().getParameter(name).value == "v1")

        // The token file is read again at each refresh: gone, the refresh says which file and step failed.
        try FileManager.default.removeItem(atPath: tokenFile)
        await session.credentialsProvider.invalidate()
        do {
            _ = try await session.credentialsProvider.credentials()
            Issue.record("credentials without a token file")
        } catch let error as AWSError {
            #expect(error.message.contains("web identity") && error.message.contains(tokenFile), "\(error)")
            #expect(error.message.contains("id-token: write"), "\(error)")
        }
        try await session.shutdown()
    }

    @Test(.enabled(if: Moto.shouldRun)) func aProfileWithWebIdentityOrACredentialProcessSignsRequests() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write("token-from-a-profile", to: directory.file("token"))
        let counter = directory.file("runs")
        let script = directory.file("creds.sh")
        let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try write(
            """
            #!/bin/sh
            echo run >> '\(counter)'
            printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "Process-Secret-Key-1", "SessionToken": "tok", "Expiration": "\(expiration)"}'
            """, to: script)
        chmod(script, 0o700)
        try write(
            """
            [profile oidc]
            role_arn = arn:aws:iam::123456789012:role/from-profile
            web_identity_token_file = \(directory.file("token"))
            role_session_name = profile-session

            [profile process]
            credential_process = \(script)
            """, to: directory.file("config"))
        var environment = bareEnvironment(directory, moto: try Moto.url())
        environment["AWS_PROFILE"] = "oidc"
        let oidc = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        #expect(try await oidc.sts().getCallerIdentity().arn.contains("from-profile/profile-session"))
        try await oidc.shutdown()

        environment["AWS_PROFILE"] = "process"
        let process = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        // The profile's name and its command's fingerprint: another config file's `process` profile running another
        // helper is another principal (another cache scope).
        #expect(process.principal.hasPrefix("process:process:") && process.principal.count == "process:process:".count + 16, "\(process.principal)")
        let first = try await process.credentialsProvider.credentials()
        #expect(first.accessKeyId == "AKIDPROCESS" && first.sessionToken == "tok")
        _ = try await process.sts().getCallerIdentity()
        _ = try await process.credentialsProvider.credentials()
        // Valid for an hour: the command ran once.
        #expect(try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count == 1)
        try await process.shutdown()
    }

    @Test func aFailingCredentialProcessSaysSoWithoutItsOutput() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let failing = directory.file("fail.sh")
        try write(
            "#!/bin/sh\nprintf '{\"Version\":1,\"AccessKeyId\":\"AKIDLEAK\",\"SecretAccessKey\":\"Leaked-Secret-9\"}'\necho 'token expired, run sso login' >&2\nexit 3\n",
            to: failing)
        chmod(failing, 0o700)
        let wrongVersion = directory.file("v2.sh")
        try write("#!/bin/sh\nprintf '{\"Version\":2,\"AccessKeyId\":\"AKIDV2\",\"SecretAccessKey\":\"V2-Secret-7\"}'\n", to: wrongVersion)
        chmod(wrongVersion, 0o700)
        let hanging = directory.file("hang.sh")
        try write("#!/bin/sh\ntrap '' TERM\nsleep 300 &\nwait\n", to: hanging)
        chmod(hanging, 0o700)
        for (command, expected) in [(failing, "exited with status 3"), (wrongVersion, "Version is not 1")] {
            let provider = ProcessCredentials.provider(command: command, profile: "p", environment: ["PATH": "/usr/bin:/bin"], now: { Date() })
            do {
                _ = try await provider.credentials()
                Issue.record("\(command) gave credentials")
            } catch let error as AWSError {
                #expect(error.message.contains("credential_process of the profile 'p'") && error.message.contains(expected), "\(error)")
                #expect(!error.description.contains("Leaked-Secret-9") && !error.description.contains("V2-Secret-7"), "\(error)")
                // Its standard error is not shown: a helper may print a token there.
                #expect(!error.description.contains("token expired"), "\(error)")
            }
        }
        // A helper that ignores SIGTERM and leaves a child holding its output: stopped at the deadline all the same.
        let started = ContinuousClock.now
        let stuck = ProcessCredentials.provider(command: hanging, profile: "p", environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(1), now: { Date() })
        await #expect { _ = try await stuck.credentials() } throws: { "\($0)".contains("did not finish in 1 s") }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aCredentialProcessGetsNoSesameSecrets() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.file("env.sh")
        try write(
            #"#!/bin/sh\#nprintf '{"Version":1,"AccessKeyId":"AKID-%s-%s","SecretAccessKey":"s"}' "${SESAME_PASSWORD:-none}" "${AWS_REGION:-none}"\#n"#,
            to: script
        )
        chmod(script, 0o700)
        let provider = ProcessCredentials.provider(
            command: script, profile: "p", environment: ["PATH": "/usr/bin:/bin", "SESAME_PASSWORD": "Not-For-Helpers-1", "AWS_REGION": "eu-west-1"],
            now: { Date() }
        )
        #expect(try await provider.credentials().accessKeyId == "AKID-none-eu-west-1")
    }

    @Test(.enabled(if: Moto.shouldRun)) func anMFAProfileIsRefusedWithoutACodeAndAssumedWithOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write(
            """
            [profile admin]
            role_arn = arn:aws:iam::123456789012:role/admin
            source_profile = base
            mfa_serial = arn:aws:iam::123456789012:mfa/alice

            [profile base]
            aws_access_key_id = AKIDBASE
            aws_secret_access_key = Base-Secret-Key
            """, to: directory.file("config"))
        var environment = bareEnvironment(directory, moto: try Moto.url())
        environment["AWS_PROFILE"] = "admin"
        do {
            _ = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
            Issue.record("an MFA profile without a code")
        } catch let error as AWSError {
            #expect(error.message.contains("needs an MFA code") && error.message.contains("SESAME_AWS_MFA_CODE"), "\(error)")
        }
        environment["SESAME_AWS_MFA_CODE"] = "123456"
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: Moto.timeouts, environment: environment))
        #expect(try await session.sts().getCallerIdentity().arn.contains("assumed-role/admin"))
        try await session.shutdown()
    }

    @Test func awsProfileDoesNotOutrankTheEnvironmentsKeysButAChosenProfileDoes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write("[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n", to: directory.file("credentials"))
        var environment = bareEnvironment(directory)
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENVIRONMENT"
        environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret"
        environment["AWS_PROFILE"] = "dev"
        #expect(try AWSSession(configuration: AWSConfiguration(environment: environment)).principal == "key:AKIDENVIRONMENT")
        #expect(try AWSSession(configuration: AWSConfiguration(profile: "dev", environment: environment)).principal == "key:AKIDPROFILE")
    }

    // MARK: The container endpoint (ECS, EKS Pod Identity)

    final class Recorder: Sendable {
        let requests = Mutex<[(method: String, path: String, headers: [String: String])]>([])
        func record(_ request: Request) {
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            requests.withLock { $0.append((request.method.rawValue, request.uri.description, headers)) }
        }
        var count: Int { requests.withLock { $0.count } }
    }

    func withRouter(_ router: Router<BasicRequestContext>, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func credentialJSON(key: String, expiresIn: TimeInterval, extra: String = "") -> String {
        let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(expiresIn))
        return #"{\#(extra)"AccessKeyId":"\#(key)","SecretAccessKey":"Container-Secret-1","Token":"session-token","Expiration":"\#(expiration)"}"#
    }

    @Test func containerCredentialsSendTheRotatedAuthorizationTokenAndRefresh() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = directory.file("eks-token")
        try write("first-pod-token\n", to: tokenFile)
        let recorder = Recorder()
        let router = Router()
        router.get("/v1/credentials") { request, _ -> Response in
            recorder.record(request)
            guard let authorization = request.headers[.authorization], authorization.hasSuffix("-pod-token") else {
                return Self.json(#"{"Code":"Unauthorized"}"#, status: .unauthorized)
            }
            // Credentials that live 20 minutes: with the 5-minute margin (and up to a minute of jitter), kept a while.
            return Self.json(Self.credentialJSON(key: "AKIDCONTAINER\(recorder.count)", expiresIn: 1200))
        }
        try await withRouter(router) { url in
            var environment = self.bareEnvironment(directory)
            environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url + "/v1/credentials"
            environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile
            let clock = WallClock(Date())
            let session = try AWSSession(configuration: AWSConfiguration(environment: environment, now: { clock.now }))
            #expect(session.principal == "container:" + url + "/v1/credentials")
            let first = try await session.credentialsProvider.credentials()
            #expect(first.accessKeyId == "AKIDCONTAINER1" && first.sessionToken == "session-token")
            _ = try await session.credentialsProvider.credentials()
            #expect(recorder.count == 1)
            // EKS rotates the token file; the next refresh (16 minutes on) sends the new one.
            try self.write("second-pod-token", to: tokenFile)
            clock.advance(by: 16 * 60)
            let second = try await session.credentialsProvider.credentials()
            #expect(second.accessKeyId == "AKIDCONTAINER2")
            let sent = recorder.requests.withLock { $0.map { $0.headers["authorization"] ?? "" } }
            #expect(sent == ["first-pod-token", "second-pod-token"])
            try await session.shutdown()

            // Without the token: the endpoint's 401, named, with what to check.
            environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = nil
            let refused = try AWSSession(configuration: AWSConfiguration(environment: environment))
            do {
                _ = try await refused.credentialsProvider.credentials()
                Issue.record("credentials without the authorization token")
            } catch let error as AWSError {
                #expect(error.message.contains("container endpoint") && error.message.contains("HTTP 401"), "\(error)")
                #expect(error.message.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN"), "\(error)")
            }
            try await refused.shutdown()
        }
    }

    @Test func containerEndpointsAreCheckedBeforeAnythingIsSent() throws {
        #expect(
            try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"]) == "http://169.254.170.2/v2/credentials/abc")
        #expect(try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"]) != nil)
        #expect(try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/x"]) != nil)
        #expect(throws: AWSError.self) { try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://attacker.example.com/x"]) }
        #expect(throws: AWSError.self) { try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "v2/no-slash"]) }
        #expect(throws: AWSError.self) {
            try ContainerCredentials.authorizationToken(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\r\nX-Injected: 1"])
        }
    }

    // MARK: Instance metadata (IMDSv2)

    @Test func instanceMetadataUsesASessionTokenAndGivesTheRegion() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = Recorder()
        let router = Router()
        let token = "imds-session-token"
        router.put("/latest/api/token") { request, _ -> Response in
            recorder.record(request)
            guard let ttl = request.headers[HTTPField.Name("X-aws-ec2-metadata-token-ttl-seconds")!], let seconds = Int(ttl), (1...21600).contains(seconds)
            else {
                return Response(status: .badRequest)
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: token)))
        }
        @Sendable func requireToken(_ request: Request) -> Bool { request.headers[HTTPField.Name("X-aws-ec2-metadata-token")!] == token }
        router.get("/latest/meta-data/iam/security-credentials/") { request, _ -> Response in
            recorder.record(request)
            guard requireToken(request) else { return Response(status: .unauthorized) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "web-tier-role\n")))
        }
        router.get("/latest/meta-data/iam/security-credentials/web-tier-role") { request, _ -> Response in
            recorder.record(request)
            guard requireToken(request) else { return Response(status: .unauthorized) }
            return Self.json(Self.credentialJSON(key: "AKIDINSTANCE", expiresIn: 6 * 3600, extra: #""Code":"Success","Type":"AWS-HMAC","#))
        }
        router.get("/latest/dynamic/instance-identity/document") { request, _ -> Response in
            recorder.record(request)
            guard requireToken(request) else { return Response(status: .unauthorized) }
            return Self.json(#"{"region":"eu-central-1","instanceId":"i-0abc","accountId":"123456789012"}"#)
        }
        try await withRouter(router) { url in
            var environment = self.bareEnvironment(directory)
            environment["AWS_EC2_METADATA_DISABLED"] = nil
            environment["AWS_REGION"] = nil
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = url
            // A local stand-in in this busy process: a generous time limit (the default 2 s is for real machines).
            environment["AWS_METADATA_SERVICE_TIMEOUT"] = "30"
            let session = try await onOwnThread { try AWSSession(configuration: AWSConfiguration(environment: environment)) }
            #expect(session.region == "eu-central-1")
            #expect(session.principal == "instance-metadata:" + url)
            let credentials = try await session.credentialsProvider.credentials()
            #expect(credentials.accessKeyId == "AKIDINSTANCE" && credentials.sessionToken == "session-token")
            let paths = recorder.requests.withLock { $0.map { "\($0.method) \($0.path)" } }
            #expect(paths.contains("GET /latest/meta-data/iam/security-credentials/web-tier-role"))
            #expect(
                paths.filter { $0.hasPrefix("GET") }.count == recorder.requests.withLock { $0.filter { $0.headers["x-aws-ec2-metadata-token"] == token }.count }
            )
            try await session.shutdown()
        }
        // Off EC2 (nothing listening) and turned off: a quick, named failure.
        var environment = bareEnvironment(directory)
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9"
        let started = Date()
        let offEC2 = try AWSSession(configuration: AWSConfiguration(environment: environment))
        do {
            _ = try await offEC2.credentialsProvider.credentials()
            Issue.record("credentials off EC2")
        } catch let error as AWSError {
            #expect(error.code == .noCredentials && error.message.contains("instance metadata (IMDSv2)"), "\(error)")
            #expect(error.message.contains("AWS_EC2_METADATA_DISABLED"), "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 10)
        try await offEC2.shutdown()
    }

    // MARK: SSO

    @Test func ssoUsesTheCachedSignInAtThePortal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write(
            """
            [profile sso-dev]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = Developer
            region = us-east-1

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1
            """, to: directory.file("config"))
        let cache = directory.path + "/.aws/sso/cache"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let name = Insecure.SHA1.hash(data: Data("corp".utf8)).map { String(format: "%02x", $0) }.joined()
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try write(
            #"{"accessToken":"sso-access-token","expiresAt":"\#(expires)","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}"#,
            to: cache + "/" + name + ".json")
        let recorder = Recorder()
        let router = Router()
        router.get("/federation/credentials") { request, _ -> Response in
            recorder.record(request)
            guard request.headers[HTTPField.Name("x-amz-sso_bearer_token")!] == "sso-access-token",
                request.uri.queryParameters["account_id"] == "111122223333", request.uri.queryParameters["role_name"] == "Developer"
            else { return Self.json(#"{"message":"Session token not found or invalid"}"#, status: .unauthorized) }
            let expiration = Int((Date().timeIntervalSince1970 + 3600) * 1000)
            return Self.json(
                #"{"roleCredentials":{"accessKeyId":"AKIDSSO","secretAccessKey":"Sso-Secret-3","sessionToken":"sso-session","expiration":\#(expiration)}}"#)
        }
        try await withRouter(router) { url in
            var environment = self.bareEnvironment(directory)
            environment["AWS_PROFILE"] = "sso-dev"
            environment["AWS_ENDPOINT_URL_SSO"] = url
            let session = try AWSSession(configuration: AWSConfiguration(environment: environment))
            #expect(session.principal == "sso:111122223333/Developer")
            let credentials = try await session.credentialsProvider.credentials()
            #expect(credentials.accessKeyId == "AKIDSSO" && credentials.sessionToken == "sso-session")
            #expect(recorder.count == 1)
            try await session.shutdown()

            // An expired sign-in: the step, and the command that fixes it.
            try self.write(#"{"accessToken":"old","expiresAt":"2020-01-01T00:00:00Z"}"#, to: cache + "/" + name + ".json")
            let expired = try AWSSession(configuration: AWSConfiguration(environment: environment))
            do {
                _ = try await expired.credentialsProvider.credentials()
                Issue.record("credentials from an expired SSO sign-in")
            } catch let error as AWSError {
                #expect(error.message.contains("SSO (profile 'sso-dev'") && error.message.contains("aws sso login --profile sso-dev"), "\(error)")
            }
            try await expired.shutdown()
        }
    }

    // MARK: Clock skew

    @Test func aSkewedClockIsCorrectedOnceWithAWSsTime() async throws {
        let recorder = Recorder()
        let router = Router()
        router.post("/") { request, _ -> Response in
            recorder.record(request)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            let signed = request.headers[HTTPField.Name("X-Amz-Date")!].flatMap { formatter.date(from: $0) } ?? .distantPast
            let httpDate = DateFormatter()
            httpDate.locale = Locale(identifier: "en_US_POSIX")
            httpDate.timeZone = TimeZone(identifier: "GMT")
            httpDate.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            if abs(signed.timeIntervalSinceNow) > 300 {
                return Response(
                    status: .badRequest,
                    headers: [.contentType: "application/x-amz-json-1.1", .date: httpDate.string(from: Date())],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string:
                                #"{"__type":"InvalidSignatureException","message":"Signature expired: 20260101T000000Z is now earlier than 20260101T010000Z"}"#)
                    )
                )
            }
            return Self.json(#"{"Parameter":{"Name":"/p","Type":"String","Value":"on-time","Version":1}}"#)
        }
        try await withRouter(router) { url in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var environment = self.bareEnvironment(directory)
            environment["AWS_ENDPOINT_URL"] = url
            let session = try AWSSession(
                configuration: AWSConfiguration(
                    credentials: .explicit(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "s")), environment: environment,
                    now: { Date().addingTimeInterval(-3600) }
                ))
            #expect(try await session.ssm().getParameter("/p").value == "on-time")
            #expect(recorder.count == 2)
            // Corrected for the next requests too.
            #expect(try await session.ssm().getParameter("/p").value == "on-time")
            #expect(recorder.count == 3)
            try await session.shutdown()
        }
    }
}

/// Refreshing before expiry, with jitter, one fetch at a time, keeping still-valid credentials when a refresh fails.
@Suite(.timeLimit(.minutes(5)))
struct RefreshingCredentialsProviderTests {
    final class Source: Sendable {
        let fetches = Mutex(0)
        let failing = Mutex(false)
        let lifetime: TimeInterval
        let clock: WallClock
        init(lifetime: TimeInterval, clock: WallClock) {
            self.lifetime = lifetime
            self.clock = clock
        }
        func fetch() async throws -> RefreshingCredentialsProvider.Fetched {
            try await Task.sleep(for: .milliseconds(20))
            if failing.withLock({ $0 }) { throw AWSError(code: .transport, message: "down") }
            let number = fetches.withLock {
                $0 += 1; return $0
            }
            return .init(credentials: AWSCredentials(accessKeyId: "AKID\(number)", secretAccessKey: "s"), expiration: clock.now.addingTimeInterval(lifetime))
        }
    }

    @Test func oneFetchForManyCallersAndARefreshWithinTheJitteredMargin() async throws {
        let clock = WallClock(Date())
        let source = Source(lifetime: 3600, clock: clock)
        let provider = RefreshingCredentialsProvider(
            step: "test", timing: .init(refreshMargin: .seconds(300), jitter: .seconds(60)), now: { clock.now }, random: { $0 / 2 }
        ) { try await source.fetch() }
        try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.credentials() } }
            for try await credentials in group { #expect(credentials.accessKeyId == "AKID1") }
        }
        #expect(source.fetches.withLock { $0 } == 1)
        // Refreshed 5 minutes plus half the jitter (30 s) before expiry.
        let refresh = try #require(await provider.nextRefresh)
        let expiration = try #require(await provider.expiration)
        #expect(abs(expiration.timeIntervalSince(refresh) - 330) < 0.001)
        clock.advance(by: 3600 - 331)
        #expect(try await provider.credentials().accessKeyId == "AKID1")
        clock.advance(by: 2)
        #expect(try await provider.credentials().accessKeyId == "AKID2")

        // A failed refresh while the held ones are valid: they are used; once expired, the error.
        clock.advance(by: 3600 - 100)
        source.failing.withLock { $0 = true }
        #expect(try await provider.credentials().accessKeyId == "AKID2")
        clock.advance(by: 200)
        await #expect(throws: AWSError.self) { try await provider.credentials() }
        source.failing.withLock { $0 = false }
        #expect(try await provider.credentials().accessKeyId == "AKID3")
        await provider.invalidate()
        #expect(try await provider.credentials().accessKeyId == "AKID4")
    }
}
