import HTTPTypes
import SecretServerModels

/// An error the local server answers with, in the real server's shapes.
struct EmulatorAPIError: Error, Sendable {
    var status: HTTPResponse.Status
    var body: APIErrorBody
    /// Seconds for a `Retry-After` header (throttled sign-ins).
    var retryAfter: Int?

    init(status: HTTPResponse.Status = .badRequest, body: APIErrorBody) {
        self.status = status
        self.body = body
    }

    /// 400 `API_AccessDenied`: also what the real server says for an object that does not exist.
    static let accessDenied = EmulatorAPIError(body: .init(errorCode: "API_AccessDenied", message: "Access Denied"))

    /// 400 with an `errorCode` and a `message`.
    static func badRequest(_ code: String, _ message: String) -> EmulatorAPIError {
        EmulatorAPIError(body: .init(errorCode: code, message: message))
    }

    /// 400 "The request is invalid." with ASP.NET's `modelState`.
    static func invalid(_ field: String, _ problem: String) -> EmulatorAPIError {
        EmulatorAPIError(body: .init(message: "The request is invalid.", modelState: ["args.\(field)": [problem]]))
    }

    /// 400 for a body that is not JSON.
    static let unreadableBody = EmulatorAPIError(
        body: .init(
            message: "The request is invalid.", messageDetail: "The request body is not valid JSON.",
            modelState: ["args": ["The request body could not be read as JSON."]])
    )

    /// 401 for a missing or unknown token.
    static let unauthenticated = EmulatorAPIError(
        status: .unauthorized, body: .init(message: "Authentication failed or expired token.")
    )

    /// 403 for an expired or revoked token.
    static let expiredToken = EmulatorAPIError(
        status: .forbidden, body: .init(message: "Authentication failed or expired token.")
    )

    /// 404 for a route the server does not serve.
    static func notFound(_ path: String) -> EmulatorAPIError {
        EmulatorAPIError(
            status: .notFound,
            body: .init(message: "No HTTP resource was found that matches the request URI '\(path)'.")
        )
    }

    /// An OAuth error of `/oauth2/token` (`{"error": ..., "error_description": ...}`), status 400.
    static func oauth(_ error: String, _ description: String? = nil) -> EmulatorAPIError {
        EmulatorAPIError(body: .init(error: error, errorDescription: description))
    }
}
