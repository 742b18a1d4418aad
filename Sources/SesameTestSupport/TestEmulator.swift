import Foundation
// The light helpers (processes, temporary folders, log capture, manual time) come with the integration ones.
@_exported import SesameTestKit
import Logging
import SecretServer
import SecretServerEmulator

/// Starts the local Secret Server for a test on a free 127.0.0.1 port.
package enum TestEmulator {
    /// The admin password every test server is started with.
    package static let adminPassword = "Test-Admin-Passw0rd!"

    /// A configuration for tests: memory storage, a cheap password hash, the test admin password.
    package static func configuration(
        storage: EmulatorConfiguration.Storage = .memory, tokenLifetime: Int = 1199
    ) -> EmulatorConfiguration {
        EmulatorConfiguration(
            port: 0, storage: storage, adminPassword: adminPassword, tokenLifetime: tokenLifetime, passwordHashCost: 10
        )
    }

    /// Runs `body` with a started server, and stops it afterwards (also when `body` throws).
    package static func with<Result>(
        _ configuration: EmulatorConfiguration = TestEmulator.configuration(),
        _ body: (EmulatorServer) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "test.emulator")
        logger.logLevel = .critical
        let server = try await EmulatorServer.start(configuration, logger: logger)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A client configuration for `server`, signed in as the admin.
    package static func clientConfiguration(
        _ server: EmulatorServer,
        retry: SecretServerClient.RetryPolicy = .init(baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))
    ) -> SecretServerClient.Configuration {
        SecretServerClient.Configuration(
            baseURL: server.baseURL, credentials: .password(username: "admin", password: adminPassword), retry: retry
        )
    }

    /// Runs `body` with a started server and a client signed in to it as the admin.
    package static func withClient<Result: Sendable>(
        _ configuration: EmulatorConfiguration = TestEmulator.configuration(),
        _ body: (SecretServerClient, EmulatorServer) async throws -> Result
    ) async throws -> Result {
        try await with(configuration) { server in
            try await SecretServerClient.withClient(configuration: clientConfiguration(server)) { client in
                try await body(client, server)
            }
        }
    }
}
