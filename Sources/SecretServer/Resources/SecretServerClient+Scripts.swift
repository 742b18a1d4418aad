import NIOHTTP1
import SecretServerModels

/// The language of a user script.
public enum ScriptType: String, Sendable, CaseIterable {
    case powerShell = "PowerShell", sql = "SQL", ssh = "SSH"
}

extension SecretServerClient {
    /// Every user script (without its text) whose name contains `text`.
    public func searchScripts(text: String? = nil, type: ScriptType? = nil, pageSize: Int = 500) -> PagedSequence<ScriptSummaryModel> {
        var query: [(String, String)] = []
        if let text, !text.isEmpty { query.append(("filter.searchText", text)) }
        if let type { query.append(("filter.scriptType", type.rawValue)) }
        return paged("/v2/userscripts", query: query, pageSize: pageSize)
    }

    /// A user script with its text.
    public func script(id: Int) async throws -> ScriptModel { try await get("/v2/userscripts/\(id)") }

    /// Creates a user script.
    public func createScript(name: String, type: ScriptType, script: String, description: String? = nil) async throws -> ScriptModel {
        struct Data: Encodable { var name: String; var scriptType: String; var script: String; var description: String?; var isActive: Bool }
        struct Body: Encodable { var data: Data }
        return try await send(
            .POST, "/v2/userscripts",
            body: Body(
                data: Data(
                    name: name, scriptType: type.rawValue, script: script, description: description, isActive: true
                )))
    }

    /// Changes a user script; `nil` leaves a property as it is (`PATCH /api/v1/userscripts/{id}`).
    @discardableResult
    public func updateScript(id: Int, name: String? = nil, script: String? = nil, description: String? = nil, isActive: Bool? = nil)
        async throws -> ScriptModel
    {
        func dirty(_ value: JSONValue) -> JSONValue { .object(JSONObject([("dirty", .bool(true)), ("value", value)])) }
        var data: [(key: String, value: JSONValue)] = []
        if let name { data.append(("name", dirty(.string(name)))) }
        if let script { data.append(("script", dirty(.string(script)))) }
        if let description { data.append(("description", dirty(.string(description)))) }
        if let isActive { data.append(("isActive", dirty(.bool(isActive)))) }
        let body = JSONValue.object(JSONObject([("data", .object(JSONObject(data)))]))
        return try await send(.PATCH, "/v1/userscripts/\(id)", body: body, idempotent: true)
    }
}
