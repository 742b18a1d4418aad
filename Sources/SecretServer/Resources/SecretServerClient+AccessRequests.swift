import Foundation
import NIOHTTP1
import SecretServerModels

/// What a reviewer decides on an access request.
public enum AccessDecision: String, Sendable {
    case approve = "Approved", deny = "Denied", cancel = "Canceled"
}

extension SecretServerClient {
    /// Asks for access to a secret that requires approval.
    public func requestAccess(secretId: Int, comment: String, ticketNumber: String? = nil) async throws -> SecretAccessModel {
        struct Body: Encodable { var secretId: Int; var requestComment: String; var ticketNumber: String? }
        return try await send(.POST, "/v1/secret-access-requests", body: Body(secretId: secretId, requestComment: comment, ticketNumber: ticketNumber))
    }

    /// Approves, denies or cancels an access request.
    @discardableResult
    public func decideAccessRequest(id: Int, _ decision: AccessDecision, comment: String? = nil) async throws -> SecretAccessModel {
        struct Body: Encodable { var secretAccessRequestId: Int; var status: String; var responseComment: String? }
        return try await send(.PUT, "/v1/secret-access-requests", body: Body(secretAccessRequestId: id, status: decision.rawValue, responseComment: comment))
    }

    /// The signed-in user's own requests (`mine`), or those they may review.
    public func accessRequests(mine: Bool = false, status: String? = nil) async throws -> [SecretAccessModel] {
        var query: [(String, String)] = [("filter.isMyRequest", String(mine))]
        if let status { query.append(("filter.status", status)) }
        return try await paged("/v1/secret-access-requests", query: query, pageSize: 500, of: SecretAccessModel.self).collect()
    }

    public func accessRequest(id: Int) async throws -> SecretAccessModel { try await get("/v1/secret-access-requests/\(id)") }

    /// The steps of an access request: created, approved, denied, canceled.
    public func accessRequestHistory(id: Int) async throws -> [SecretAccessRequestHistoryModel] {
        try await paged("/v1/secret-access-requests/\(id)/history", pageSize: 500, of: SecretAccessRequestHistoryModel.self).collect()
    }

    /// Creates a workflow template naming who approves access requests, and how long an approval lasts.
    public func createWorkflowTemplate(
        name: String, approverUserIds: [Int] = [], approverGroupIds: [Int] = [], expirationMinutes: Int = 60, description: String? = nil
    ) async throws -> WorkflowTemplateDetailModel {
        struct Configuration: Encodable { var approverUserIds: [Int]; var approverGroupIds: [Int] }
        struct Body: Encodable {
            var name: String; var description: String?; var expirationMinutes: Int; var configurationJson: String; var workflowType: String
        }
        let configuration = String(
            decoding: try WireCoding.makeEncoder().encode(Configuration(approverUserIds: approverUserIds, approverGroupIds: approverGroupIds)), as: UTF8.self)
        let id: Int = try await send(
            .POST, "/v1/workflows/templates",
            body: Body(
                name: name, description: description, expirationMinutes: expirationMinutes, configurationJson: configuration,
                workflowType: "AccessRequest"
            ))
        return try await get("/v1/workflows/templates/\(id)")
    }

    public func workflowTemplates() async throws -> [WorkflowTemplateDetailModel] {
        try await paged("/v1/workflows/templates", pageSize: 500, of: WorkflowTemplateDetailModel.self).collect()
    }
}
