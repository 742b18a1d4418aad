import Hummingbird

/// Authenticates every API route in one place: the `Authorization: Bearer` token names a live session (401 when
/// unknown, 403 when expired or revoked), whose user, with their groups, becomes `context.caller` for the handler.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let routes: EmulatorRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.caller = try await routes.authenticate(request)
        return try await next(request, context)
    }
}
