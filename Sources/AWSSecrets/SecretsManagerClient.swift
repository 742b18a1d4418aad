import Foundation
import SesameRedaction

/// AWS Secrets Manager: the operations a secrets tool needs.
public struct SecretsManagerClient: AWSJSONService {
    let transport: AWSTransport
    let endpoint: AWSEndpoint
    let credentials: any AWSCredentialsProvider
    /// Where the client's credentials come from (ask it to renew them ahead of a request).
    public var credentialsProvider: any AWSCredentialsProvider { credentials }
    static let targetPrefix = "secretsmanager"

    /// Where requests go (the regional endpoint or an override).
    public var endpointURL: String { endpoint.url }

    /// A secret's value: text (`SecretString`) or bytes (`SecretBinary`). Never shown by `description` or `dump()`.
    public struct SecretValue: Sendable, Hashable, Decodable, CustomStringConvertible, CustomReflectable {
        public var arn: String?
        public var name: String
        public var versionId: String?
        public var versionStages: [String]
        public var createdDate: Date?
        public var secretString: String?
        public var secretBinary: [UInt8]?

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", versionId = "VersionId", versionStages = "VersionStages"
            case createdDate = "CreatedDate", secretString = "SecretString", secretBinary = "SecretBinary"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            arn = try c.decodeIfPresent(String.self, forKey: .arn)
            name = try c.decode(String.self, forKey: .name)
            versionId = try c.decodeIfPresent(String.self, forKey: .versionId)
            versionStages = try c.decodeIfPresent([String].self, forKey: .versionStages) ?? []
            createdDate = try c.decodeIfPresent(Date.self, forKey: .createdDate)
            secretString = try c.decodeIfPresent(String.self, forKey: .secretString)
            if let base64 = try c.decodeIfPresent(String.self, forKey: .secretBinary) {
                guard let bytes = Data(base64Encoded: base64) else {
                    throw DecodingError.dataCorruptedError(forKey: .secretBinary, in: c, debugDescription: "not base64")
                }
                secretBinary = Array(bytes)
            }
        }

        public var description: String {
            "SecretValue(name: \(name), versionId: \(versionId ?? "-"), stages: \(versionStages), value: <redacted>)"
        }
        public var customMirror: Mirror { Mirror(self, children: ["secret": description]) }
    }

    /// What `DescribeSecret` and `ListSecrets` say about a secret (never its value).
    public struct SecretMetadata: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String
        public var description: String?
        public var lastChangedDate: Date?
        public var versionIdsToStages: [String: [String]]?
        public var deletedDate: Date?

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", description = "Description", lastChangedDate = "LastChangedDate"
            case versionIdsToStages = "VersionIdsToStages", deletedDate = "DeletedDate"
        }
    }

    /// What a write returns.
    public struct WriteResult: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        public var versionId: String?

        enum CodingKeys: String, CodingKey { case arn = "ARN", name = "Name", versionId = "VersionId" }
    }

    /// The value to write.
    public enum Value: Sendable {
        case string(String)
        case binary([UInt8])
    }

    /// `GetSecretValue`, for the current version, or the one with `versionId` or `versionStage` (`AWSPREVIOUS`).
    public func getSecretValue(_ secretId: String, versionId: String? = nil, versionStage: String? = nil) async throws -> SecretValue {
        struct Input: Encodable {
            let SecretId: String
            let VersionId: String?
            let VersionStage: String?
        }
        return try await call(
            "GetSecretValue", Input(SecretId: secretId, VersionId: versionId, VersionStage: versionStage), SecretValue.self,
            idempotent: true
        )
    }

    /// `DescribeSecret`.
    public func describeSecret(_ secretId: String) async throws -> SecretMetadata {
        struct Input: Encodable { let SecretId: String }
        return try await call("DescribeSecret", Input(SecretId: secretId), SecretMetadata.self, idempotent: true)
    }

    /// `ListSecrets`, following `NextToken`: every secret, or those whose name begins with `namePrefix`.
    public func listSecrets(namePrefix: String? = nil) async throws -> [SecretMetadata] {
        struct Filter: Encodable {
            let Key: String
            let Values: [String]
        }
        struct Input: Encodable {
            let MaxResults: Int
            let NextToken: String?
            let Filters: [Filter]?
        }
        struct Output: Decodable {
            let SecretList: [SecretsManagerClient.SecretMetadata]?
            let NextToken: String?
        }
        var result: [SecretMetadata] = []
        var token: String?
        let filters = namePrefix.map { [Filter(Key: "name", Values: [$0])] }
        repeat {
            let output = try await call(
                "ListSecrets", Input(MaxResults: 100, NextToken: token, Filters: filters), Output.self, idempotent: true
            )
            result += output.SecretList ?? []
            token = output.NextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return result
    }

    /// `CreateSecret`. A client request token makes retries safe: AWS creates the secret once.
    @discardableResult
    public func createSecret(_ name: String, value: Value, description: String? = nil, kmsKeyId: String? = nil) async throws -> WriteResult {
        struct Input: Encodable {
            let Name: String
            let SecretString: String?
            let SecretBinary: String?
            let Description: String?
            let KmsKeyId: String?
            let ClientRequestToken: String
        }
        let (string, binary) = Self.split(value)
        return try await call(
            "CreateSecret",
            Input(
                Name: name, SecretString: string, SecretBinary: binary, Description: description, KmsKeyId: kmsKeyId,
                ClientRequestToken: UUID().uuidString
            ),
            WriteResult.self, idempotent: true
        )
    }

    /// `PutSecretValue`: a new version, staged `AWSCURRENT`. Safe to retry (one client request token).
    @discardableResult
    public func putSecretValue(_ secretId: String, value: Value) async throws -> WriteResult {
        struct Input: Encodable {
            let SecretId: String
            let SecretString: String?
            let SecretBinary: String?
            let ClientRequestToken: String
        }
        let (string, binary) = Self.split(value)
        return try await call(
            "PutSecretValue",
            Input(SecretId: secretId, SecretString: string, SecretBinary: binary, ClientRequestToken: UUID().uuidString),
            WriteResult.self, idempotent: true
        )
    }

    /// `UpdateSecret`: a new value and/or description.
    @discardableResult
    public func updateSecret(_ secretId: String, value: Value? = nil, description: String? = nil) async throws -> WriteResult {
        struct Input: Encodable {
            let SecretId: String
            let SecretString: String?
            let SecretBinary: String?
            let Description: String?
            let ClientRequestToken: String?
        }
        let (string, binary) = value.map(Self.split) ?? (nil, nil)
        return try await call(
            "UpdateSecret",
            Input(
                SecretId: secretId, SecretString: string, SecretBinary: binary, Description: description,
                ClientRequestToken: value == nil ? nil : UUID().uuidString
            ),
            WriteResult.self, idempotent: value != nil
        )
    }

    private static func split(_ value: Value) -> (String?, String?) {
        switch value {
        case .string(let text): return (text, nil)
        case .binary(let bytes): return (nil, Data(bytes).base64EncodedString())
        }
    }
}

extension SecretsManagerClient: Redacting {
    public var redactedDescription: String { "endpoint: \(endpoint.url), credentials: <redacted>" }
}
