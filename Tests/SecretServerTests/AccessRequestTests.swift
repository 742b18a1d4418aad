import Foundation
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct AccessRequestTests {
    @Test func approvalGatesReadsAndNobodyApprovesTheirOwnRequest() async throws {
        try await TestEmulator.withClient { admin, server in
            let val = try await admin.createUser(NewUser(userName: "val", password: "val-Passw0rd"))
            let rob = try await admin.createUser(NewUser(userName: "rob", password: "rob-Passw0rd"))
            let workflow = try await admin.createWorkflowTemplate(name: "Two eyes", approverUserIds: [val.id], expirationMinutes: 30)
            #expect(try await admin.workflowTemplates().map(\.name) == ["Two eyes"])
            var stub = try await admin.secretStub(templateId: 2)
            stub.name = "prod root"
            stub.setValue("root", forItem: "username")
            stub.setValue("Gated-Pw-1", forItem: "password")
            stub.requiresApprovalForAccess = true
            stub.accessRequestWorkflowMapId = workflow.workflowTemplateId
            let secret = try await admin.createSecret(stub)
            _ = try await admin.grant(.view, onSecret: secret.id, to: .user(rob.id))
            _ = try await admin.grant(.list, onSecret: secret.id, to: .user(val.id))

            func client(_ name: String) throws -> SecretServerClient {
                try SecretServerClient(
                    configuration: .init(baseURL: server.baseURL, credentials: .password(username: name, password: "\(name)-Passw0rd"), retry: .none))
            }
            let robClient = try client("rob")
            let valClient = try client("val")
            defer {
                Task {
                    try? await robClient.shutdown(); try? await valClient.shutdown()
                }
            }

            let gated = await #expect(throws: SecretServerError.self) { try await robClient.fieldValue(secretId: secret.id, slug: "password") }
            #expect(gated?.errorCode == "API_ValidateSecretAccessApprovalRequired")
            #expect(try await robClient.secretState(id: secret.id).secretState == "RequiresApproval")

            let request = try await robClient.requestAccess(secretId: secret.id, comment: "INC-7 outage", ticketNumber: "INC-7")
            #expect(request.status == "Pending" && request.hasWorkflow)
            let selfApproval = await #expect(throws: SecretServerError.self) {
                try await robClient.decideAccessRequest(id: request.secretAccessRequestId, .approve)
            }
            #expect(selfApproval?.code == .accessDenied)
            #expect(try await valClient.accessRequests(status: "Pending").map(\.secretAccessRequestId) == [request.secretAccessRequestId])
            let approved = try await valClient.decideAccessRequest(id: request.secretAccessRequestId, .approve, comment: "ok for the outage")
            #expect(approved.status == "Approved" && approved.approverDisplayName == "val")
            let window = try #require(WireDate.date(from: approved.expirationDate))
            #expect(window.timeIntervalSinceNow > 25 * 60 && window.timeIntervalSinceNow <= 30 * 60)

            #expect(try await robClient.fieldValue(secretId: secret.id, slug: "password") == "Gated-Pw-1")
            // Approving access to read does not make a List-only approver able to read.
            await #expect(throws: SecretServerError.self) { try await valClient.fieldValue(secretId: secret.id, slug: "password") }
            let steps = try await robClient.accessRequestHistory(id: request.secretAccessRequestId)
            #expect(steps.map(\.action) == ["Created", "Approved"])
            #expect(steps.map(\.fullName) == ["rob", "val"])
            #expect(try await robClient.accessRequests(mine: true).first?.status == "Approved")

            let second = try await robClient.requestAccess(secretId: secret.id, comment: "again")
            try await valClient.decideAccessRequest(id: second.secretAccessRequestId, .deny, comment: "no")
            let twice = await #expect(throws: SecretServerError.self) { try await valClient.decideAccessRequest(id: second.secretAccessRequestId, .approve) }
            #expect(twice?.errorCode == "API_AccessRequestCompleted")
            let third = try await robClient.requestAccess(secretId: secret.id, comment: "never mind")
            #expect(try await robClient.decideAccessRequest(id: third.secretAccessRequestId, .cancel).status == "Canceled")
        }
    }
}
