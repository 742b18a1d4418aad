import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SecretServerModels

extension EmulatorRoutes {
    func registerOAuth(on router: Groups) {
        open(router, .post, "/oauth2/token") { request, context in
            try await self.throttled(context) { try await self.token(request, oneTimePassword: request.headers[HTTPField.Name("OTP")!]) }
        }
    }

    /// Runs a sign-in under the throttle of the caller's address: the attempt counts before its secret is checked,
    /// and only a success takes it back; too many failures answer 429 with `Retry-After`.
    func throttled(_ context: Context, _ signIn: () async throws -> Response) async throws -> Response {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let ticket: LoginThrottle.Ticket
        switch await throttle.begin(address) {
        case .success(let started): ticket = started
        case .failure(let wait):
            var error = EmulatorAPIError.oauth("too_many_requests", "Too many failed sign-ins from this address; try again in \(wait.seconds) s.")
            error.status = .tooManyRequests
            error.retryAfter = wait.seconds
            throw error
        }
        let response = try await signIn()
        await throttle.succeeded(ticket)
        return response
    }

    /// `POST /oauth2/token`: the password and refresh_token grants, form-encoded.
    /// - Parameter oneTimePassword: the `OTP` header (any case), for users in the two-factor mode.
    func token(_ request: Request, oneTimePassword: String? = nil) async throws -> Response {
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
            // Two-factor users: the OTP header's code, checked once the password is right and counted like it. A missing
            // code gets the same answer as a wrong password: anything else would tell a guesser the password was right.
            let twoFactor = self.twoFactor
            switch try await store.directory.authenticate(
                userName: userName, password: password, domain: form.string("domain"), lockAfter: configuration.maximumLoginFailures,
                secondFactor: { user in twoFactor.check(userName: user.userName, code: oneTimePassword) == .passed }
            ) {
            case .success(let user):
                return try Responses.json(tokens.issue(userId: user.id ?? 0))
            case .failure(let reason):
                // One answer for every failure: telling a disabled or locked-out account (or an unknown name) apart
                // from a wrong password would tell a guesser which names exist and when a guess was right. The
                // reason goes to the server's log, never to the caller.
                logger.info("sign-in refused", metadata: ["login.reason": "\(reason)"])
                throw EmulatorAPIError.oauth("invalid_grant", "Login failed.")
            }
        case "refresh_token":
            guard let refreshToken = form.string("refresh_token"), !refreshToken.isEmpty else {
                throw EmulatorAPIError.oauth("invalid_request", "refresh_token is required.")
            }
            guard let grant = tokens.redeem(refreshToken: refreshToken),
                let user = try await store.directory.user(id: grant.userId), user.enabled, !user.isLockedOut
            else { throw EmulatorAPIError.oauth("invalid_grant", "The refresh token is invalid, expired or already used.") }
            return try Responses.json(tokens.issue(userId: grant.userId, client: grant.client))
        case "client_credentials":
            let prefix = "sdk-client-"
            guard let clientId = form.string("client_id"), clientId.lowercased().hasPrefix(prefix),
                let secret = form.string("client_secret"), !secret.isEmpty
            else { throw EmulatorAPIError.oauth("invalid_client", "client_id must be sdk-client-<clientId>, with its client_secret.") }
            let id = String(clientId.dropFirst(prefix.count))
            guard let userId = try await store.admin.authenticateSdkClient(clientId: id, secret: secret) else {
                throw EmulatorAPIError.oauth("invalid_client", "The SDK client is unknown, revoked, or its secret is wrong.")
            }
            return try Responses.json(tokens.issue(userId: userId, client: id))
        default:
            throw EmulatorAPIError.oauth("unsupported_grant_type", "The grant type '\(grant.prefix(40))' is not supported.")
        }
    }
}
