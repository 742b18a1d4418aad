import GRDB
import Hummingbird
import Logging
import SecretServerModels

/// Turns every error into the real server's JSON error shape: route errors as they are, an unknown
/// route as its 404, and anything unexpected as a 500 that names no detail (and no value).
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as FaultMiddleware.DroppedConnection {
            throw error
        } catch let error as EmulatorAPIError {
            return Responses.error(error)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                return Responses.error(.notFound(request.uri.path))
            case .methodNotAllowed:
                return Responses.error(
                    EmulatorAPIError(
                        status: .methodNotAllowed,
                        body: .init(message: "The requested resource does not support http method '\(request.method)'.")
                    ))
            case .contentTooLarge:
                return Responses.error(
                    EmulatorAPIError(
                        status: .contentTooLarge, body: .init(message: "The request body is too large.")
                    ))
            default:
                return Responses.error(EmulatorAPIError(status: error.status, body: .init(message: error.body ?? "\(error.status)")))
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            // A write that names something that does not exist (a route that did not check first): the caller's
            // mistake, answered as the real server answers a bad id, and logged so the route gets its own check.
            logger.warning(
                "a write named a row that does not exist",
                metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                ])
            return Responses.error(.badRequest("API_InvalidReference", "The request refers to an item that does not exist."))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            // A name or pair that must be unique (a route that did not check first): the real server's duplicate error.
            logger.warning(
                "a write duplicated a unique value",
                metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                ])
            return Responses.error(.badRequest("API_DuplicateName", "An item with that name already exists."))
        } catch {
            logger.error(
                "unexpected error",
                metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                    "error.type": "\(type(of: error))",
                ])
            return Responses.error(
                EmulatorAPIError(
                    status: .internalServerError, body: .init(message: "An error has occurred.")
                ))
        }
    }
}
