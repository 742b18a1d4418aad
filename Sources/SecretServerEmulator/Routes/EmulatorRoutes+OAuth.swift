import Foundation
import Hummingbird
import SecretServerModels

extension EmulatorRoutes {
    func registerOAuth(on router: Router<Context>) {
        open(router, .post, "/oauth2/token") { request, context in
            let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
            if let wait = await self.throttle.retryAfter(address) {
                var error = EmulatorAPIError.oauth("too_many_requests", "Too many failed sign-ins from this address; try again in \(wait) s.")
                error.status = .tooManyRequests
                error.retryAfter = wait
                throw error
            }
            do {
                let response = try await self.token(request)
                await self.throttle.recordSuccess(address)
                return response
            } catch let error as EmulatorAPIError where error.body.error == "invalid_grant" || error.body.error == "invalid_client" {
                await self.throttle.recordFailure(address)
                throw error
            }
        }
    }

    /// `POST /oauth2/token`: the password and refresh_token grants, form-encoded.
    func token(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let form = QueryParameters(String(buffer: buffer))
        guard let grant = form.string("grant_type") else {
            throw EmulatorAPIError.oauth("unsupported_grant_type", "grant_type is required.")
        }
        switch grant.lowercased() {
        case "password":
            guard let userName = form.string("username"), !userName.isEmpty, let password = form.string("password") else {
                throw EmulatorAPIError.oauth("invalid_request", "username and password are required.")
            }
            switch try await store.authenticate(
                userName: userName, password: password, domain: form.string("domain"), lockAfter: configuration.maximumLoginFailures
            ) {
            case .success(let user):
                return try Responses.json(tokens.issue(userId: user.id ?? 0))
            case .failure(.disabled):
                throw EmulatorAPIError.oauth("invalid_grant", "Login failed: the user is disabled.")
            case .failure(.lockedOut):
                throw EmulatorAPIError.oauth("invalid_grant", "Login failed: the user is locked out.")
            case .failure(.badCredentials):
                throw EmulatorAPIError.oauth("invalid_grant", "Login failed.")
            }
        case "refresh_token":
            guard let refreshToken = form.string("refresh_token"), !refreshToken.isEmpty else {
                throw EmulatorAPIError.oauth("invalid_request", "refresh_token is required.")
            }
            guard let userId = tokens.redeem(refreshToken: refreshToken),
                let user = try await store.user(id: userId), user.enabled
            else { throw EmulatorAPIError.oauth("invalid_grant", "The refresh token is invalid, expired or already used.") }
            return try Responses.json(tokens.issue(userId: userId))
        case "client_credentials":
            let prefix = "sdk-client-"
            guard let clientId = form.string("client_id"), clientId.lowercased().hasPrefix(prefix),
                let secret = form.string("client_secret"), !secret.isEmpty
            else { throw EmulatorAPIError.oauth("invalid_client", "client_id must be sdk-client-<clientId>, with its client_secret.") }
            guard let userId = try await store.authenticateSdkClient(clientId: String(clientId.dropFirst(prefix.count)), secret: secret) else {
                throw EmulatorAPIError.oauth("invalid_client", "The SDK client is unknown, revoked, or its secret is wrong.")
            }
            return try Responses.json(tokens.issue(userId: userId))
        default:
            throw EmulatorAPIError.oauth("unsupported_grant_type", "The grant type '\(grant.prefix(40))' is not supported.")
        }
    }
}
