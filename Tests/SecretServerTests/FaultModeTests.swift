import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The local server's random fault mode against the client: a bulk read under 20% injected failures (500, 502,
/// 503, Delinea's 403 rate limit, HTML with 200, connections dropped before and after the route ran and in the
/// middle of an answer).
@Suite(.timeLimit(.minutes(5)))
struct FaultModeTests {
    /// Runs `body` with a server, a client that tries up to `attempts` times with short delays, and a Password stub
    /// with its username set.
    func withRetryingClient(
        attempts: Int, maxDelay: Duration,
        _ body: @Sendable (EmulatorServer, SecretServerClient, SecretModel) async throws -> Void
    ) async throws {
        try await TestEmulator.with { server in
            var configuration = TestEmulator.clientConfiguration(server)
            configuration.retry = .init(maxAttempts: attempts, baseDelay: .milliseconds(1), maxDelay: maxDelay)
            try await SecretServerClient.withClient(configuration: configuration) { client in
                var stub = try await client.secretStub(templateId: 2)
                stub.setValue("u", forItem: "username")
                try await body(server, client, stub)
            }
        }
    }

    /// Creates `NAME0`...`NAME{count-1}` with passwords `value-0`..., `inFlight` at a time; each answer must be the
    /// secret asked for.
    static func create(_ count: Int, named name: String, from stub: SecretModel, with client: SecretServerClient, inFlight: Int)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= inFlight { try await group.next() }
                group.addTask {
                    var secret = stub
                    secret.name = "\(name)\(index)"
                    secret.setValue("value-\(index)", forItem: "password")
                    let made = try await client.createSecret(secret)
                    #expect(made.name == "\(name)\(index)")
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func bulkReadUnderTwentyPercentFailuresReturnsEveryValueOnce() async throws {
        let count = 2_000
        try await withRetryingClient(attempts: 8, maxDelay: .milliseconds(20)) { server, client, stub in
            try await Self.create(count, named: "fault-", from: stub, with: client, inFlight: 16)
            let created = try await client.searchSecrets(SecretSearch(text: "fault-")).collect()
            #expect(created.count == count)

            server.faults.setMode(FaultMode(failureRate: 0.2, seed: 42))
            let before = server.faults.injectedCount
            let values = try await withThrowingTaskGroup(of: (String, String).self) { group in
                var values: [String: String] = [:]
                var next = 0
                func add() {
                    let summary = created[next]
                    next += 1
                    group.addTask {
                        let secret = try await client.secret(id: summary.id)
                        return (secret.name, secret.item("password")?.itemValue ?? "")
                    }
                }
                for _ in 0..<16 { add() }
                while let (name, value) = try await group.next() {
                    #expect(values[name] == nil, "\(name) was read twice into the result")
                    values[name] = value
                    if next < created.count { add() }
                }
                return values
            }
            server.faults.setMode(nil)
            let injected = server.faults.injectedCount - before
            #expect(values.count == count)
            for index in 0..<count { #expect(values["fault-\(index)"] == "value-\(index)") }
            // About a fifth of the first attempts failed (and retries fail at the same rate).
            #expect(injected > count / 10, "only \(injected) faults were injected")
        }
    }

    @Test func htmlAnswersAndServerErrorsAreNotTakenForData() async throws {
        try await TestEmulator.withClient { client, server in
            var stub = try await client.secretStub(templateId: 2)
            stub.name = "html-target"
            stub.setValue("u", forItem: "username")
            stub.setValue("p", forItem: "password")
            let secret = try await client.createSecret(stub)
            // Retried: a read is idempotent.
            server.faults.fail(next: 1, with: .htmlPage, pathContains: "/secrets/\(secret.id)", method: .get)
            server.faults.fail(next: 1, with: .status(500), pathContains: "/secrets/\(secret.id)", method: .get)
            server.faults.fail(next: 1, with: .rateLimited, pathContains: "/secrets/\(secret.id)", method: .get)
            #expect(try await client.secret(id: secret.id).item("password")?.itemValue == "p")
            #expect(server.faults.injectedCount == 3)
            // A connection closed in the middle of the answer (head and a few bytes sent): retried too.
            server.faults.fail(next: 1, with: .dropMidResponse, pathContains: "/secrets/\(secret.id)", method: .get)
            #expect(try await client.secret(id: secret.id).item("password")?.itemValue == "p")
            #expect(server.faults.injectedCount == 4)
            // A create answered with HTML was not acted on here: the client checks, finds nothing, and sends it again.
            server.faults.fail(next: 1, with: .htmlPage, pathContains: "/v1/secrets", method: .post)
            stub.name = "html-create"
            let created = try await client.createSecret(stub)
            #expect(created.name == "html-create")
            #expect(try await client.searchSecrets(SecretSearch(text: "html-create")).collect().count == 1)
            // Other POSTs are not creates the client can check: an HTML page is an error, not data, and not retried.
            server.faults.fail(next: 1, with: .htmlPage, pathContains: "/v1/folders", method: .post)
            let error = await #expect(throws: SecretServerError.self) {
                try await client.createFolder(FolderCreateArgs(folderName: "html-folder"))
            }
            #expect(error?.message.contains("HTML") == true)
        }
    }

    /// A create that fails so that the server may have acted (connection dropped after the route ran, 502 after
    /// it ran, dropped before it ran, HTML) is checked before it is retried: one secret each time, never two.
    @Test func ambiguousCreatesAreCheckedAndNeverDuplicated() async throws {
        try await TestEmulator.withClient { client, server in
            var stub = try await client.secretStub(templateId: 2)
            stub.setValue("u", forItem: "username")
            // A secret of the same name but other values already exists: it must not be taken for ours.
            stub.name = "ambiguous"
            stub.setValue("older-value", forItem: "password")
            let older = try await client.createSecret(stub)
            stub.setValue("new-value", forItem: "password")
            var ids: Set<Int> = [older.id]
            for fault: FaultInjector.Fault in [
                .dropConnectionAfterHandling, .statusAfterHandling(502), .dropConnection,
                .status(503), .rateLimited, .dropMidResponse,
            ] {
                server.faults.fail(next: 1, with: fault, pathContains: "/v1/secrets", method: .post)
                let made = try await client.createSecret(stub)
                #expect(made.item("password")?.itemValue == "new-value", "\(fault)")
                #expect(server.faults.injectedCount > 0)
                // Each create made exactly one new secret, or found the one just made: remove it for the next round.
                let named = try await client.searchSecrets(SecretSearch(text: "ambiguous", exactMatch: true)).collect()
                #expect(named.count == 2, "\(fault): \(named.map(\.id))")
                #expect(!ids.contains(made.id), "\(fault) answered an older secret")
                ids.insert(made.id)
                try await client.deleteSecret(id: made.id)
            }
            #expect(server.faults.injectedCount == 6)

            // Without retries the ambiguous failure reaches the caller as it is.
            var configuration = TestEmulator.clientConfiguration(server)
            configuration.retry = .none
            try await SecretServerClient.withClient(configuration: configuration) { once in
                server.faults.fail(next: 1, with: .dropConnectionAfterHandling, pathContains: "/v1/secrets", method: .post)
                stub.name = "ambiguous-once"
                let error = await #expect(throws: SecretServerError.self) { try await once.createSecret(stub) }
                #expect(error?.code == .transport)
            }
        }
    }

    /// 300 creates, 8 at a time, while 25% of them fail in every way: exactly 300 secrets, one per name.
    @Test func createsUnderRandomFaultsAreNeverDuplicated() async throws {
        let count = 300
        try await withRetryingClient(attempts: 10, maxDelay: .milliseconds(10)) { server, client, stub in
            server.faults.setMode(FaultMode(failureRate: 0.25, pathContains: "/v1/secrets", seed: 7))
            try await Self.create(count, named: "unique-", from: stub, with: client, inFlight: 8)
            server.faults.setMode(nil)
            #expect(server.faults.injectedCount > count / 8, "only \(server.faults.injectedCount) faults")
            let made = try await client.searchSecrets(SecretSearch(text: "unique-")).collect()
            #expect(made.count == count)
            #expect(Set(made.map(\.name)).count == count)
        }
    }
}
