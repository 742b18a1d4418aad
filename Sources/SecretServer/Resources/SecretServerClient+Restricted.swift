import Foundation
import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    /// Reads a restricted secret (`POST /api/v1/secrets/{id}/restricted`): with the comment or ticket number it
    /// requires; checks it out first when it requires check-out, unless `noAutoCheckout`.
    public func secret(id: Int, access: SecretRestrictedArgs) async throws -> SecretModel {
        try await send(.POST, "/v1/secrets/\(id)/restricted", body: access, idempotent: true)
    }

    /// One field of a restricted secret (`POST /api/v1/secrets/{id}/restricted/fields/{slug}`).
    public func fieldValue(secretId: Int, slug: String, access: SecretRestrictedArgs) async throws -> String {
        try await send(.POST, "/v1/secrets/\(secretId)/restricted/fields/\(URLEncoding.component(slug))", body: access, as: String.self,
                       idempotent: true)
    }

    /// Checks a secret out to the signed-in user.
    public func checkOut(secretId: Int) async throws {
        let _: SecretResponseCodeModel = try await send(.POST, "/v1/secrets/\(secretId)/check-out", idempotent: true)
    }

    /// Checks a secret in (`forceCheckIn` ends someone else's check-out, as Owner).
    @discardableResult
    public func checkIn(secretId: Int, access: SecretRestrictedArgs = SecretRestrictedArgs()) async throws -> SecretSummary {
        try await send(.POST, "/v1/secrets/\(secretId)/check-in", body: access, idempotent: true)
    }

    /// Extends the signed-in user's check-out; returns when it now ends. Not retried (each call adds time).
    public func extendCheckOut(secretId: Int, minutes: Int, notes: String? = nil) async throws -> Date? {
        struct Data: Encodable { var minutesToAdd: Int; var notes: String? }
        struct Body: Encodable { var data: Data }
        let answer: SecretCheckOutExtensionResponseModel = try await send(
            .POST, "/v1/secrets/\(secretId)/extend-check-out", body: Body(data: Data(minutesToAdd: minutes, notes: notes))
        )
        return WireDate.date(from: answer.checkOutEndTime)
    }

    /// What reading a secret needs now (comment, check-out), and who holds it (`GET /api/v1/secrets/{id}/state`).
    public func secretState(id: Int) async throws -> SecretDetailStateViewModel {
        try await get("/v1/secrets/\(id)/state")
    }

    /// A secret's audit trail, newest first.
    public func secretAudits(id: Int, pageSize: Int = 500) -> PagedSequence<SecretAuditModel> {
        PagedSequence(pageSize: pageSize) { skip, take in
            try await self.get("/v1/secrets/\(id)/audits", query: [("skip", String(skip)), ("take", String(take))])
        }
    }

    /// Activates a deactivated (deleted) secret (`PUT /api/v3/secrets/{id}/activate`).
    public func activateSecret(id: Int) async throws {
        let _: ActivateSecretResponseModel = try await send(.PUT, "/v3/secrets/\(id)/activate")
    }

    /// Marks a secret expired.
    @discardableResult
    public func expireSecret(id: Int, access: SecretRestrictedArgs = SecretRestrictedArgs()) async throws -> SecretSummary {
        try await send(.POST, "/v1/secrets/\(id)/expire", body: access, idempotent: true)
    }

    /// Asks the server to check the secret's credentials now.
    @discardableResult
    public func heartbeat(id: Int) async throws -> SecretSummary {
        try await send(.POST, "/v1/secrets/\(id)/heartbeat", idempotent: true)
    }

    /// Changes the secret's password: to `newPassword`, or to one the server generates. Not retried blindly.
    @discardableResult
    public func changePassword(id: Int, newPassword: String? = nil, comment: String? = nil) async throws -> SecretSummary {
        struct Body: Encodable { var newPassword: String?; var comment: String? }
        return try await send(.POST, "/v1/secrets/\(id)/change-password", body: Body(newPassword: newPassword, comment: comment))
    }
}
