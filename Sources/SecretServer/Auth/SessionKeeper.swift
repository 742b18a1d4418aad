import Foundation
import SesameRedaction

/// Keeps a signed-in session between processes, as `sesame login`'s encrypted store does. The server accepts a
/// refresh token once, so whoever spends it must keep its successor before anything else can fail, and two
/// processes must never spend the same one: `exchange` runs the renewal while no other process can, and keeps
/// what it returns before returning it.
public protocol SessionKeeper: Sendable {
    /// Who the session belongs to (`user:alice`), for scoping caches; never a token.
    var principal: String { get }

    /// The session kept now, if any.
    func load() async throws -> KeptSession?

    /// Calls `renew` with the session kept now (which another process may have renewed meanwhile) while no other
    /// process can, keeps the session it returns, and returns it.
    func exchange(_ renew: @escaping @Sendable (KeptSession?) async throws -> KeptSession) async throws -> KeptSession
}

/// A session as kept between processes: the tokens and when the access token expires (wall-clock time).
///
/// `description` and `dump()` never show a token.
public struct KeptSession: Sendable, Codable, Equatable, Redacting {
    public var accessToken: String
    public var refreshToken: String?
    public var expiresAt: Date

    public init(accessToken: String, refreshToken: String?, expiresAt: Date) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
    }

    public var redactedDescription: String {
        "accessToken: <redacted>, refreshToken: \(refreshToken == nil ? "none" : "<redacted>"), expiresAt: \(expiresAt)"
    }
}
