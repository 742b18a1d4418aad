import AWSSecrets
import Foundation
import SesameCore

/// Where the agent's answers come from: Secrets Manager, Parameter Store, and any Sesame reference. Closures, so the
/// command line wires its providers (profiles, the credential chain) and tests their own.
package struct AgentBackends: Sendable {
    /// `GetSecretValue` (id, version id, version stage).
    package var secretValue: @Sendable (String, String?, String?) async throws -> SecretsManagerClient.SecretValue
    /// `GetParameter` (name with an optional `:version` or `:label`, decryption).
    package var parameter: @Sendable (String, Bool) async throws -> SSMClient.Parameter
    /// A reference's value; `true` to read past any cache.
    package var reference: @Sendable (SecretReference, Bool) async throws -> SecretValue
    /// The cache scope the agent reads a scheme with (`CacheScope`), to decline a client that would read as another
    /// server or account; nil when the scheme has no provider.
    package var scope: @Sendable (String) -> String?
    /// Renews what the named providers sign in with (`secretsmanager`, `parameterstore` for the AWS routes; `tss`,
    /// `aws-sm`, `aws-ps` for references): each one kept, with its error if that failed.
    package var keepAlive: @Sendable (Set<String>) async -> [(provider: String, error: (any Error)?)]

    package init(
        secretValue: @escaping @Sendable (String, String?, String?) async throws -> SecretsManagerClient.SecretValue,
        parameter: @escaping @Sendable (String, Bool) async throws -> SSMClient.Parameter,
        reference: @escaping @Sendable (SecretReference, Bool) async throws -> SecretValue,
        keepAlive: @escaping @Sendable (Set<String>) async -> [(provider: String, error: (any Error)?)] = { _ in [] },
        scope: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.scope = scope
        self.secretValue = secretValue
        self.parameter = parameter
        self.reference = reference
        self.keepAlive = keepAlive
    }
}
