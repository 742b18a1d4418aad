import AWSSecrets
import Foundation

/// The moto servers `scripts/test` starts on 127.0.0.1 (`SESAME_MOTO_URL`, and `SESAME_MOTO_AUTH_URL` for the
/// one test that turns on moto's request authentication). Without them, AWS tests are skipped, except under
/// `CI=true`, where they run and fail: a missing server is never a pass.
package enum Moto {
    static let environment = ProcessInfo.processInfo.environment

    /// Whether AWS tests should run: moto was started, or CI demands it.
    package static var shouldRun: Bool { environment["SESAME_MOTO_URL"] != nil || environment["CI"] == "true" }

    /// Whether the authenticating moto was started, or CI demands it.
    package static var shouldRunAuthenticated: Bool {
        environment["SESAME_MOTO_AUTH_URL"] != nil || environment["CI"] == "true"
    }

    /// The shared moto's URL.
    package static func url() throws -> String {
        guard let url = environment["SESAME_MOTO_URL"] else { throw MissingServer(variable: "SESAME_MOTO_URL") }
        return url
    }

    /// The URL of the moto reserved for the authentication test.
    package static func authURL() throws -> String {
        guard let url = environment["SESAME_MOTO_AUTH_URL"] else { throw MissingServer(variable: "SESAME_MOTO_AUTH_URL") }
        return url
    }

    /// Timeouts for sessions the tests open on moto. moto is one Python process; while the whole suite starts at
    /// once on two cores it has answered its first requests only after 7.5–9.5 s (all at the same moment), close
    /// to the default 10-s request timeout. The tests are about Sesame's behaviour, not moto's speed.
    package static let timeouts = AWSConfiguration.Timeouts(connect: .seconds(5), request: .seconds(30))

    /// An environment that points every AWS client at `url` with moto's dummy keys and no shared files.
    package static func environment(url: String, region: String = "us-east-1") -> [String: String] {
        [
            "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": region, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "HOME": NSTemporaryDirectory(),
        ]
    }

    /// A name no other test uses, for parameters and secrets on the shared moto.
    package static func uniqueName(_ prefix: String = "sesame-test") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Writes a SecureString parameter into the moto at `url`, in `region`.
    package static func putParameter(_ name: String, value: String, url: String, region: String = "us-east-1") async throws {
        let session = try AWSSession(configuration: AWSConfiguration(timeouts: timeouts, environment: environment(url: url, region: region)))
        do {
            try await session.ssm().putParameter(name, value: value, type: .secureString, overwrite: true)
        } catch {
            try? await session.shutdown()
            throw error
        }
        try await session.shutdown()
    }

    package struct MissingServer: Error, CustomStringConvertible {
        package let variable: String
        package var description: String { "\(variable) is not set: run the tests with scripts/test, which starts moto" }
    }
}
