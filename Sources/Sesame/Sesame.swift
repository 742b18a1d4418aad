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
