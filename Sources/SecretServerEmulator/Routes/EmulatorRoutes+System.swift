import Foundation
import Hummingbird
import SecretServerModels

extension EmulatorRoutes {
    func registerSystem(on router: Groups) {
        open(router, .get, "/api/v1/healthcheck") { request, _ in
            // noBus skips the message bus check; there is no bus here, so the check is the same either way.
            _ = try request.query.bool("noBus")
            return try self.healthCheck()
        }
        // The OpenAPI 3 document of the routes served here (scripts/openapi writes it; schemathesis fuzzes it).
        let openAPI = ByteBuffer(string: OpenAPIDocument.json)
        open(router, .get, "/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPI))
        }
        api(router, .get, "/v1/version") { _, _, caller in
            let version = JSONValue.object(
                JSONObject([
                    ("success", .bool(true)), ("severity", .string("None")),
                    ("model", .object(JSONObject([("version", .string(self.configuration.version))]))),
                    ("version", .string(self.configuration.version)),
                ]))
            return try Responses.json(version)
        }
        api(router, .post, "/v1/oauth-expiration") { request, _, caller in
            if let token = Self.bearerToken(request) { self.tokens.revoke(token) }
            return try Responses.json(true)
        }
        api(router, .get, "/v1/users/current") { _, _, caller in
            guard let row = try await self.store.directory.user(id: caller.userId) else { throw EmulatorAPIError.accessDenied }
            let permissions = row.isAdmin ? ["Administer Users", "Administer Folders", "Administer Secret Templates"] : []
            return try Responses.json(
                CurrentUserModel(
                    id: Int(caller.userId), userName: row.userName, displayName: row.displayName,
                    emailAddress: row.emailAddress, permissions: permissions
                ))
        }
    }

    /// `GET /api/v1/healthcheck`, keys spelt as configured.
    func healthCheck() throws -> Response {
        let now = WireDate.string(from: configuration.now())
        let fields: [(String, JSONValue)] = [
            ("healthy", .bool(true)), ("databaseHealthy", .bool(true)), ("serviceBusHealthy", .bool(true)),
            ("storageAccountHealthy", .bool(true)), ("scheduledForDeletion", .bool(false)),
            ("readOnlyMode", .bool(false)), ("databaseMismatch", .bool(false)), ("now", .string(now)),
            ("utcNow", .string(now)),
        ]
        var members: [(key: String, value: JSONValue)] = []
        for (key, value) in fields {
            let pascal = key.prefix(1).uppercased() + key.dropFirst()
            switch configuration.healthCheckCasing {
            case .pascal: members.append((pascal, value))
            case .camel: members.append((key, value))
            case .both:
                members.append((pascal, value))
                members.append((key, value))
            }
        }
        // JSONObject folds case, so `.both` is written member by member.
        var text = "{"
        let encoder = WireCoding.makeEncoder()
        for (offset, member) in members.enumerated() {
            if offset > 0 { text += "," }
            text += "\"\(member.key)\":" + String(decoding: try encoder.encode(member.value), as: UTF8.self)
        }
        text += "}"
        return Response(
            status: .ok, headers: [.contentType: Responses.jsonContentType],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
