import AWSSecrets
import Foundation
import SesameCore

/// `aws-ps:///prod/db/password`: SSM Parameter Store, always decrypted.
public struct ParameterStoreProvider: SecretProvider {
    public let scheme = "aws-ps"
    public let cacheScope: String
    let ssm: SSMClient

    public init(session: AWSSession) throws {
        ssm = try session.ssm()
        cacheScope = CacheScope.aws(scheme: "aws-ps", endpointURL: ssm.endpointURL, region: session.region, principal: session.principal)
    }

    /// Renews the credentials when they are due (temporary ones from a role, SSO, the instance).
    public func keepAlive() async throws -> Bool {
        _ = try await ssm.credentialsProvider.credentials()
        return true
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue {
        try await ProviderErrors.mapping(reference) {
            let parameter = try await ssm.getParameter(reference.path, withDecryption: true)
            return SecretValue(
                text: parameter.value,
                metadata: .init(source: .provider, fetchedAt: Date(), version: String(parameter.version))
            )
        }
    }

    /// Every parameter below the path, recursively (`/app` lists `/app/x` and `/app/y/z`, never `/application`).
    public func list(under reference: SecretReference) async throws -> [SecretReference] {
        try await ProviderErrors.mapping(reference) {
            // GetParametersByPath is hierarchical, so `/app` never matches `/application`.
            let parameters = try await ssm.getParametersByPath(reference.path, recursive: true, withDecryption: false)
            return parameters.map(\.name).sorted().map(Self.reference)
        }
    }

    /// Exactly this parameter (GetParameter, not a prefix search).
    public func exists(_ reference: SecretReference) async throws -> Bool {
        do {
            _ = try await ssm.getParameter(reference.path, withDecryption: false)
            return true
        } catch let error as AWSError where error.code == .notFound {
            return false
        } catch {
            throw ProviderErrors.map(error, reference: reference)
        }
    }

    /// Overwrites the parameter keeping its type and its KMS key (without the key, AWS would seal the new value
    /// with its default key), or creates a `SecureString`.
    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {
        guard case .text(let text) = value else {
            throw SesameError(code: .invalidValue, message: "Parameter Store holds text; give text", reference: reference)
        }
        try await ProviderErrors.mapping(reference) {
            // Overwriting a SecureString without its KeyId moves it to the account's default key: keep both.
            let type: SSMClient.ParameterType
            let keyId: String?
            do {
                let existing = try await ssm.describeParameters(name: reference.path).first { $0.name == reference.path }
                type = existing.flatMap { SSMClient.ParameterType(rawValue: $0.type) } ?? .secureString
                keyId = existing?.keyId
            } catch let error as AWSError where error.code == .accessDenied {
                // Without ssm:DescribeParameters the type still shows in GetParameter, the key does not.
                let current: SSMClient.Parameter
                do {
                    current = try await ssm.getParameter(reference.path, withDecryption: false)
                } catch let missing as AWSError where missing.code == .notFound {
                    // A new parameter: a SecureString under the account's default key, as without the check.
                    try await ssm.putParameter(reference.path, value: text, type: .secureString, overwrite: true)
                    return
                }
                guard let known = SSMClient.ParameterType(rawValue: current.type), known != .secureString else {
                    throw SesameError(
                        code: .accessDenied,
                        message:
                            "\(reference.path) is a SecureString and ssm:DescribeParameters is denied, so its KMS key cannot be read; writing would move it to the default key",
                        reference: reference
                    )
                }
                type = known
                keyId = nil
            }
            try await ssm.putParameter(reference.path, value: text, type: type, overwrite: true, keyId: type == .secureString ? keyId : nil)
        }
    }

    static func reference(_ name: String) -> SecretReference {
        let leadingSlash = name.hasPrefix("/")
        return SecretReference(scheme: "aws-ps", segments: name.split(separator: "/").map(String.init), leadingSlash: leadingSlash)
    }
}
