import AWSSecrets
import Foundation
// The core (references, values, providers' protocol, caches) is part of what `import Sesame` brings.
@_exported import SesameCore
import Logging
import SecretServer
import Synchronization
import SesameRedaction

/// The simple API, on one shared store:
///
/// ```swift
/// let password = try await Sesame.text("aws-ps:///prod/db/password")
/// let user = try await Sesame.text("aws-sm://prod/db#user.name")
/// let exists = try await Sesame.exists("tss://12/password")
/// ```
///
/// Unless you call `configure`, the store is made on first use from the environment: `env://` always;
/// `aws-sm://` and `aws-ps://` from the AWS environment and shared files; `tss://` from `SESAME_URL` with
/// `SESAME_TOKEN`, or `SESAME_USERNAME` / `SESAME_PASSWORD` (and `SESAME_DOMAIN`). AWS and Secret Server values
/// are cached in memory (1000 entries, 15 minutes, cache-then-server).
public enum Sesame {
    private static let shared = Mutex<SecretStore?>(nil)

    /// Replaces the shared store.
    public static func configure(_ store: SecretStore) {
        shared.withLock { $0 = store }
    }

    /// The shared store.
    public static var store: SecretStore {
        shared.withLock { shared in
            if let shared { return shared }
            let store = SecretStore.fromEnvironment()
            shared = store
            return store
        }
    }

    public static func get(_ reference: String) async throws -> SecretValue { try await store.get(reference) }
    public static func text(_ reference: String) async throws -> String { try await store.text(reference) }
    public static func list(_ reference: String) async throws -> [SecretReference] { try await store.list(reference) }
    public static func exists(_ reference: String) async throws -> Bool { try await store.exists(reference) }
    public static func update(_ reference: String, to text: String) async throws { try await store.update(reference, to: text) }
    public static func update(_ reference: String, to value: SecretValue.Content) async throws {
        try await store.update(reference, to: value)
    }
}

extension SecretStore {
    /// A store made from `environment`: see `Sesame`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, cache: CacheConfiguration = CacheConfiguration()
    ) -> SecretStore {
        standard(
            environment: environment, cache: cache,
            secretServerScope: { CacheScope.secretServer(try secretServerConfiguration(environment)) },
            secretServer: { try secretServerConfiguration(environment) }
        )
    }

    /// Every provider, made when first used, each behind a caching provider (the environment's excepted):
    /// AWS from `environment` (one session for both services), Secret Server from `secretServer()`, which is
    /// called only when a `tss://` reference is read (it may prompt for a password).
    /// - Parameter secretServerAccess: what reads of restricted secrets send (comment, ticket, check-out, DoubleLock).
    /// - Parameter secretServerScope: the Secret Server's cache scope (`CacheScope.secretServer`: its URL and who
    ///   signs in), worked out without signing in, so a cached value is found without a password prompt and never
    ///   answers for another server or account.
    public static func standard(
        environment: [String: String], cache: CacheConfiguration, environmentProvider: EnvironmentProvider = EnvironmentProvider(),
        secretServerScope: @escaping @Sendable () throws -> String,
        secretServer: @escaping @Sendable () throws -> SecretServerClient.Configuration,
        secretServerAccess: SecretAccess = SecretAccess()
    ) -> SecretStore {
        let aws = LazyAWSSession(environment: environment)
        return SecretStore(providers: [
            environmentProvider,
            CachingProvider(DeferredProvider(scheme: "aws-ps") { try ParameterStoreProvider(session: try aws.session()) }, configuration: cache),
            CachingProvider(DeferredProvider(scheme: "aws-sm") { try SecretsManagerProvider(session: try aws.session()) }, configuration: cache),
            CachingProvider(DeferredProvider(scheme: "tss", cacheScope: secretServerScope) {
                SecretServerProvider(client: try SecretServerClient(configuration: try secretServer()), access: secretServerAccess)
            }, configuration: cache),
        ])
    }

    /// A Secret Server client configuration from `SESAME_URL` and `SESAME_TOKEN` or `SESAME_USERNAME`/`SESAME_PASSWORD`.
    static func secretServerConfiguration(_ environment: [String: String]) throws -> SecretServerClient.Configuration {
        guard let url = environment["SESAME_URL"], !url.isEmpty else {
            throw SesameError(code: .invalidConfiguration, message: "SESAME_URL is not set; set it to the Secret Server's URL for tss:// references")
        }
        let credentials: SecretServerClient.Credentials
        if let token = environment["SESAME_TOKEN"], !token.isEmpty {
            credentials = .token(token)
        } else if let username = environment["SESAME_USERNAME"], let password = environment["SESAME_PASSWORD"] {
            credentials = .password(username: username, password: password, domain: environment["SESAME_DOMAIN"])
        } else {
            throw SesameError(
                code: .invalidConfiguration, message: "set SESAME_TOKEN, or SESAME_USERNAME and SESAME_PASSWORD, for tss:// references"
            )
        }
        return SecretServerClient.Configuration(baseURL: url, credentials: credentials)
    }
}

/// One AWS session for the process, made on first use.
final class LazyAWSSession: Sendable {
    private let environment: [String: String]
    private let state = Mutex<Result<AWSSession, any Error>?>(nil)

    init(environment: [String: String]) {
        self.environment = environment
    }

    func session() throws -> AWSSession {
        try state.withLock { state in
            if let state { return try state.get() }
            let result = Result { try AWSSession(configuration: AWSConfiguration(environment: environment)) }
            state = result
            return try result.get()
        }
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
            return scheme + " (not configured)"
        }
        scope.withLock { $0 = resolved }
        return resolved
    }

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
    var redactedDescription: String { "environment: <redacted>" }
}
