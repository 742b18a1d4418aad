import Hummingbird

/// Records which routes were served (method and route template), when `EmulatorConfiguration.recordRoutes`
/// is on. Tests use it to check that every route a client calls exists in the official API.
public actor RouteLog {
    private var served: Set<String> = []

    public init() {}

    /// `METHOD /route/{template}` for every route served so far.
    public var routes: Set<String> { served }

    func record(method: HTTPRequest.Method, template: String) {
        served.insert("\(method) \(template)")
    }
}

/// Feeds the `RouteLog`. It runs after routing, so the matched template is known.
struct RouteLogMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let log: RouteLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let template = context.endpointPath { await log.record(method: request.method, template: template) }
        return try await next(request, context)
    }
}
