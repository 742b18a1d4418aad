import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The client facing garbage from the server (truncated JSON, wrong types, HTML, a huge body, a slow drip):
/// a typed error within its timeout, never more read than its limit, no crash.
@Suite(.timeLimit(.minutes(5)))
struct GarbageAnswerTests {
    /// Runs `body` with a client that does not retry, has a `requestTimeout` (long enough, by default, for a machine
    /// busy with the other suites: most of these tests are about what is read, not when) and reads at most 1 MiB.
    func withStrictClient(
        requestTimeout: Duration = .seconds(20), _ body: @Sendable (SecretServerClient, EmulatorServer, Int) async throws -> Void
    ) async throws {
        try await TestEmulator.withClient { admin, server in
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "target"
            stub.setValue("u", forItem: "username")
            stub.setValue("Garbage-Target-1", forItem: "password")
            let secret = try await admin.createSecret(stub)
            var configuration = TestEmulator.clientConfiguration(server, retry: .none)
            configuration.timeouts = .init(connect: .seconds(5), request: requestTimeout)
            configuration.maximumResponseSize = 1 << 20
            try await SecretServerClient.withClient(configuration: configuration) { client in
                _ = try await client.currentUser()  // signed in before any fault is planned
                try await body(client, server, secret.id)
            }
        }
    }

    func failure(_ work: () async throws -> some Any) async -> SecretServerError? {
        do {
            _ = try await work()
            return nil
        } catch let error as SecretServerError {
            return error
        } catch {
            Issue.record("not a SecretServerError: \(error)")
            return nil
        }
    }

    @Test func truncatedAndMistypedJSONAreInvalidResponses() async throws {
        try await withStrictClient { client, server, id in
            server.faults.fail(next: 1, with: .truncatedJSON, pathContains: "/secrets/\(id)", method: .get)
            let truncated = await failure { try await client.secret(id: id) }
            #expect(truncated?.code == .invalidResponse)
            #expect(truncated?.message.contains("SecretModel") == true, "\(String(describing: truncated))")

            server.faults.fail(next: 1, with: .wrongTypes, pathContains: "/secrets/\(id)", method: .get)
            let mistyped = await failure { try await client.secret(id: id) }
            #expect(mistyped?.code == .invalidResponse)
            #expect(mistyped?.status == 200)

            server.faults.fail(next: 1, with: .htmlPage, pathContains: "/secrets/\(id)", method: .get)
            let html = await failure { try await client.secret(id: id) }
            #expect(html?.code == .invalidResponse && html?.message.contains("HTML") == true)

            // And the next answer is read normally: nothing was left half-read on the connection.
            let after = try await client.secret(id: id)
            #expect(after.item("password")?.itemValue == "Garbage-Target-1")
        }
    }

    @Test func aHugeBodyIsRefusedAtTheLimitWithoutReadingItAll() async throws {
        try await withStrictClient { client, server, id in
            let size = 256 << 20
            server.faults.fail(next: 1, with: .hugeBody(bytes: size), pathContains: "/secrets/\(id)", method: .get)
            let huge = await failure { try await client.secret(id: id) }
            #expect(huge?.code == .invalidResponse, "\(String(describing: huge))")
            #expect(huge?.message.contains("larger than 1048576 bytes") == true)
            // The client hung up instead of reading on: the server's writing stops well short of the 256 MiB.
            try await Task.sleep(for: .milliseconds(500))
            let written = server.faults.hugeBytesWritten
            try await Task.sleep(for: .milliseconds(500))
            #expect(server.faults.hugeBytesWritten == written, "the server kept writing: the client was still reading")
            #expect(written < size, "\(written) bytes were written")
            let after = try await client.secret(id: id)
            #expect(after.name == "target")
        }
    }

    @Test func aSlowDripEndsInATimeoutError() async throws {
        // 10 s: short of the drip's 30 s, long enough for the sign-in before it while the whole suite loads two cores.
        try await withStrictClient(requestTimeout: .seconds(10)) { client, server, id in
            server.faults.fail(next: 1, with: .slowDrip(interval: .milliseconds(100)), pathContains: "/secrets/\(id)", method: .get)
            let started = ContinuousClock.now
            let slow = await failure { try await client.secret(id: id) }
            #expect(slow?.code == .timeout, "\(String(describing: slow))")
            // Within its 10 s timeout (and some slack for a loaded machine), not the drip's 30 s.
            #expect(ContinuousClock.now - started < .seconds(25))
            let after = try await client.secret(id: id)
            #expect(after.name == "target")
        }
    }
}
