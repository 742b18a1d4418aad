import AWSSigV4
import Foundation
import SesameTestSupport
import Testing

@testable import AWSSecrets

/// The AWS clients against moto on 127.0.0.1 (started by scripts/test).
@Suite(.timeLimit(.minutes(5)), .enabled(if: Moto.shouldRun, "moto is not running (scripts/test starts it)"))
struct MotoTests {
    func withSession<T>(
        region: String = "us-east-1", configure: (inout AWSConfiguration) -> Void = { _ in },
        _ body: (AWSSession) async throws -> T
    ) async throws -> T {
        var configuration = AWSConfiguration(timeouts: Moto.timeouts, environment: Moto.environment(url: try Moto.url(), region: region))
        configure(&configuration)
        let session = try AWSSession(configuration: configuration)
        do {
            let result = try await body(session)
            try await session.shutdown()
            return result
        } catch {
            try? await session.shutdown()
            throw error
        }
    }

    @Test func parameterStoreRoundTrip() async throws {
        try await withSession { session in
            let ssm = try session.ssm()
            let root = "/" + Moto.uniqueName()
            try await ssm.putParameter("\(root)/db/password", value: "pa ss\"wörd", type: .secureString)
            try await ssm.putParameter("\(root)/db/user", value: "admin", type: .string)
            try await ssm.putParameter("\(root)/dbx", value: "prefix-sibling", type: .string)
            let password = try await ssm.getParameter("\(root)/db/password")
            #expect(password.value == "pa ss\"wörd" && password.type == "SecureString" && password.version == 1)
            #expect(!"\(password)".contains("wörd"))

            let version = try await ssm.putParameter("\(root)/db/password", value: "second", overwrite: true)
            #expect(version == 2)
            #expect(try await ssm.getParameter("\(root)/db/password").value == "second")

            await #expect {
                try await ssm.putParameter("\(root)/db/user", value: "again")
            } throws: { error in
                (error as? AWSError)?.code == .alreadyExists
            }
            await #expect {
                _ = try await ssm.getParameter("\(root)/missing")
            } throws: { error in
                let error = error as? AWSError
                return error?.code == .notFound && error?.awsCode == "ParameterNotFound" && error?.status == 400
                    && error?.operation == "GetParameter"
            }

            let batch = try await ssm.getParameters(["\(root)/db/user", "\(root)/db/password", "\(root)/nope"])
            #expect(Set(batch.parameters.map(\.value)) == ["admin", "second"])
            #expect(batch.invalid == ["\(root)/nope"])

            let described = try await ssm.describeParameters(name: "\(root)/db/user")
            #expect(described.map(\.name) == ["\(root)/db/user"])
        }
    }

    @Test func parametersByPathPagesAndRecurses() async throws {
        try await withSession { session in
            let ssm = try session.ssm()
            let root = "/" + Moto.uniqueName()
            for index in 0..<23 {
                try await ssm.putParameter("\(root)/app/key\(index)", value: "v\(index)", type: .string)
            }
            try await ssm.putParameter("\(root)/app/nested/deep", value: "deep", type: .secureString)
            try await ssm.putParameter("\(root)/application", value: "not under /app", type: .string)
            let all = try await ssm.getParametersByPath("\(root)/app", recursive: true)
            #expect(all.count == 24)
            #expect(Set(all.map(\.name)).contains("\(root)/app/nested/deep"))
            #expect(!all.contains { $0.name == "\(root)/application" })
            #expect(all.first { $0.name.hasSuffix("deep") }?.value == "deep")
            let flat = try await ssm.getParametersByPath("\(root)/app", recursive: false)
            #expect(flat.count == 23)
        }
    }

    @Test func secretsManagerRoundTrip() async throws {
        try await withSession { session in
            let sm = try session.secretsManager()
            let name = "prod/" + Moto.uniqueName()
            let created = try await sm.createSecret(name, value: .string(#"{"user":{"name":"app"},"port":"5432"}"#), description: "db")
            #expect(created.name == name && created.versionId != nil)
            let current = try await sm.getSecretValue(name)
            #expect(current.secretString == #"{"user":{"name":"app"},"port":"5432"}"#)
            #expect(current.versionStages.contains("AWSCURRENT"))
            #expect(!"\(current)".contains("5432"))

            try await sm.putSecretValue(name, value: .string("v2"))
            #expect(try await sm.getSecretValue(name).secretString == "v2")
            #expect(try await sm.getSecretValue(name, versionStage: "AWSPREVIOUS").secretString?.contains("5432") == true)
            #expect(try await sm.getSecretValue(name, versionId: created.versionId).secretString?.contains("5432") == true)

            try await sm.updateSecret(name, value: .binary([0, 1, 2, 255]))
            #expect(try await sm.getSecretValue(name).secretBinary == [0, 1, 2, 255])

            let metadata = try await sm.describeSecret(name)
            #expect(metadata.name == name && metadata.description == "db")
            #expect(try await sm.listSecrets(namePrefix: name).map(\.name) == [name])

            await #expect {
                _ = try await sm.getSecretValue("prod/" + Moto.uniqueName("missing"))
            } throws: { error in
                (error as? AWSError)?.code == .notFound && (error as? AWSError)?.awsCode == "ResourceNotFoundException"
            }
            await #expect {
                try await sm.createSecret(name, value: .string("dup"))
            } throws: { error in
                (error as? AWSError)?.code == .alreadyExists
            }
        }
    }

    @Test func stsIdentityAndAssumedRoleRefreshBeforeExpiry() async throws {
        let clock = WallClock(Date())
        try await withSession(configure: { $0.now = { clock.now } }) { session in
            let identity = try await session.sts().getCallerIdentity()
            #expect(identity.account == "123456789012")

            // A session that assumes a role: the credentials carry a session token and are reused until
            // the refresh margin before expiry.
            var configuration = session.configuration
            configuration.assumeRole = .init(
                roleArn: "arn:aws:iam::123456789012:role/sesame-test", duration: .seconds(900), refreshMargin: .seconds(60)
            )
            let roleSession = try AWSSession(configuration: configuration)
            let provider = try #require(roleSession.credentialsProvider as? AssumeRoleCredentialsProvider)
            let first = try await provider.credentials()
            #expect(first.sessionToken != nil && first.accessKeyId != "testing")
            async let a = provider.credentials()
            async let b = provider.credentials()
            _ = try await (a, b)
            #expect(await provider.assumeCount == 1)
            // Signed with the role's credentials (and its session token), SSM answers the request itself.
            await #expect {
                _ = try await roleSession.ssm().getParameter("/does-not-exist-" + Moto.uniqueName())
            } throws: { error in
                (error as? AWSError)?.code == .notFound
            }
            // Move to just inside the refresh margin of the expiry moto gave (moto's clock is the real one).
            let expiration = try #require(await provider.expiration)
            clock.advance(by: expiration.timeIntervalSince(clock.now) - 59)
            let second = try await provider.credentials()
            #expect(await provider.assumeCount == 2)
            #expect(second.accessKeyId != first.accessKeyId)
            await provider.invalidate()
            _ = try await provider.credentials()
            #expect(await provider.assumeCount == 3)
            let assumedIdentity = try await roleSession.sts().getCallerIdentity()
            #expect(assumedIdentity.arn.contains("sesame-test"))
            try await roleSession.shutdown()
        }
    }

    @Test func profilesCanAssumeRolesFromASourceProfile() async throws {
        let directory = try TemporaryDirectory()
        try """
        [profile base]
        aws_access_key_id = AKIABASE
        aws_secret_access_key = base-secret
        [profile deploy]
        role_arn = arn:aws:iam::123456789012:role/deployer
        source_profile = base
        role_session_name = ci
        """.write(toFile: directory.path + "/config", atomically: true, encoding: .utf8)
        var environment = Moto.environment(url: try Moto.url())
        environment["AWS_CONFIG_FILE"] = directory.path + "/config"
        let session = try AWSSession(configuration: .init(profile: "deploy", environment: environment))
        let identity = try await session.sts().getCallerIdentity()
        #expect(identity.arn.contains("deployer") && identity.arn.contains("ci"))
        try await session.shutdown()
    }
}

/// A wall clock the test moves by hand.
final class WallClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
