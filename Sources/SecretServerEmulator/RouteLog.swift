import Hummingbird

/// Records which routes were served (method and route template), and which query parameters their handlers
/// looked up, when `EmulatorConfiguration.recordRoutes` is on. Tests use it to check that every route a client
/// calls exists in the official API, and that every query parameter the spec lists is honoured or refused.
public actor RouteLog {
    private var served: Set<String> = []
    private var reads: [String: Set<String>] = [:]

    public init() {}

    /// `METHOD /route/{template}` for every route served so far.
    public var routes: Set<String> { served }

    /// The query parameters (lower-cased) the handlers of `METHOD /route/{template}` looked up so far.
    public func queryParametersRead(_ route: String) -> Set<String> { reads[route] ?? [] }

    func record(method: HTTPRequest.Method, template: String, read: Set<String>) {
        let route = "\(method) \(template)"
        served.insert(route)
        reads[route, default: []].formUnion(read)
    }
}

/// Feeds the `RouteLog`. It runs after routing, so the matched template is known.
struct RouteLogMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let log: RouteLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let template = context.endpointPath else { return try await next(request, context) }
        let reads = QueryReadLog()
        do {
            let response = try await QueryReadLog.$current.withValue(reads) { try await next(request, context) }
            await log.record(method: request.method, template: template, read: reads.read)
            return response
        } catch {
            await log.record(method: request.method, template: template, read: reads.read)
            throw error
        }
    }
}
