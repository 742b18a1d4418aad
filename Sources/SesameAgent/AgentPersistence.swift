import Foundation
import SesameCore
import SesameRedaction
import Synchronization

/// Where the agent also keeps its answers, so that a restarted agent still has the last good value to serve, marked
/// stale, while a provider is down: Sesame's encrypted disk cache (AES-GCM, hashed keys, 0600). Every answer is kept in
/// the scope of who it was read as — the Secret Server's URL and principal, the AWS account and role AWS itself names
/// (`GetCallerIdentity`), region and endpoint — so an agent started as anyone else finds none of them.
package final class AgentPersistence: Sendable {
    /// Which identity a key's answers were read as.
    package enum Identity: Sendable, Hashable {
        /// `tss://` references.
        case secretServer
        /// The AWS routes and `aws-sm://`, `aws-ps://` references.
        case aws
    }

    let cache: DiskCache
    private let resolve: @Sendable (Identity) async throws -> String
    private let scopes = Mutex<[Identity: String]>([:])
    /// When a failed resolution may be tried again (an identity AWS cannot be asked for is not asked at every read).
    private let retryAfter = Mutex<[Identity: Date]>([:])

    /// - Parameter scope: works out the scope of an identity (asked once, when a key of that kind is first read or
    ///   kept; a failure leaves that kind off the disk and is asked again 30 s later).
    package init(cache: DiskCache, scope: @escaping @Sendable (Identity) async throws -> String) {
        self.cache = cache
        self.resolve = scope
    }

    /// The identity a cache key's answers belong to; nil for what is never kept on disk.
    static func identity(ofKey key: String) -> Identity? {
        if key.hasPrefix("sm|") || key.hasPrefix("ps|") { return .aws }
        guard key.hasPrefix("ref|") else { return nil }
        let reference = key.split(separator: "|", maxSplits: 2).last ?? ""
        if reference.hasPrefix("tss://") { return .secretServer }
        if reference.hasPrefix("aws-sm://") || reference.hasPrefix("aws-ps://") { return .aws }
        return nil
    }

    /// The scope for `key`; nil when it is not known (then nothing of it touches the disk). Secret Server's is worked
    /// out here (from the configuration, no request). AWS's needs a request to STS: it is started in the background
    /// and never waited for, so a read never stalls on an STS that cannot be reached (the disk is used once it is known).
    func scope(forKey key: String, now: Date) async -> String? {
        guard let identity = Self.identity(ofKey: key) else { return nil }
        if let known = scopes.withLock({ $0[identity] }) { return known }
        let due = retryAfter.withLock { retry in
            guard now >= (retry[identity] ?? .distantPast) else { return false }
            // One resolution at a time: the next is not due before this one ends (or 30 s after it failed).
            retry[identity] = .distantFuture
            return true
        }
        guard due else { return nil }
        guard identity == .aws else { return await resolveNow(identity, now: now) }
        Task { _ = await resolveNow(identity, now: now) }
        return nil
    }

    /// Starts working out the scopes (at start, so the first reads find them).
    func prepare(now: Date) {
        for identity in [Identity.secretServer, .aws] where scopes.withLock({ $0[identity] }) == nil {
            retryAfter.withLock { $0[identity] = .distantFuture }
            Task { _ = await resolveNow(identity, now: now) }
        }
    }

    private func resolveNow(_ identity: Identity, now: Date) async -> String? {
        do {
            let resolved = try await resolve(identity)
            scopes.withLock { $0[identity] = resolved }
            retryAfter.withLock { $0[identity] = nil }
            return resolved
        } catch {
            retryAfter.withLock { $0[identity] = now.addingTimeInterval(30) }
            return nil
        }
    }

    /// The scope for `key` if already worked out (keeping and removing never wait for AWS).
    func knownScope(forKey key: String) -> String? {
        guard let identity = Self.identity(ofKey: key) else { return nil }
        return scopes.withLock { $0[identity] }
    }

    /// The answer kept for `key`, with when it was fetched and when it stopped being fresh; nil when there is none
    /// (or it cannot be read: the disk is a second chance, never a reason to fail).
    func load(_ key: String, scope: String) -> (answer: AgentAnswer, stored: Date, expires: Date)? {
        guard let (value, expires) = try? cache.lookup(key, scope: scope) else { return nil }
        var answer = AgentAnswer(body: value.bytes, contentType: AgentAnswer.contentType(forKey: key))
        answer.marksStaleInBody = key.hasPrefix("ref|true|")
        return (answer, value.metadata.fetchedAt ?? expires, expires)
    }

    func save(_ key: String, _ answer: AgentAnswer, stored: Date, expires: Date) {
        guard let scope = knownScope(forKey: key) else { return }
        let value = SecretValue(bytes: answer.body, metadata: SecretValue.Metadata(source: .provider, fetchedAt: stored))
        try? cache.store(key, scope: scope, value: value, expires: expires)
    }

    func remove(_ key: String) {
        guard let scope = knownScope(forKey: key) else { return }
        _ = try? cache.remove(key, scope: scope)
    }

    /// Forgets what can no longer be served, even stale.
    func purge(before date: Date) {
        _ = try? cache.purge(expiredBefore: date)
    }
}

extension AgentPersistence: Redacting {
    package var redactedDescription: String { "path: \(cache.path), scopes: <redacted>" }
}

extension AgentAnswer {
    /// The content type of a key's answers: the AWS routes' and a JSON reference answer's are JSON, a raw
    /// reference answer's is bytes.
    static func contentType(forKey key: String) -> String {
        key.hasPrefix("ref|false|") ? "application/octet-stream" : "application/json"
    }
}
