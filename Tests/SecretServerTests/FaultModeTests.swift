import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// The local server's random fault mode against the client: a bulk read under 20% injected failures (500, 502,
/// 503, Delinea's 403 rate limit, HTML with 200, connections dropped before and after the route ran).
struct FaultModeTests {
    @Test func bulkReadUnderTwentyPercentFailuresReturnsEveryValueOnce() async throws {
        let count = 2_000
        try await TestEmulator.with { server in
            var configuration = TestEmulator.clientConfiguration(server)
            configuration.retry = .init(maxAttempts: 8, baseDelay: .milliseconds(1), maxDelay: .milliseconds(20))
            try await SecretServerClient.withClient(configuration: configuration) { client in
                var template = try await client.secretStub(templateId: 2)
                template.setValue("u", forItem: "username")
                let stub = template
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        if index >= 16 { try await group.next() }
                        group.addTask {
                            var secret = stub
                            secret.name = "fault-\(index)"
                            secret.setValue("value-\(index)", forItem: "password")
                            _ = try await client.createSecret(secret)
                        }
                    }
                    try await group.waitForAll()
                }
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
            // Not retried: a create is not idempotent, and an HTML page is no answer to it.
            server.faults.fail(next: 1, with: .htmlPage, pathContains: "/v1/secrets", method: .post)
            stub.name = "html-create"
            let error = await #expect(throws: SecretServerError.self) { try await client.createSecret(stub) }
            #expect(error?.message.contains("HTML") == true)
        }
    }
}
