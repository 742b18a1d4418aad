import AWSSigV4
import Foundation
import SesameHTTP
import SesameRedaction

/// Temporary credentials from a source that hands out new ones (STS, a credential process, the SSO portal, the
/// container or instance metadata endpoints), kept until shortly before they expire. The refresh time is
/// `refreshMargin` plus a random part of `jitter` before the expiry, so many processes started together do not
/// all ask at the same moment. However many callers ask at once, one fetch is in flight. When a refresh fails
/// while the held credentials are still valid, they are used until they expire (and fetching is tried again at
/// each call); `invalidate()` (AWS answered `ExpiredToken`) drops them at once.
public actor RefreshingCredentialsProvider: AWSCredentialsProvider {
    /// Credentials and when they expire (nil: they do not).
    public struct Fetched: Sendable {
        public var credentials: AWSCredentials
        public var expiration: Date?

        public init(credentials: AWSCredentials, expiration: Date?) {
            self.credentials = credentials
            self.expiration = expiration
        }
    }

    /// When to refresh.
    public struct Timing: Sendable {
        /// How long before expiry the credentials are renewed at the latest.
        public var refreshMargin: Duration
        /// Up to this much earlier still, at random.
        public var jitter: Duration

        public init(refreshMargin: Duration = .seconds(300), jitter: Duration = .seconds(60)) {
            self.refreshMargin = refreshMargin
            self.jitter = jitter
        }
    }

    /// The step this provider is in the chain (`web identity`, `credential_process`, ...), for errors.
    public nonisolated let step: String
    private let fetch: @Sendable () async throws -> Fetched
    private let timing: Timing
    private let now: @Sendable () -> Date
    private let random: @Sendable (Double) -> Double
    private var current: Fetched?
    private var refreshAt: Date?
    private var inFlight: Task<Fetched, any Error>?
    /// Bumped by `invalidate()`: a fetch that started before it does not put back what was thrown away.
    private var generation = 0
    /// After a failed refresh while the held credentials are still valid, no new try before this time.
    private var retryAfter: Date?
    static let failedRefreshPause: TimeInterval = 15
    /// How many times credentials were fetched (for tests and diagnostics).
    public private(set) var fetchCount = 0

    /// - Parameters:
    ///   - random: a number in `0..<limit` for the jitter; injected so tests can pin it.
    public init(
        step: String, timing: Timing = Timing(), now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable (Double) -> Double = { $0 > 0 ? Double.random(in: 0..<$0) : 0 },
        fetch: @escaping @Sendable () async throws -> Fetched
    ) {
        self.step = step
        self.fetch = fetch
        self.timing = timing
        self.now = now
        self.random = random
    }

    public func credentials() async throws -> AWSCredentials {
        let time = now()
        if let current {
            guard let expiration = current.expiration else { return current.credentials }
            if let refreshAt, time < refreshAt { return current.credentials }
            if let retryAfter, time < retryAfter, time < expiration { return current.credentials }
            do {
                return try await refresh().credentials
            } catch  where time < expiration {
                // Still valid: keep using them, and try again after a pause (not at every call).
                retryAfter = time.addingTimeInterval(Self.failedRefreshPause)
                return current.credentials
            }
        }
        return try await refresh().credentials
    }

    public func invalidate() async {
        current = nil
        refreshAt = nil
        retryAfter = nil
        generation += 1
    }

    /// When the held credentials expire, if any are held and they do.
    public var expiration: Date? { current?.expiration }

    /// When the held credentials will be renewed.
    public var nextRefresh: Date? { refreshAt }

    private func refresh() async throws -> Fetched {
        if let inFlight { return try await inFlight.value }
        let fetch = self.fetch
        // Shared by every caller waiting on it: outside any one request's deadline.
        let task = Task { try await AttemptLoop.withoutDeadline { try await fetch() } }
        inFlight = task
        let started = generation
        defer { inFlight = nil }
        let fetched = try await task.value
        fetchCount += 1
        retryAfter = nil
        // Thrown away meanwhile (AWS refused what was held): these may be the same refused ones; used once, not kept.
        guard started == generation else { return fetched }
        current = fetched
        if let expiration = fetched.expiration {
            let margin = Self.seconds(timing.refreshMargin) + random(Self.seconds(timing.jitter))
            // Credentials that live shorter than the margin are renewed half-way through their life.
            let lifetime = expiration.timeIntervalSince(now())
            // Expired on arrival (a stale helper's answer, or this clock ahead): used, and asked for again after a
            // pause, not at every call.
            refreshAt =
                lifetime <= 0
                ? now().addingTimeInterval(Self.failedRefreshPause) : expiration.addingTimeInterval(-min(margin, lifetime / 2))
        } else {
            refreshAt = nil
        }
        return fetched
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        duration / .seconds(1)
    }
}

extension RefreshingCredentialsProvider: Redacting {
    public nonisolated var redactedDescription: String { "step: \(step), credentials: <redacted>" }
}

extension RefreshingCredentialsProvider.Fetched: Redacting {
    public var redactedDescription: String { "credentials: \(credentials), expiration: \(expiration.map { "\($0)" } ?? "none")" }
}
