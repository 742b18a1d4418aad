import AWSSecrets
import Foundation
import SesameCore

/// Where the agent's answers come from: Secrets Manager, Parameter Store, and any Sesame reference. Closures, so the
/// command line wires its providers (profiles, the credential chain) and tests their own.
public struct AgentBackends: Sendable {
    /// `GetSecretValue` (id, version id, version stage).
    public var secretValue: @Sendable (String, String?, String?) async throws -> SecretsManagerClient.SecretValue
    /// `GetParameter` (name with an optional `:version` or `:label`, decryption).
    public var parameter: @Sendable (String, Bool) async throws -> SSMClient.Parameter
    /// A reference's value; `true` to read past any cache.
    public var reference: @Sendable (SecretReference, Bool) async throws -> SecretValue
    /// Renews what the providers used so far sign in with: each one kept, by name, with why it failed (nil: kept).
    public var keepAlive: @Sendable () async -> [(provider: String, failure: String?)]

    public init(
        secretValue: @escaping @Sendable (String, String?, String?) async throws -> SecretsManagerClient.SecretValue,
        parameter: @escaping @Sendable (String, Bool) async throws -> SSMClient.Parameter,
        reference: @escaping @Sendable (SecretReference, Bool) async throws -> SecretValue,
        keepAlive: @escaping @Sendable () async -> [(provider: String, failure: String?)] = { [] }
    ) {
        self.secretValue = secretValue
        self.parameter = parameter
        self.reference = reference
        self.keepAlive = keepAlive
    }
}
