import Foundation
import NIOCore
import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    /// Reads a restricted secret (`POST /api/v1/secrets/{id}/restricted`): with the comment or ticket number it
    /// requires; checks it out first when it requires check-out, unless `noAutoCheckout`.
    public func secret(id: Int, access: SecretRestrictedArgs) async throws -> SecretModel {
        try await send(.POST, "/v1/secrets/\(id)/restricted", body: access, idempotent: true)
    }

    /// A restricted secret by path (`POST /api/v1/secrets/0/restricted?secretPath=`).
    public func secret(path: String, access: SecretRestrictedArgs) async throws -> SecretModel {
        try await send(.POST, "/v1/secrets/0/restricted", body: access, query: [("secretPath", FolderPath.normalized(path))], idempotent: true)
    }

    /// One field of a restricted secret (`POST /api/v1/secrets/{id}/restricted/fields/{slug}`).
    public func fieldValue(secretId: Int, slug: String, access: SecretRestrictedArgs) async throws -> String {
        try await send(
            .POST, "/v1/secrets/\(secretId)/restricted/fields/\(URLEncoding.component(slug))", body: access, as: String.self,
            idempotent: true)
    }

    /// One field of a restricted secret, text or file, in one request (the restricted form of `fieldContent`).
    public func fieldContent(secretId: Int, slug: String, access: SecretRestrictedArgs) async throws -> SecretFieldContent {
        let path = "/v1/secrets/\(secretId)/restricted/fields/\(URLEncoding.component(slug))"
        let body: Data
        do {
            body = try WireCoding.makeEncoder().encode(access)
        } catch {
            throw SecretServerError(code: .invalidArgument, message: "the restricted options could not be encoded: \(error)")
        }
        let response = try await transport.send(APIRequest(.POST, path, body: ByteBuffer(bytes: body), idempotent: true))
        return try Self.fieldContent(response, path: path, method: "POST")
    }

    /// Saves a restricted secret (`PUT /api/v1/secrets/{id}/restricted`): the whole secret with the comment, ticket
    /// and DoubleLock password its restrictions ask of a change.
    public func updateSecret(_ secret: SecretModel, access: SecretRestrictedArgs) async throws -> SecretModel {
        try await send(.PUT, "/v1/secrets/\(secret.id)/restricted", body: try Self.merged(secret, access), idempotent: true)
    }

    /// Sets one text field of a restricted secret (`PUT /api/v1/secrets/{id}/fields/{slug}` with `value` and the
    /// restricted options).
    public func setFieldValue(secretId: Int, slug: String, value: String, access: SecretRestrictedArgs) async throws {
        let body = try Self.merged(["value": value], access)
        let _: String = try await send(.PUT, "/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))", body: body, idempotent: true)
    }

    /// Uploads a file field of a restricted secret (the JSON form, with the restricted options).
    public func setFieldFile(secretId: Int, slug: String, data: Data, fileName: String, access: SecretRestrictedArgs) async throws {
        let body = try Self.merged(["fileName": fileName, "fileAttachment": data.base64EncodedString()], access)
        let _: String = try await send(.PUT, "/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))", body: body, idempotent: true)
    }

    /// `value`'s JSON object with the restricted options' members added. A value that does not encode to an object
    /// is an error, never an empty body (a PUT of nothing would clear what it writes).
    static func merged(_ value: some Encodable, _ access: SecretRestrictedArgs) throws -> JSONValue {
        let encoder = WireCoding.makeEncoder()
        let decoder = WireCoding.makeDecoder()
        func object(_ encodable: some Encodable) throws -> JSONObject {
            guard let object = (try? decoder.decode(JSONValue.self, from: encoder.encode(encodable)))?.objectValue else {
                throw SecretServerError(code: .invalidArgument, message: "the request body could not be encoded as a JSON object")
            }
            return object
        }
        var body = try object(value)
        for member in try object(access).members where !member.value.isNull { body[member.key] = member.value }
        return .object(body)
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
        paged("/v1/secrets/\(id)/audits", pageSize: pageSize)
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
        try await changePassword(id: id, newPassword: newPassword, access: SecretRestrictedArgs(comment: comment))
    }

    /// Changes a restricted secret's password (`POST /api/v1/secrets/{id}/change-password`) with the options its
    /// restrictions ask of a change. Not retried: the server may have changed it already.
    public func changePassword(id: Int, newPassword: String?, access: SecretRestrictedArgs) async throws -> SecretSummary {
        struct Body: Encodable { var newPassword: String? }
        return try await send(.POST, "/v1/secrets/\(id)/change-password", body: try Self.merged(Body(newPassword: newPassword), access))
    }
}
