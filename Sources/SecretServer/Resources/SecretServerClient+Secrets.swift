import NIOHTTP1
import Foundation
import Logging
import NIOCore
import SecretServerModels
import SesameHTTP

extension SecretServerClient {
    /// A secret with all its fields (`GET /api/v1/secrets/{id}`).
    /// - Parameter noAutoCheckout: for a secret that requires check-out, fail instead of checking it out.
    public func secret(id: Int, includeInactive: Bool = false, noAutoCheckout: Bool = false) async throws -> SecretModel {
        try await get("/v1/secrets/\(id)", query: (includeInactive ? [("includeInactive", "true")] : []) + Self.checkoutQuery(noAutoCheckout))
    }

    /// The secret at `path`, e.g. `\Prod\Databases\db01 root` (`/` also separates).
    public func secret(path: String, noAutoCheckout: Bool = false) async throws -> SecretModel {
        try await get("/v1/secrets/0", query: [("secretPath", FolderPath.normalized(path))] + Self.checkoutQuery(noAutoCheckout))
    }

    /// `noAutoCheckout=true` when asked: a read that must not check a secret out on its own.
    static func checkoutQuery(_ noAutoCheckout: Bool) -> [(String, String)] {
        noAutoCheckout ? [("noAutoCheckout", "true")] : []
    }

    /// Every secret matching `search`, fetched page by page as you iterate.
    public func searchSecrets(_ search: SecretSearch = SecretSearch()) -> PagedSequence<SecretSummary> {
        let query = search.queryItems
        return paged("/v1/secrets", query: query, pageSize: search.pageSize)
    }

    /// How many secrets match `search` (`GET /api/v1/secrets/search-total`).
    public func countSecrets(_ search: SecretSearch = SecretSearch()) async throws -> Int {
        try await get("/v1/secrets/search-total", query: search.queryItems)
    }

    /// A new secret for a template, fields empty (`GET /api/v1/secrets/stub`). Fill it and pass it to `createSecret`.
    public func secretStub(templateId: Int, folderId: Int? = nil) async throws -> SecretModel {
        var query = [("secretTemplateId", String(templateId))]
        if let folderId { query.append(("folderId", String(folderId))) }
        return try await get("/v1/secrets/stub", query: query)
    }

    /// Creates a secret (`POST /api/v1/secrets`), never twice.
    ///
    /// A create is not idempotent. When it fails so that the server may have made the secret anyway (the connection
    /// lost after sending, no answer in time, 500/502/503/504, an HTML page with 200), the client waits its backoff
    /// and then looks for the secret: same name, template and folder, and every field value that was sent. If it
    /// is there, that secret is the answer; if not, the create is sent again, within the retry policy's attempts.
    /// A refusal before the server acted (429, Delinea's 403 rate-limit answer) is simply sent again. When the
    /// check itself fails, the error says the create may have happened.
    public func createSecret(_ secret: SecretModel) async throws -> SecretModel {
        // Idempotent for the loop: no create is sent again before the check finds no secret from the one before.
        var ambiguous = false
        return try await AttemptLoop(policy: configuration.retry).run(
            idempotent: true,
            willRetry: { attempt, delay, failure in
                let code = (failure as? SecretServerError)?.code.description ?? "\(failure)"
                transport.logRetry(delay, attempt: attempt, request: APIRequest(.POST, "/v1/secrets"), reason: "ambiguous create (\(code))")
            }
        ) {
            // The backoff came first: a server that is slow rather than gone may still finish the create before.
            if ambiguous, let found = try await createdSecretAfterAmbiguousCreate(like: secret) {
                configuration.logger.notice(
                    "the create failed ambiguously but the secret was made; not sending it again", metadata: ["secret.id": "\(found.id)"])
                return .success(found)
            }
            do {
                return .success(try await send(.POST, "/v1/secrets", body: secret))
            } catch let error as SecretServerError where error.mayHaveTakenEffect {
                ambiguous = true
                return .failure(.interrupted, error)
            }
        }
    }

    /// `createdSecret(like:)`, whose own failure says the create may have happened.
    private func createdSecretAfterAmbiguousCreate(like secret: SecretModel) async throws -> SecretModel? {
        do {
            return try await createdSecret(like: secret)
        } catch {
            var unknown = SecretServerError(
                code: .invalidResponse,
                message: "the create may or may not have happened (\(error)); search for the secret before trying again",
                method: "POST", path: "/v1/secrets"
            )
            unknown.retriable = false
            throw unknown
        }
    }

    /// A secret that looks like the result of creating `secret`: same name, template and folder, and every sent
    /// field value (files aside) equal. The newest such secret, or `nil`.
    func createdSecret(like secret: SecretModel) async throws -> SecretModel? {
        let folderId = secret.folderId > 0 ? secret.folderId : nil
        let search = SecretSearch(
            text: secret.name, exactMatch: true, folderId: folderId, templateId: secret.secretTemplateId,
            sortBy: "SecretId", descending: true, pageSize: 50
        )
        let candidates = try await searchSecrets(search).collect().filter {
            $0.name == secret.name && $0.secretTemplateId == secret.secretTemplateId
                && (folderId == nil ? $0.folderId <= 0 : $0.folderId == folderId)
        }
        let sent = secret.items.filter { !$0.isFile && !$0.itemValue.isEmpty }
        for candidate in candidates {
            let made = try await self.secret(id: candidate.id)
            let matches = sent.allSatisfy { item in
                made.items.contains { ($0.fieldId == item.fieldId || $0.slug == item.slug) && $0.itemValue == item.itemValue }
            }
            if matches { return made }
        }
        return nil
    }

    /// Saves the whole secret (`PUT /api/v1/secrets/{id}`): name, folder, settings and every item sent.
    public func updateSecret(_ secret: SecretModel) async throws -> SecretModel {
        try await send(.PUT, "/v1/secrets/\(secret.id)", body: secret)
    }

    /// Reads a secret, lets `change` edit it, and saves it: the "update a secret item by slug" flow.
    ///
    /// ```swift
    /// try await client.modifySecret(id: 12) { $0.setValue("rotated", forItem: "notes") }
    /// ```
    @discardableResult
    public func modifySecret(id: Int, _ change: (inout SecretModel) throws -> Void) async throws -> SecretModel {
        var secret = try await self.secret(id: id)
        try change(&secret)
        return try await updateSecret(secret)
    }

    /// Deactivates a secret (`DELETE /api/v1/secrets/{id}`; the real server keeps it, inactive).
    @discardableResult
    public func deleteSecret(id: Int) async throws -> DeletedModel {
        try await send(.DELETE, "/v1/secrets/\(id)")
    }

    /// The summary of the secret at `path`, without values (`GET /api/v1/secrets/0/summary?secretPath=`).
    public func secretSummary(path: String) async throws -> SecretSummary {
        try await get("/v1/secrets/0/summary", query: [("secretPath", FolderPath.normalized(path))])
    }

    /// The summary of a secret, without values (`GET /api/v1/secrets/{id}/summary`).
    public func secretSummary(id: Int) async throws -> SecretSummary {
        try await get("/v1/secrets/\(id)/summary")
    }
}

extension SecretServerClient {
    /// The text value of one field, by slug or field name (`GET /api/v1/secrets/{id}/fields/{slug}`).
    public func fieldValue(secretId: Int, slug: String) async throws -> String {
        try await get("/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))", as: String.self)
    }

    /// The content of a file field and its file name.
    public func fieldFile(secretId: Int, slug: String) async throws -> (data: Data, fileName: String?) {
        let path = "/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))"
        let response = try await transport.send(APIRequest(.GET, path))
        let disposition = response.headers.first(name: "Content-Disposition") ?? ""
        var fileName: String?
        if let range = disposition.range(of: "filename=") {
            fileName = String(disposition[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"; "))
        }
        return (Data(response.body.readableBytesView), fileName)
    }

    /// Sets one text field (`PUT /api/v1/secrets/{id}/fields/{slug}` with `{"value": ...}`).
    public func setFieldValue(secretId: Int, slug: String, value: String) async throws {
        struct Body: Encodable { var value: String }
        let _: String = try await send(.PUT, "/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))", body: Body(value: value))
    }

    /// Uploads the content of a file field (the JSON form: `fileName` and base64 `fileAttachment`).
    public func setFieldFile(secretId: Int, slug: String, data: Data, fileName: String) async throws {
        struct Body: Encodable { var fileName: String; var fileAttachment: String }
        let body = Body(fileName: fileName, fileAttachment: data.base64EncodedString())
        let _: String = try await send(.PUT, "/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))", body: body)
    }
}

/// One field's content as the server sends it: text, or a file with its name.
public enum SecretFieldContent: Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case file(data: Data, fileName: String?)

    public var description: String {
        switch self {
        case .text: return "SecretFieldContent.text(<redacted>)"
        case .file(let data, let fileName): return "SecretFieldContent.file(<redacted> \(data.count) bytes, \(fileName ?? "-"))"
        }
    }
}

extension SecretServerClient {
    /// One field of a secret, text or file, in one request (`GET /api/v1/secrets/{id}/fields/{slug}`): a JSON
    /// answer is a text field, anything else a file.
    public func fieldContent(secretId: Int, slug: String, noAutoCheckout: Bool = false) async throws -> SecretFieldContent {
        let path = "/v1/secrets/\(secretId)/fields/\(URLEncoding.component(slug))"
        let request = APIRequest(.GET, path, query: Self.checkoutQuery(noAutoCheckout))
        return try Self.fieldContent(try await transport.send(request), path: path, method: "GET")
    }

    /// A field's answer: a JSON string is a text field, anything else a file (with the name its header gives).
    static func fieldContent(_ response: APIResponse, path: String, method: String) throws -> SecretFieldContent {
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") || contentType.hasPrefix("text/json") {
            do {
                return .text(try WireCoding.makeDecoder().decode(String.self, from: Data(response.body.readableBytesView)))
            } catch {
                throw SecretServerError(
                    code: .invalidResponse, message: "the field's answer is not a JSON string", status: response.status,
                    method: method, path: path
                )
            }
        }
        let disposition = response.headers.first(name: "Content-Disposition") ?? ""
        var fileName: String?
        if let range = disposition.range(of: "filename=") {
            fileName = String(disposition[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"; "))
        }
        return .file(data: Data(response.body.readableBytesView), fileName: fileName)
    }
}
