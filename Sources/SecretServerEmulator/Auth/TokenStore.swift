import Foundation
import SecretServerModels

/// The live OAuth sessions: access tokens with their expiry, and single-use refresh tokens.
/// Kept in memory, as a restart of the real server's web tier also ends its sessions.
actor TokenStore {
    struct Session: Sendable {
        var userId: Int64
        var expires: Date
        var revoked: Bool
    }

    private struct RefreshGrant {
        var userId: Int64
        var expires: Date
    }

    private var sessions: [String: Session] = [:]
    private var refreshGrants: [String: RefreshGrant] = [:]
    private let lifetime: TimeInterval
    private let refreshEnabled: Bool
    private let now: @Sendable () -> Date
    private var issuedSinceSweep = 0
    /// Access tokens issued since start.
    private(set) var issuedCount = 0

    init(lifetime: Int, refreshEnabled: Bool, now: @escaping @Sendable () -> Date) {
        self.lifetime = TimeInterval(lifetime)
        self.refreshEnabled = refreshEnabled
        self.now = now
    }

    /// How long a token is remembered after it expires (and so answers 403 rather than 401), and how long
    /// a refresh token lives: the session timeout plus 15 minutes.
    private var grace: TimeInterval { lifetime + 15 * 60 }

    /// A new access token (and refresh token when enabled) for `userId`.
    func issue(userId: Int64) -> TokenResponse {
        let current = now()
        sweepIfDue(current)
        issuedCount += 1
        let access = Self.randomToken()
        sessions[access] = Session(userId: userId, expires: current.addingTimeInterval(lifetime), revoked: false)
        var refresh: String?
        if refreshEnabled {
            let token = Self.randomToken()
            refreshGrants[token] = RefreshGrant(userId: userId, expires: current.addingTimeInterval(grace))
            refresh = token
        }
        return TokenResponse(accessToken: access, expiresIn: Int(lifetime), refreshToken: refresh)
    }

    /// The user of a live token; a 401 for an unknown token, a 403 for an expired or revoked one.
    func user(for token: String) -> Result<Int64, EmulatorAPIError> {
        guard let session = sessions[token] else { return .failure(.unauthenticated) }
        guard !session.revoked, session.expires > now() else { return .failure(.expiredToken) }
        return .success(session.userId)
    }

    /// Uses up a refresh token: the user it was issued to, or `nil` when it is unknown, used or expired.
    func redeem(refreshToken: String) -> Int64? {
        guard let grant = refreshGrants.removeValue(forKey: refreshToken), grant.expires > now() else { return nil }
        return grant.userId
    }

    /// Ends a token now (`POST /api/v1/oauth-expiration`).
    func revoke(_ token: String) {
        sessions[token]?.revoked = true
    }

    private func sweepIfDue(_ current: Date) {
        issuedSinceSweep += 1
        guard issuedSinceSweep >= 1024 else { return }
        issuedSinceSweep = 0
        sessions = sessions.filter { $0.value.expires.addingTimeInterval(grace) > current }
        refreshGrants = refreshGrants.filter { $0.value.expires > current }
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
