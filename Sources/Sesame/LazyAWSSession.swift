import AWSSecrets
import Foundation
import Logging
import SecretServer
import SesameCore
import SesameHTTP
import SesameRedaction
import Synchronization

/// One AWS session for the process, made on first use (so a store or agent used for Secret Server alone needs no
/// AWS setup).
public final class LazyAWSSession: Sendable {
    private let once: Once<AWSSession>

    /// - Parameter engine: how the session's clients reach AWS (`HTTPEngine`).
    public init(
        environment: [String: String], proxy: @escaping @Sendable () throws -> ProxyConfiguration? = { nil }, engine: HTTPEngine = .pooled
    ) {
        once = Once {
            var configuration = AWSConfiguration(environment: environment, proxy: try proxy())
            configuration.engine = engine
            return try AWSSession(configuration: configuration)
        }
    }

    /// The session, made now if it was not yet (its configuration error, if any, every time after).
    public func session() throws -> AWSSession { try once.value() }

    /// The session if it was made (and made well), without making it.
    public var madeSession: AWSSession? { once.made }

    /// Closes the session's connections, if it was made.
    public func shutdown() async throws {
        if let made = once.made { try await made.shutdown() }
    }
}

/// A provider made the first time it is needed, so an unconfigured store costs nothing until used, and its
/// configuration error is reported for the references that need it.
public final class DeferredProvider: SecretProvider {
    public let scheme: String
    private let resolveScope: (@Sendable () throws -> String)?
    private let scope = Mutex<String?>(nil)
    private let make: @Sendable () throws -> any SecretProvider
    private let made = Mutex<(any SecretProvider)?>(nil)

    /// - Parameter cacheScope: works out the scope without making the provider (which may prompt for a password);
    ///   it must equal the made provider's. Without it, the scope is the made provider's.
    public init(
        scheme: String, cacheScope: (@Sendable () throws -> String)? = nil, make: @escaping @Sendable () throws -> any SecretProvider
    ) {
        self.scheme = scheme
        self.resolveScope = cacheScope
        self.make = make
    }

    /// The scope of the provider, worked out once. When it cannot be (the provider is not configured), a scope of
    /// its own that no configured store shares, so nothing cached elsewhere can answer.
    public var cacheScope: String {
        if let known = scope.withLock({ $0 }) { return known }
        let resolved: String
        do {
            if let resolveScope {
                resolved = try resolveScope()
            } else {
                resolved = try provider(nil).cacheScope
            }
        } catch {
            return Self.unconfiguredScope(scheme)
        }
        scope.withLock { $0 = resolved }
        return resolved
    }

    /// The scope of a provider that is not configured: its own, shared with no configured store.
    public static func unconfiguredScope(_ scheme: String) -> String { scheme + " (not configured)" }

    private func provider(_ reference: SecretReference?) throws -> any SecretProvider {
        try made.withLock { made in
            if let made { return made }
            do {
                let provider = try make()
                made = provider
                return provider
            } catch {
                guard let reference else { throw error }
                throw ProviderErrors.map(error, reference: reference)
            }
        }
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue { try await provider(reference).get(reference) }
    /// Keeps the provider alive once it is made: one not used yet has nothing to keep (and is not made for it, so a
    /// store never signs in, prompts or probes for credentials on its own).
    public func keepAlive() async throws -> Bool {
        guard let provider = made.withLock({ $0 }) else { return false }
        return try await provider.keepAlive()
    }
    public func list(under reference: SecretReference) async throws -> [SecretReference] {
        try await provider(reference).list(under: reference)
    }
    public func entries(under reference: SecretReference, recursive: Bool) async throws -> [SecretEntry] {
        try await provider(reference).entries(under: reference, recursive: recursive)
    }
    public func exists(_ reference: SecretReference) async throws -> Bool { try await provider(reference).exists(reference) }
    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        try await provider(reference).update(reference, to: value)
    }
}

extension LazyAWSSession: Redacting {
    public var redactedDescription: String { "environment: <redacted>" }
}
