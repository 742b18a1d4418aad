import AWSSecrets
import AWSSigV4
import Foundation
import Logging
import SecretServer
import SecretServerEmulator
import SesameTestSupport
import Synchronization
import Testing

@testable import Sesame
@testable import SesameCore

/// Everything logged at trace level while a whole run goes through the local server, the client, AWS (moto) and
/// the caches, searched for every secret value, password and token used.
@Suite(.timeLimit(.minutes(5)), .enabled(if: Moto.shouldRun, "moto is not running (scripts/test starts it)"))
struct NoSecretInLogsTests {
    @Test func aTraceLevelRunLogsNoSecret() async throws {
        let capture = LogCapture()
        let logger = capture.logger(label: "trace", level: .trace)
        let secrets = ["Trace-Field-Value-1", "Trace-Rotated-Value-2", "Trace-Param-Value-3", "Aws-Secret-Key-Distinct-77"]
        var tokens: [String] = [TestEmulator.adminPassword]

        var emulatorConfiguration = TestEmulator.configuration()
        emulatorConfiguration.recordRoutes = true
        let server = try await EmulatorServer.start(emulatorConfiguration, logger: logger)
        do {
            var configuration = TestEmulator.clientConfiguration(server)
            configuration.logger = logger
            try await SecretServerClient.withClient(configuration: configuration) { client in
                var stub = try await client.secretStub(templateId: 2)
                stub.name = "traced"
                stub.setValue("svc", forItem: "username")
                stub.setValue(secrets[0], forItem: "password")
                let created = try await client.createSecret(stub)
                let store = SecretStore(providers: [CachingProvider(SecretServerProvider(client: client))])
                #expect(try await store.text("tss://\(created.id)/password") == secrets[0])
                try await store.update("tss://\(created.id)/password", to: secrets[1])
                #expect(try await store.text("tss://\(created.id)/password") == secrets[1])
                _ = try? await store.text("tss://\(created.id)/missing-field")
                let session = try await client.session()
                tokens.append(session.accessToken)
                if let refresh = session.refreshToken { tokens.append(refresh) }
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()

        var aws = AWSConfiguration(
            credentials: .explicit(AWSCredentials(accessKeyId: "AKIATRACE", secretAccessKey: secrets[3])),
            environment: Moto.environment(url: try Moto.url()), logger: logger
        )
        aws.assumeRole = .init(roleArn: "arn:aws:iam::123456789012:role/traced")
        let session = try AWSSession(configuration: aws)
        let name = "/" + Moto.uniqueName()
        try await session.ssm().putParameter(name, value: secrets[2], type: .secureString)
        let store = SecretStore(providers: [CachingProvider(try ParameterStoreProvider(session: session))])
        #expect(try await store.text("aws-ps://\(name)") == secrets[2])
        _ = try? await store.text("aws-ps://\(name)-missing")
        if let roleProvider = session.credentialsProvider as? AssumeRoleCredentialsProvider {
            let assumed = try await roleProvider.credentials()
            tokens.append(assumed.secretAccessKey)
            if let token = assumed.sessionToken { tokens.append(token) }
        }
        try await session.shutdown()

        let logged = capture.lines
        // The run must have logged every request of every part, or the search below proves nothing.
        #expect(logged.contains { $0.contains("[SecretServer] request") && $0.contains("/v1/secrets") })
        #expect(logged.contains { $0.contains("[AWSSecrets] request") && $0.contains("GetParameter") })
        #expect(logged.contains { $0.contains("[AWSSecrets] request") && $0.contains("AssumeRole") })
        #expect(logged.contains { $0.contains("[Hummingbird]") && $0.contains("oauth2/token") })
        let text = logged.joined(separator: "\n")
        for secret in secrets + tokens {
            #expect(!text.contains(secret), "a secret or token is in the trace log")
        }
    }
}
