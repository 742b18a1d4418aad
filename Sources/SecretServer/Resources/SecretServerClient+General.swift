import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    /// Removes the file attached to a file field (`PATCH /api/v1/secrets/{id}/general`, as tss-sdk-go does).
    public func removeFieldFile(secretId: Int, slug: String) async throws {
        let field = JSONValue.object(JSONObject([("slug", .string(slug)), ("dirty", .bool(true)), ("value", .null)]))
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject([("secretFields", .array([field]))])))]))
        let _: JSONValue = try await send(.PATCH, "/v1/secrets/\(secretId)/general", body: body, idempotent: true)
    }

    /// Renames a secret or moves it to another folder (`-1` for the root) without sending its fields.
    public func patchSecretGeneral(id: Int, name: String? = nil, folderId: Int? = nil, active: Bool? = nil) async throws {
        func dirty(_ value: JSONValue) -> JSONValue { .object(JSONObject([("dirty", .bool(true)), ("value", value)])) }
        var data: [(key: String, value: JSONValue)] = []
        if let name { data.append(("name", dirty(.string(name)))) }
        if let folderId { data.append(("folder", dirty(.int(Int64(folderId))))) }
        if let active { data.append(("active", dirty(.bool(active)))) }
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject(data)))]))
        let _: JSONValue = try await send(.PATCH, "/v1/secrets/\(id)/general", body: body, idempotent: true)
    }
}
