import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ClientErrorTests {
    @Test func serverErrorsCarryStatusCodeAndRequestButNoSecrets() async throws {
        try await TestEmulator.withClient { client, _ in
            let missing = await #expect(throws: SecretServerError.self) { try await client.secret(id: 987_654) }
            #expect(missing?.code == .accessDenied)
            #expect(missing?.status == 400)
            #expect(missing?.errorCode == "API_AccessDenied")
            #expect(missing?.method == "GET")
            #expect(missing?.path == "/v1/secrets/987654")
            #expect(missing?.description.contains(TestEmulator.adminPassword) == false)

            var stub = try await client.secretStub(templateId: 2)
            stub.name = "incomplete"
            stub.setValue("Sup3r-Secret-Value", forItem: "password")
            let required = await #expect(throws: SecretServerError.self) { try await client.createSecret(stub) }
            #expect(required?.errorCode == "API_RequiredFieldMissing")
            #expect(required?.code == .badRequest)
            #expect(required?.description.contains("Sup3r-Secret-Value") == false)
        }
    }

    @Test func badConfigurationIsRefusedBeforeSending() async throws {
        #expect(throws: SecretServerError.self) {
            _ = try SecretServerClient(configuration: .init(baseURL: "not a url", credentials: .token("t")))
        }
        let missingCA = #expect(throws: SecretServerError.self) {
            _ = try SecretServerClient(
                configuration: .init(
                    baseURL: "https://example.invalid/SecretServer", credentials: .token("t"),
                    tls: .init(caFile: "/nonexistent/ca.pem")
                ))
        }
        #expect(missingCA?.code == .invalidConfiguration)
    }

    @Test func unreachableServerFailsAfterTheConnectTimeoutWithoutExtraRounds() async throws {
        let port = try await TestEmulator.with { server in server.port }  // stopped: nothing listens there now
        let configuration = SecretServerClient.Configuration(
            baseURL: "http://127.0.0.1:\(port)/SecretServer", credentials: .token("t"),
            timeouts: .init(connect: .seconds(1)),
            retry: .init(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
        )
        try await SecretServerClient.withClient(configuration: configuration) { client in
            let error = await #expect(throws: SecretServerError.self) { try await client.secret(id: 1) }
            #expect(error?.code == .transport)
            #expect(error?.message.contains("could not connect") == true)
        }
    }
}

@Suite(.timeLimit(.minutes(5)))
struct ClientRetryTests {
    static func seeded(_ client: SecretServerClient) async throws -> SecretModel {
        var stub = try await client.secretStub(templateId: 2)
        stub.name = "retry-target"
        stub.setValue("u", forItem: "username")
        stub.setValue("p", forItem: "password")
        return try await client.createSecret(stub)
    }

    @Test func idempotentReadsRetryThroughTransientFailures() async throws {
        try await TestEmulator.withClient { client, server in
            let secret = try await Self.seeded(client)
            server.faults.fail(next: 2, with: .status(503), pathContains: "/secrets/\(secret.id)", method: .get)
            #expect(try await client.secret(id: secret.id).name == "retry-target")
            server.faults.fail(next: 1, with: .status(429), pathContains: "/secrets/\(secret.id)", method: .get)
            server.faults.fail(next: 1, with: .status(502), pathContains: "/secrets/\(secret.id)", method: .get)
            server.faults.fail(next: 1, with: .dropConnection, pathContains: "/secrets/\(secret.id)", method: .get)
            #expect(try await client.secret(id: secret.id).name == "retry-target")
            #expect(server.faults.injectedCount == 5)
        }
    }

    @Test func updatesRetryBecauseTheyAreIdempotent() async throws {
        try await TestEmulator.withClient { client, server in
            var secret = try await Self.seeded(client)
            secret.setValue("after retry", forItem: "notes")
            server.faults.fail(next: 1, with: .statusAfterHandling(504), pathContains: "/secrets/", method: .put)
            let saved = try await client.updateSecret(secret)
            #expect(saved.item("notes")?.itemValue == "after retry")
        }
    }

    /// A create is never sent again blindly: after an ambiguous failure the client looks for the secret first (see
    /// FaultModeTests for every kind of fault). Other POSTs, which it cannot check, are not retried at all.
    @Test func createIsNeverRetriedBlindly() async throws {
        try await TestEmulator.withClient { client, server in
            var stub = try await client.secretStub(templateId: 2)
            stub.setValue("u", forItem: "username")
            stub.setValue("p", forItem: "password")

            stub.name = "ambiguous-create"
            server.faults.fail(next: 1, with: .dropConnectionAfterHandling, pathContains: "/v1/secrets", method: .post)
            let found = try await client.createSecret(stub)
            #expect(found.name == "ambiguous-create")
            #expect(try await client.countSecrets(SecretSearch(text: "ambiguous-create", exactMatch: true)) == 1)

            stub.name = "refused-create"
            server.faults.fail(next: 1, with: .status(503), pathContains: "/v1/secrets", method: .post)
            _ = try await client.createSecret(stub)
            #expect(try await client.countSecrets(SecretSearch(text: "refused-create", exactMatch: true)) == 1)

            server.faults.fail(next: 1, with: .dropConnectionAfterHandling, pathContains: "/v1/folders", method: .post)
            let dropped = await #expect(throws: SecretServerError.self) {
                try await client.createFolder(FolderCreateArgs(folderName: "dropped-folder"))
            }
            #expect(dropped?.code == .transport)
            #expect(try await client.searchFolders(FolderSearch(text: "dropped-folder")).collect().count == 1)
        }
    }
}
