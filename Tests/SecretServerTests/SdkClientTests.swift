import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SdkClientTests {
    @Test func onboardSignInWithClientCredentialsAndRevoke() async throws {
        try await TestEmulator.withClient { admin, server in
            let app = try await admin.createUser(NewUser(userName: "svc-app", password: "Svc-App-Passw0rd", isApplicationAccount: true))
            #expect(app.isApplicationAccount)
            let rule = try await admin.createSdkClientRule(name: "build agents", userId: app.id)
            #expect(rule.userDisplayName == "svc-app" && rule.requireOnboardingKey)
            let key = try await admin.sdkClientOnboardingKey(ruleId: rule.id)
            #expect(key.count >= 32)

            let wrongKey = await #expect(throws: SecretServerError.self) {
                try await SecretServerClient.onboardSdkClient(baseURL: server.baseURL, ruleName: "build agents", onboardingKey: "nope", name: "x")
            }
            #expect(wrongKey?.code == .accessDenied)
            let account = try await SecretServerClient.onboardSdkClient(
                baseURL: server.baseURL, ruleName: "build agents", onboardingKey: key, name: "agent-01"
            )
            let secret = try #require(account.clientSecret)
            #expect(!account.description.contains(secret))
            #expect(account.userId == app.id)
            #expect(try await admin.sdkClientAccounts().map(\.name) == ["agent-01"])
            #expect(try await admin.sdkClientAccounts().first?.clientSecret == nil)

            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "for the agent"
            stub.setValue("u", forItem: "username")
            stub.setValue("Agent-Reads-This", forItem: "password")
            let shared = try await admin.createSecret(stub)
            _ = try await admin.grant(.view, onSecret: shared.id, to: .user(app.id))

            let credentials = SecretServerClient.Credentials.sdkClient(clientId: account.clientId, clientSecret: secret)
            #expect(!credentials.description.contains(secret))
            let configuration = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: credentials)
            try await SecretServerClient.withClient(configuration: configuration) { agent in
                let value = try await agent.fieldValue(secretId: shared.id, slug: "password")
                #expect(value == "Agent-Reads-This")
                let me = try await agent.currentUser()
                #expect(me.userName == "svc-app")
            }

            try await admin.revokeSdkClient(id: account.id)
            try await SecretServerClient.withClient(configuration: configuration) { agent in
                let refused = await #expect(throws: SecretServerError.self) { try await agent.currentUser() }
                #expect(refused?.code == .authenticationFailed)
                #expect(refused?.message.contains("invalid_client") == true)
            }
        }
    }

    @Test func onboardingNeverSendsTheKeyOverPlainHTTPOffThisMachine() async throws {
        await #expect {
            _ = try await SecretServerClient.onboardSdkClient(baseURL: "http://ss.example.com/SecretServer", ruleName: "r", onboardingKey: "k", name: "n")
        } throws: { error in
            (error as? SecretServerError)?.code == .invalidConfiguration && "\(error)".contains("plain http")
        }
    }
}
