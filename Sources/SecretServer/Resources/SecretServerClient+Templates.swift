import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    /// A template with its fields (`GET /api/v1/secret-templates/{id}`).
    public func template(id: Int) async throws -> SecretTemplateModel {
        try await get("/v1/secret-templates/\(id)")
    }

    /// Every template whose name contains `text` (all when `nil`).
    public func searchTemplates(text: String? = nil, includeInactive: Bool = false, pageSize: Int = 500) -> PagedSequence<SecretTemplateSummary> {
        var query: [(String, String)] = []
        if let text, !text.isEmpty { query.append(("filter.searchText", text)) }
        if includeInactive { query.append(("filter.includeInactive", "true")) }
        return paged("/v1/secret-templates", query: query, pageSize: pageSize)
    }

    /// The template named `name` exactly (case-insensitive), or `nil`.
    public func template(named name: String) async throws -> SecretTemplateModel? {
        for try await summary in searchTemplates(text: name) where summary.name.lowercased() == name.lowercased() {
            return try await template(id: summary.id)
        }
        return nil
    }

    /// A new password that meets the requirement of template field `fieldId`
    /// (`POST /api/v1/secret-templates/generate-password/{fieldId}`).
    public func generatePassword(fieldId: Int) async throws -> String {
        // Generating has no side effect, so it may be retried like a read.
        try await send(.POST, "/v1/secret-templates/generate-password/\(fieldId)", as: String.self, idempotent: true)
    }
}
