import Foundation
import SecretServerModels
import SesameHTTP
import SesameRedaction

/// Holds the access token: fetched on first use, renewed before it expires (with the refresh token when
/// the server gave one, else a new login), one renewal at a time however many requests wait.
actor TokenManager {
    /// What a renewal asks the token route for.
    enum Grant: Sendable {
        case password(username: String, password: String, domain: String?)
        case clientCredentials(clientId: String, clientSecret: String)
        case platform(clientId: String, clientSecret: String)
        case refresh(String)
    }

    struct Token: Sendable {
        var access: String
        var refresh: String?
        var renewAt: ContinuousClock.Instant
        var expiresAt: ContinuousClock.Instant
    }

    private enum State {
        case empty
        case ready(Token)
        case renewing(Task<Token, any Error>, previous: Token?)
    }

    private var state: State = .empty
    /// The last token the server refused, so that a renewal does not take the same one back from a kept session.
    private var refused: String?
    private let credentials: SecretServerClient.Credentials
    private let margin: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let fetch: @Sendable (Grant) async throws -> TokenResponse
    /// Where a renewal runs (nil: the global executor).
    private let executor: (any TaskExecutor)?

    init(
        credentials: SecretServerClient.Credentials,
        margin: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        executor: (any TaskExecutor)? = nil,
        fetch: @escaping @Sendable (Grant) async throws -> TokenResponse
    ) {
        self.credentials = credentials
        self.margin = margin
        self.now = now
        self.executor = executor
        self.fetch = fetch
    }

    /// A token that is valid now, renewing it first when due.
    func token() async throws -> String {
        if case .token(let fixed) = credentials.kind { return fixed }
        switch state {
        case .ready(let token) where now() < token.renewAt:
            return token.access
        case .ready(let token):
            return try await renew(previous: token).access
        case .renewing(let task, _):
            return try await task.value.access
        case .empty:
            return try await renew(previous: nil).access
        }
    }

    /// Forgets `token` after the server refused it, so the next call signs in again. A token that was
    /// already replaced is left alone, so a burst of 401s causes one renewal, not many.
    func invalidate(_ token: String) {
        if case .ready(let current) = state, current.access == token {
            state = .empty
            refused = token
        }
    }

    /// The current token and its refresh token, signing in first if needed (for keeping a session).
    func issued() async throws -> (access: String, refresh: String?, expiresIn: Duration) {
        if case .token(let fixed) = credentials.kind { return (fixed, nil, .zero) }
        _ = try await token()
        guard case .ready(let token) = state else {
            throw SecretServerError(code: .authenticationFailed, message: "no token was issued")
        }
        return (token.access, token.refresh, token.expiresAt - now())
    }

    /// Whether a refused token can be replaced (a pre-issued token cannot).
    var canRenew: Bool {
        if case .token = credentials.kind { return false }
        return true
    }

    private func renew(previous: Token?) async throws -> Token {
        let credentials = self.credentials
        let fetch = self.fetch
        let now = self.now
        let margin = self.margin
        let refusedToken = previous?.access ?? refused
        // A task of its own, so concurrent callers share one renewal; on the client's executor, and outside any one
        // request's deadline (a refresh token cut off after it was sent would be spent with its answer lost).
        let task = Task<Token, any Error>(executorPreference: executor) {
            try await AttemptLoop.withoutDeadline {
                if case .kept(let keeper) = credentials.kind {
                    return try await Self.renewKept(keeper, refused: refusedToken, margin: margin, now: now, fetch: fetch)
                }
                var response: TokenResponse?
                if let refresh = previous?.refresh, let expires = previous?.expiresAt, now() < expires + .seconds(15 * 60) {
                    response = try? await fetch(.refresh(refresh))
                }
                if response == nil {
                    switch credentials.kind {
                    case .password(let username, let password, let domain):
                        response = try await fetch(.password(username: username, password: password, domain: domain))
                    case .sdkClient(let clientId, let clientSecret):
                        response = try await fetch(.clientCredentials(clientId: clientId, clientSecret: clientSecret))
                    case .platform(let clientId, let clientSecret):
                        response = try await fetch(.platform(clientId: clientId, clientSecret: clientSecret))
                    case .token:
                        throw SecretServerError(code: .authenticationFailed, message: "the pre-issued token was refused")
                    case .refreshToken(let token):
                        response = try await fetch(.refresh(token))
                    case .kept:
                        break
                    }
                }
                guard let response else { throw SecretServerError(code: .authenticationFailed, message: "no token") }
                let issued = now()
                let lifetime = Duration.seconds(max(response.expiresIn, 1))
                let lead = min(margin, lifetime / 10)
                return Token(
                    access: response.accessToken, refresh: response.refreshToken,
                    renewAt: issued + lifetime - lead, expiresAt: issued + lifetime
                )
            }
        }
        state = .renewing(task, previous: previous)
        do {
            let token = try await task.value
            state = .ready(token)
            refused = nil
            return token
        } catch {
            state = .empty
            throw error
        }
    }

    /// A token from a kept session: its access token while fresh (and not the one the server just refused), else
    /// a renewal under the keeper's lock, whose result the keeper keeps before it is used.
    private static func renewKept(
        _ keeper: any SessionKeeper, refused: String?, margin: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant, fetch: @escaping @Sendable (Grant) async throws -> TokenResponse
    ) async throws -> Token {
        let minimum = TimeInterval(margin.components.seconds)
        @Sendable func usable(_ session: KeptSession?) -> KeptSession? {
            guard let session, session.accessToken != refused, session.expiresAt.timeIntervalSinceNow > minimum else { return nil }
            return session
        }
        let session: KeptSession
        if let fresh = usable(try await keeper.load()) {
            session = fresh
        } else {
            session = try await keeper.exchange { current in
                // Another process may have renewed it while this one waited for the lock.
                if let fresh = usable(current) { return fresh }
                guard let refresh = current?.refreshToken else {
                    throw SecretServerError(
                        code: .authenticationFailed, message: "the kept session has expired and cannot be renewed; sign in again"
                    )
                }
                let response = try await fetch(.refresh(refresh))
                return KeptSession(
                    accessToken: response.accessToken, refreshToken: response.refreshToken,
                    expiresAt: Date().addingTimeInterval(TimeInterval(max(response.expiresIn, 1)))
                )
            }
        }
        let remaining = Duration.seconds(max(session.expiresAt.timeIntervalSinceNow, 1))
        let issued = now()
        return Token(
            access: session.accessToken, refresh: session.refreshToken,
            renewAt: issued + remaining - min(margin, remaining / 10), expiresAt: issued + remaining
        )
    }
}

extension TokenManager: Redacting {
    nonisolated var redactedDescription: String { "credentials: \(credentials)" }
}

extension TokenManager.Token: Redacting {
    var redactedDescription: String { "access: <redacted>, refresh: \(refresh == nil ? "none" : "<redacted>")" }
}

extension TokenManager.Grant: Redacting {
    var redactedDescription: String {
        switch self {
        case .password(let username, _, let domain): "password(username: \(username), domain: \(domain ?? "none"), password: <redacted>)"
        case .clientCredentials(let clientId, _): "clientCredentials(clientId: \(clientId), clientSecret: <redacted>)"
        case .platform(let clientId, _): "platform(clientId: \(clientId), clientSecret: <redacted>)"
        case .refresh: "refresh(<redacted>)"
        }
    }
}
