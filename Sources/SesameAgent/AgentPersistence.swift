import Foundation
import SesameCore
import SesameRedaction

/// Where the agent also keeps its answers, so that a restarted agent answers at once and, while a provider is
/// down, still has the last good value to serve stale: Sesame's encrypted disk cache (AES-GCM, hashed keys, 0600),
/// in a scope naming who the agent reads as, so answers kept for one server, account or user are never served
/// after the agent starts as another.
public struct AgentPersistence: Sendable {
    let cache: DiskCache
    let scope: String

    /// - Parameter scope: who the agent reads as (the Secret Server's URL and user, the AWS account, region and
    ///   profile): change any of it and nothing kept before is found.
    public init(cache: DiskCache, scope: String) {
        self.cache = cache
        self.scope = scope
    }

    /// The answer kept for `key`, with when it was fetched and when it stopped being fresh; nil when there is none
    /// (or it cannot be read: the disk is a second chance, never a reason to fail).
    func load(_ key: String) -> (answer: AgentAnswer, stored: Date, expires: Date)? {
        guard let (value, expires) = try? cache.lookup(key, scope: scope) else { return nil }
        let answer = AgentAnswer(body: value.bytes, contentType: AgentAnswer.contentType(forKey: key))
        return (answer, value.metadata.fetchedAt ?? expires, expires)
    }

    func save(_ key: String, _ answer: AgentAnswer, stored: Date, expires: Date) {
        let value = SecretValue(bytes: answer.body, metadata: SecretValue.Metadata(source: .provider, fetchedAt: stored))
        try? cache.store(key, scope: scope, value: value, expires: expires)
    }

    func remove(_ key: String) {
        _ = try? cache.remove(key, scope: scope)
    }

    /// Forgets what can no longer be served, even stale.
    func purge(before date: Date) {
        _ = try? cache.purge(expiredBefore: date)
    }
}

extension AgentPersistence: Redacting {
    public var redactedDescription: String { "path: \(cache.path), scope: <redacted>" }
}

extension AgentAnswer {
    /// The content type of a key's answers: the AWS routes' and a JSON reference answer's are JSON, a raw
    /// reference answer's is bytes.
    static func contentType(forKey key: String) -> String {
        key.hasPrefix("ref|false|") ? "application/octet-stream" : "application/json"
    }
}
