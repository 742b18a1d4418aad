import AWSSigV4
import Foundation
import SecretServerEmulator
import SesameTestSupport
import Testing

@testable import AWSSecrets

/// Extra CA certificates for AWS (`AWS_CA_BUNDLE`, a profile's `ca_bundle`), as behind a proxy that inspects TLS: an
/// https endpoint whose certificate a private CA signed is refused without the bundle and trusted with it.
@Suite(.timeLimit(.minutes(5)))
struct AWSTLSTests {
    @Test func theCABundleIsTrustedForAWSEndpoints() async throws {
        var configuration = TestEmulator.configuration()
        configuration.tls = try DevelopmentCertificate.generate(hostnames: ["localhost", "127.0.0.1"])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bundle = directory.file("corp-ca.pem")
        try Data(configuration.tls!.caPEM.utf8).write(to: URL(fileURLWithPath: bundle))
        try await TestEmulator.with(configuration) { server in
            // Any https server signed by the CA stands in for an endpoint: what matters is whether TLS gets through.
            let endpoint = try #require(URL(string: server.baseURL)).deletingLastPathComponent().absoluteString
            var environment = Moto.environment(url: endpoint)
            environment["AWS_EC2_METADATA_DISABLED"] = "true"
            let capture = LogCapture()
            func failure(_ environment: [String: String]) async throws -> AWSError? {
                let session = try AWSSession(
                    configuration: AWSConfiguration(maxAttempts: 3, environment: environment, logger: capture.logger(level: .debug)))
                defer { Task { try? await session.shutdown() } }
                do {
                    _ = try await session.ssm().getParameter("/p")
                    return nil
                } catch let error as AWSError {
                    return error
                }
            }
            let untrusted = try await failure(environment)
            #expect(untrusted?.code == .transport, "\(String(describing: untrusted))")
            // A refused certificate is not tried again (nothing was sent, and trying changes no certificate), and the
            // error says what to do.
            #expect(untrusted?.message.contains("AWS_CA_BUNDLE") == true, "\(String(describing: untrusted))")
            #expect(!capture.lines.contains { $0.contains("retrying") }, "\(capture.lines)")
            environment["AWS_CA_BUNDLE"] = bundle
            let trusted = try await failure(environment)
            #expect(trusted != nil && trusted?.code != .transport, "TLS got through; the server is not AWS: \(String(describing: trusted))")
            environment["AWS_CA_BUNDLE"] = directory.file("missing.pem")
            #expect { _ = try AWSSession(configuration: AWSConfiguration(environment: environment)) } throws: { error in
                (error as? AWSError)?.code == .invalidConfiguration && "\(error)".contains("AWS_CA_BUNDLE")
            }
        }
    }
}
