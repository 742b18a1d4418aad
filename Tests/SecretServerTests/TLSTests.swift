import Foundation
import Logging
import SecretServer
import SecretServerEmulator
import SesameHTTP
import SesameTestSupport
import Testing

/// HTTPS end to end: the local server with a certificate made by swift-certificates; the client verifies it by
/// default, trusts an extra CA file, refuses a certificate for another host name, and skips verification only
/// when told to in so many words, with a warning. Both engines: AsyncHTTPClient's pool, and the blocking client the
/// CLI's quick commands use (its own BoringSSL set-up, so its trust rules are tested as the pool's are).
@Suite(.timeLimit(.minutes(5)))
struct TLSTests {
    func withTLSServer(hostnames: [String], _ body: (EmulatorServer, String) async throws -> Void) async throws {
        var configuration = TestEmulator.configuration()
        configuration.tls = try DevelopmentCertificate.generate(hostnames: hostnames)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let caFile = directory.file("ca.pem")
        try Data(configuration.tls!.caPEM.utf8).write(to: URL(fileURLWithPath: caFile))
        #expect(!"\(configuration.tls!)".contains("PRIVATE"))
        try await TestEmulator.with(configuration) { server in
            #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))
            try await body(server, caFile)
        }
    }

    func client(
        _ server: EmulatorServer, tls: SecretServerClient.TLS, engine: HTTPEngine = .pooled, logger: Logger = Logger(label: "test")
    ) -> SecretServerClient.Configuration {
        var configuration = TestEmulator.clientConfiguration(server, retry: .none)
        configuration.tls = tls
        configuration.engine = engine
        // Generous: these tests are about trust, and the whole suite running at once can hold a TLS sign-in for seconds.
        configuration.timeouts = .init(connect: .seconds(10), request: .seconds(30))
        configuration.logger = logger
        return configuration
    }

    func failure(_ configuration: SecretServerClient.Configuration) async throws -> SecretServerError? {
        try await SecretServerClient.withClient(configuration: configuration) { client in
            do {
                _ = try await client.currentUser()
                return nil
            } catch let error as SecretServerError {
                return error
            }
        }
    }

    @Test(arguments: [HTTPEngine.pooled, .blocking])
    func verifiedByDefaultTrustedWithTheCAFile(engine: HTTPEngine) async throws {
        try await withTLSServer(hostnames: ["localhost", "127.0.0.1"]) { server, caFile in
            // The system roots do not know this CA: refused.
            let refused = try await failure(client(server, tls: .init(), engine: engine))
            #expect(refused != nil)
            #expect(refused?.code == .transport, "\(String(describing: refused))")
            #expect(refused?.message.contains("TLS connection was refused") == true, "\(String(describing: refused))")
            // With the CA file: signed in and working, over TLS.
            try await SecretServerClient.withClient(configuration: client(server, tls: .init(caFile: caFile), engine: engine)) { api in
                let user = try await api.currentUser()
                #expect(user.userName == "admin")
            }
        }
    }

    @Test(arguments: [HTTPEngine.pooled, .blocking])
    func aCertificateForAnotherHostIsRefusedEvenFromATrustedCA(engine: HTTPEngine) async throws {
        try await withTLSServer(hostnames: ["elsewhere.example"]) { server, caFile in
            let refused = try await failure(client(server, tls: .init(caFile: caFile), engine: engine))
            #expect(refused != nil, "a certificate for elsewhere.example was accepted for 127.0.0.1")
            let reason = engine == .pooled ? "failedToValidateHostname" : "the server's certificate is not for 127.0.0.1"
            #expect(refused?.message.contains(reason) == true, "\(String(describing: refused))")
            #expect(refused?.message.contains("--ca-file") == true)
        }
    }

    @Test func skippingVerificationNeedsItsOwnFlagAndWarns() async throws {
        try await withTLSServer(hostnames: ["elsewhere.example"]) { server, _ in
            let capture = LogCapture()
            let logger = capture.logger(label: "tls-test", level: .warning)
            try await SecretServerClient.withClient(configuration: client(server, tls: .init(insecureSkipVerification: true), logger: logger)) { api in
                let user = try await api.currentUser()
                #expect(user.userName == "admin")
            }
            let logged = capture.lines
            #expect(logged.contains { $0.hasPrefix("warning") && $0.contains("TLS verification is OFF") }, "\(logged)")
        }
    }
}
