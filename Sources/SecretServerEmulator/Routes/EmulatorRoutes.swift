import Foundation
import Hummingbird
import Logging
import SecretServerModels

/// The local server's routes. Each is served under the base path (`/SecretServer`) and at the root.
struct EmulatorRoutes: Sendable {
    typealias Context = EmulatorRequestContext
    typealias Handler = @Sendable (Request, Context) async throws -> Response
    typealias AuthenticatedHandler = @Sendable (Request, Context, Caller) async throws -> Response

    let store: EmulatorStore
    let tokens: TokenStore
    let throttle: LoginThrottle
    let configuration: EmulatorConfiguration
    let logger: Logger
    /// The opt-in second factor of the password grant.
    let twoFactor: TwoFactorCheck

    /// The path prefixes every route is served under.
    var prefixes: [String] {
        let base = configuration.normalizedBasePath
        return base.isEmpty ? [""] : ["", base]
    }

    /// The routes of one resource: those anyone may call, and the API routes behind `AuthenticationMiddleware`. Each
    /// resource has its own pair, added once under every prefix (`addRoutes(atPath:)`).
    struct Groups {
        let open = RouteCollection(context: Context.self)
        let api = RouteCollection(context: Context.self)
    }

    /// The resources, each registering its routes on a `Groups` of its own (one file each: `EmulatorRoutes+….swift`).
    var resources: [(Groups) -> Void] {
        [
            registerOAuth(on:), registerSystem(on:), registerSecrets(on:), registerTemplates(on:), registerFolders(on:),
            registerDirectory(on:), registerPermissions(on:), registerMetadata(on:), registerSdkClients(on:), registerScripts(on:),
            registerAdmin(on:), registerAccessRequests(on:),
        ]
    }

    func register(on router: Router<Context>) {
        let authentication = AuthenticationMiddleware(routes: self)
        for resource in resources {
            let groups = Groups()
            groups.api.add(middleware: authentication)
            resource(groups)
            for prefix in prefixes {
                router.addRoutes(groups.open, atPath: RouterPath(prefix))
                router.addRoutes(groups.api, atPath: RouterPath(prefix + "/api"))
            }
        }
        // The Platform front door has a base URL of its own.
        registerPlatform(on: router)
    }

    /// Adds a route anyone may call (`path` below each prefix).
    func open(_ groups: Groups, _ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        groups.open.on(RouterPath(path), method: method) { request, context in try await handler(request, context) }
    }

    /// Adds an API route that needs a bearer token (`path` below `/api` under each prefix); the handler gets the
    /// caller `AuthenticationMiddleware` found.
    func api(_ groups: Groups, _ method: HTTPRequest.Method, _ path: String, _ handler: @escaping AuthenticatedHandler) {
        groups.api.on(RouterPath(path), method: method) { request, context in
            guard let caller = context.caller else { throw EmulatorAPIError.unauthenticated }
            return try await handler(request, context, caller)
        }
    }

    /// `DELETE path` (a path ending in `/:id`): `delete` removes what the id names; the answer is the real
    /// server's `{"id", "objectType"}`.
    func deletion(_ groups: Groups, _ path: String, objectType: String, _ delete: @escaping @Sendable (Int64, Caller) async throws -> Void) {
        api(groups, .delete, path) { _, context, caller in
            let id = try self.id(context)
            try await delete(id, caller)
            return try Responses.json(DeletedModel(id: Int(id), objectType: objectType))
        }
    }

    /// The caller of `request`, from its `Authorization: Bearer` header.
    func authenticate(_ request: Request) async throws -> Caller {
        guard let token = Self.bearerToken(request) else { throw EmulatorAPIError.unauthenticated }
        let userId = try tokens.user(for: token).get()
        return try await store.directory.caller(userId: userId)
    }

    /// The token of an `Authorization: Bearer` header.
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// A path parameter as a positive-or-zero integer id, within `Int32`'s range (the API's ids are `int32`).
    func id(_ context: Context, _ name: String = "id") throws -> Int64 {
        guard let text = context.parameters.get(name), let value = Int32(text).map(Int64.init), value >= 0 else {
            throw EmulatorAPIError.badRequest(
                "API_InvalidId", "The \(name) in the URL must be a number; found '\(context.parameters.get(name)?.prefix(40) ?? "")'."
            )
        }
        return value
    }

    /// A path parameter, percent-decoded.
    func text(_ context: Context, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// A page of `all`, ordered and cut as `list` asks.
    func page<Record: Codable & Sendable>(_ all: [Record], _ list: ListRequest) throws -> Response {
        try Responses.json(try list.page(all))
    }

    /// The records of `all` whose text `properties` contain `text` (without regard to case); all for no text.
    static func matching<Record: Encodable>(_ all: [Record], _ text: String?, in properties: [String]) throws -> [Record] {
        guard let text, !text.isEmpty else { return all }
        let encoder = WireCoding.makeEncoder()
        return try all.filter { record in
            try WireCoding.makeDecoder().decode(JSONValue.self, from: encoder.encode(record)).matches(text, in: properties)
        }
    }

    /// A page of `records`, with `take` of 0 meaning the default.
    func page<Record: Codable & Sendable>(_ records: [Record], total: Int, skip: Int, take: Int, sortBy: [Sort] = []) throws -> Response {
        try Responses.json(Page(records: records, skip: skip, take: take, total: total, sortBy: sortBy))
    }
}
