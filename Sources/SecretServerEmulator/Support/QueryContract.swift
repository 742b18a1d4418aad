import Hummingbird

/// The query parameters of the 11.7.61 spec the local server does not honour, route by route, in one place. A
/// request that carries one (with a value outside what is honoured) is answered with a 400 naming it, before its
/// handler runs; every other parameter the spec lists for a served route is read by the handler
/// (`SpecContractTests` walks them all).
enum QueryContract {
    /// A parameter refused on a route.
    struct Refusal: Sendable {
        /// The spec's name, e.g. `filter.scope`.
        var name: String
        /// Lower-cased values that are honoured (the handler reads them); empty when every value is refused.
        var accepted: Set<String> = []
        /// Why, for the error message.
        var why: String
    }

    /// A list whose store pages it in one order: sorting by those keys, ascending, is honoured; others are refused.
    private static func orderedBy(_ keys: Set<String>, descending: Bool = false) -> [Refusal] {
        [
            Refusal(name: "sortBy[0].name", accepted: keys, why: "this list comes in one order; sort by \(keys.sorted().joined(separator: " or "))"),
            Refusal(
                name: "sortBy[0].direction", accepted: descending ? ["desc", "none"] : ["asc", "none"],
                why: "this list comes in one order (\(descending ? "Desc" : "Asc"))"),
        ]
    }

    /// `GET /v2/secrets` and its total.
    private static let secretSearch: [Refusal] = [
        Refusal(name: "filter.scope", accepted: ["all"], why: "it keeps no recent or favorite secrets; use All"),
        Refusal(name: "filter.recentMinDateTime", why: "it keeps no record of recently viewed secrets"),
        Refusal(name: "filter.recentMaxDateTime", why: "it keeps no record of recently viewed secrets"),
        Refusal(name: "filter.passwordTypeIds", why: "it has no password types"),
        Refusal(name: "filter.extendedTypeId", why: "it has no extended types"),
        Refusal(
            name: "sortBy[0].name",
            accepted: [
                "name", "secretname", "id", "secretid", "created", "createdate", "secrettemplatename",
                "secrettemplateid", "template",
            ],
            why: "secrets sort by Name, Id, Created or SecretTemplateName"),
    ]

    /// Folder searches find what the caller may View.
    private static let folderPermission = Refusal(
        name: "filter.permissionRequired", accepted: ["view"], why: "folder searches find the folders you may View"
    )

    /// Refusals by route, in the spec's form: `METHOD /v1/path/{}` (below `/api`, lower-cased, parameters as `{}`).
    private static let table: [String: [Refusal]] = [
        "GET /v2/secrets": secretSearch,
        "GET /v2/secrets/search-total": secretSearch,
        "GET /v1/secrets": secretSearch,
        "GET /v1/secrets/search-total": secretSearch,
        "GET /v1/secrets/{}/audits": orderedBy(["id", "daterecorded"], descending: true) + [
            Refusal(name: "isExporting", accepted: ["false"], why: "it has no audit export; read the pages"),
            Refusal(name: "filter.includePasswordChangeLog", accepted: ["false"], why: "it keeps no separate password change log"),
        ],
        "GET /v1/folders": orderedBy(["id", "folderid"]) + [folderPermission],
        "GET /v1/folders/lookup": orderedBy(["id", "folderid"]) + [folderPermission],
        "GET /v1/metadata": orderedBy(["id", "metadataitemid"]),
        "GET /v1/users": orderedBy(["username"]),
        "GET /v1/groups": orderedBy(["name", "groupname"]),
        "GET /v1/groups/{}/users": orderedBy(["username"]),
        "GET /v1/secret-templates": [
            Refusal(name: "filter.passwordTypeIds", why: "it has no password types"),
            Refusal(name: "filter.scanItemTemplateId", why: "it has no discovery scan templates"),
        ],
        "GET /v1/sdk-client-accounts": [Refusal(name: "filter.operator", why: "it has no search operators; use filter.searchText")],
        "GET /v1/sdk-client-rules": [Refusal(name: "filter.operator", why: "it has no search operators; use filter.searchText")],
        "GET /v2/userscripts": [Refusal(name: "filter.scriptCategoryId", why: "its scripts have no categories")],
    ]

    /// The refusals of a route, given in the spec's form.
    static func refusals(for route: String) -> [Refusal] { table[route] ?? [] }

    /// The spec's form of a served route template: `GET /SecretServer/api/v1/secrets/{id}` → `GET /v1/secrets/{}`,
    /// with `basePath` the configured base path (`/SecretServer`).
    static func route(method: String, template: String, basePath: String) -> String {
        var path = template.lowercased()
        for prefix in [basePath.lowercased(), "/api"] where !prefix.isEmpty && path.hasPrefix(prefix + "/") { path.removeFirst(prefix.count) }
        let segments = path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "{}" : String($0) }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }

    /// The first refused parameter `query` carries for `route`, as the 400 to answer.
    static func check(_ query: QueryParameters, route: String) -> EmulatorAPIError? {
        for refusal in refusals(for: route) {
            // Looked at without being logged as read: only the route's own reads show it honours a parameter.
            let values = QueryReadLog.$current.withValue(nil) { query.strings(refusal.name) }.filter { !$0.isEmpty }
            if let value = values.first(where: { !refusal.accepted.contains($0.lowercased()) }) {
                let shown = refusal.accepted.isEmpty ? refusal.name : "\(refusal.name)=\(value.prefix(40))"
                return .badRequest("API_FilterNotSupported", "The local server does not support \(shown): \(refusal.why).")
            }
        }
        return nil
    }
}

/// Answers a request that carries a refused query parameter with the 400 naming it. It runs after routing, so
/// the matched route is known.
struct QueryContractMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    /// The configured base path, which templates start with (besides the root).
    let basePath: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let template = context.endpointPath, request.uri.query?.isEmpty == false,
            let refusal = QueryContract.check(request.query, route: QueryContract.route(method: "\(request.method)", template: template, basePath: basePath))
        {
            throw refusal
        }
        return try await next(request, context)
    }
}
