import AWSSecrets
import Foundation
import SesameCore

/// `aws-sm://prod/db`: AWS Secrets Manager, the current version or the one named by `?version-id=` or
/// `?version-stage=`.
public struct SecretsManagerProvider: SecretProvider {
    public let scheme = "aws-sm"
    public let cacheScope: String
    let client: SecretsManagerClient

    public init(session: AWSSession) throws {
        client = try session.secretsManager()
        cacheScope = CacheScope.aws(scheme: "aws-sm", endpointURL: client.endpointURL, region: session.region, principal: session.principal)
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue {
        try await ProviderErrors.mapping(reference) {
            let secret = try await client.getSecretValue(
                reference.path, versionId: reference.options["version-id"], versionStage: reference.options["version-stage"]
            )
            let metadata = SecretValue.Metadata(source: .provider, fetchedAt: Date(), version: secret.versionId)
            if let text = secret.secretString { return SecretValue(text: text, metadata: metadata) }
            if let bytes = secret.secretBinary { return SecretValue(bytes: bytes, metadata: metadata) }
            throw SesameError(code: .invalidValue, message: "the secret version has neither a string nor a binary value", reference: reference)
        }
    }

    /// Renews the credentials when they are due (temporary ones from a role, SSO, the instance).
    public func keepAlive() async throws -> Bool {
        _ = try await client.credentialsProvider.credentials()
        return true
    }

    /// Secrets whose names continue the path after a `/` (`prod` lists `prod/db`, never `production`).
    public func list(under reference: SecretReference) async throws -> [SecretReference] {
        try await ProviderErrors.mapping(reference) {
            let prefix = reference.path.hasSuffix("/") ? reference.path : reference.path + "/"
            // ListSecrets' name filter is a loose prefix match; keep only true children.
            return try await client.listSecrets(namePrefix: prefix).map(\.name).filter { $0.hasPrefix(prefix) }.sorted()
                .map { SecretReference(scheme: "aws-sm", segments: $0.split(separator: "/").map(String.init)) }
        }
    }

    /// Exactly this secret (DescribeSecret by name, not a filter).
    public func exists(_ reference: SecretReference) async throws -> Bool {
        do {
            let metadata = try await client.describeSecret(reference.path)
            return metadata.deletedDate == nil
        } catch let error as AWSError where error.code == .notFound {
            return false
        } catch {
            throw ProviderErrors.map(error, reference: reference)
        }
    }

    /// A new current version, or a new secret when there is none.
    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        let awsValue: SecretsManagerClient.Value
        switch value {
        case .text(let text): awsValue = .string(text)
        case .bytes(let bytes): awsValue = .binary(bytes)
        }
        try await ProviderErrors.mapping(reference) {
            do {
                try await client.putSecretValue(reference.path, value: awsValue)
            } catch let error as AWSError where error.code == .notFound {
                try await client.createSecret(reference.path, value: awsValue)
            }
        }
    }
}
