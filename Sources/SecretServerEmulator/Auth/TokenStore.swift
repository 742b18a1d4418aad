import Foundation
import SecretServerModels
import Synchronization
import SesameRedaction

/// The live OAuth sessions: access tokens with their expiry, and single-use refresh tokens.
///
/// Kept in memory, as a restart of the real server's web tier also ends its sessions.
///
/// Every request looks its token up here, so the state sits behind a `Mutex` rather than in an actor: a lookup
/// is a dictionary read that never waits, and an actor hop on every request cost more than the lookup itself
/// (Benchmarks/README.md).
final class TokenStore: Sendable {
    struct Session: Sendable {
        var userId: Int64
        var expires: Date
        var revoked: Bool
        /// The SDK client it was issued to, if any (revoking the client ends it).
        var client: String?
        /// The refresh token issued with it (revoking the session spends it too).
        var refreshToken: String?
    }

    private struct RefreshGrant {
        var userId: Int64
        var expires: Date
        var client: String?
    }

    private struct State {
        var sessions: [String: Session] = [:]
        var refreshGrants: [String: RefreshGrant] = [:]
        var issuedSinceSweep = 0
        var issuedCount = 0
    }

    private let state = Mutex(State())
    private let lifetime: TimeInterval
    private let refreshEnabled: Bool
    private let now: @Sendable () -> Date

    init(lifetime: Int, refreshEnabled: Bool, now: @escaping @Sendable () -> Date) {
        self.lifetime = TimeInterval(lifetime)
        self.refreshEnabled = refreshEnabled
        self.now = now
    }

    /// Access tokens issued since start.
    var issuedCount: Int { state.withLock { $0.issuedCount } }

    /// How long a token is remembered after it expires (and so answers 403 rather than 401), and how long
    /// a refresh token lives: the session timeout plus 15 minutes.
    private var grace: TimeInterval { lifetime + 15 * 60 }

    /// A new access token (and refresh token when enabled and `refreshable`) for `userId`, signed in as SDK client
    /// or Platform service user `client` if any.
    func issue(userId: Int64, client: String? = nil, refreshable: Bool = true) -> TokenResponse {
        let current = now()
        let access = Self.randomToken()
        let refresh = refreshEnabled && refreshable ? Self.randomToken() : nil
        let lifetime = self.lifetime
        let grace = self.grace
        state.withLock { state in
            Self.sweepIfDue(&state, current, grace: grace)
            state.issuedCount += 1
            state.sessions[access] = Session(
                userId: userId, expires: current.addingTimeInterval(lifetime), revoked: false, client: client, refreshToken: refresh
            )
            if let refresh {
                state.refreshGrants[refresh] = RefreshGrant(userId: userId, expires: current.addingTimeInterval(grace), client: client)
            }
        }
        return TokenResponse(accessToken: access, expiresIn: Int(lifetime), refreshToken: refresh)
    }

    /// The user of a live token; a 401 for an unknown token, a 403 for an expired or revoked one.
    func user(for token: String) -> Result<Int64, EmulatorAPIError> {
        session(for: token).map(\.userId)
    }

    /// The session of a live token; a 401 for an unknown token, a 403 for an expired or revoked one.
    func session(for token: String) -> Result<Session, EmulatorAPIError> {
        let current = now()
        return state.withLock { state in
            guard let session = state.sessions[token] else { return .failure(.unauthenticated) }
            guard !session.revoked, session.expires > current else { return .failure(.expiredToken) }
            return .success(session)
        }
    }

    /// Uses up a refresh token: the user (and SDK client) it was issued to, or `nil` when it is unknown, used,
    /// revoked or expired.
    func redeem(refreshToken: String) -> (userId: Int64, client: String?)? {
        let current = now()
        return state.withLock { state in
            guard let grant = state.refreshGrants.removeValue(forKey: refreshToken), grant.expires > current else { return nil }
            return (grant.userId, grant.client)
        }
    }

    /// Ends a token now, and the refresh token issued with it (`POST /api/v1/oauth-expiration`: signing out).
    func revoke(_ token: String) {
        state.withLock { state in
            guard let session = state.sessions[token] else { return }
            state.sessions[token]?.revoked = true
            if let refresh = session.refreshToken { state.refreshGrants[refresh] = nil }
        }
    }

    /// Ends every token of `userId` (its password changed), but `keeping` (the request that changed it).
    func revokeAll(userId: Int64, keeping: String? = nil) {
        revokeAll(keeping: keeping) {
            $0.userId == userId
        } grants: {
            $0.userId == userId
        }
    }

    /// Ends every token issued to SDK client `client` (it was revoked).
    func revokeAll(client: String) {
        let folded = client.lowercased()
        revokeAll(keeping: nil) {
            $0.client?.lowercased() == folded
        } grants: {
            $0.client?.lowercased() == folded
        }
    }

    private func revokeAll(keeping: String?, _ session: (Session) -> Bool, grants: (RefreshGrant) -> Bool) {
        state.withLock { state in
            for (token, value) in state.sessions where token != keeping && session(value) { state.sessions[token]?.revoked = true }
            let kept = keeping.flatMap { state.sessions[$0]?.refreshToken }
            state.refreshGrants = state.refreshGrants.filter { $0.key == kept || !grants($0.value) }
        }
    }

    private static func sweepIfDue(_ state: inout State, _ current: Date, grace: TimeInterval) {
        state.issuedSinceSweep += 1
        guard state.issuedSinceSweep >= 1024 else { return }
        state.issuedSinceSweep = 0
        state.sessions = state.sessions.filter { $0.value.expires.addingTimeInterval(grace) > current }
        state.refreshGrants = state.refreshGrants.filter { $0.value.expires > current }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension TokenStore: Redacting {
    /// How many sessions are live, never a token (they are the dictionary's keys).
    var redactedDescription: String { "sessions: \(state.withLock { $0.sessions.count }), tokens: <redacted>" }
}
