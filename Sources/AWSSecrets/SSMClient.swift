import Foundation
import SesameRedaction

/// AWS Systems Manager Parameter Store: the operations a secrets tool needs.
public struct SSMClient: AWSJSONService {
    let transport: AWSTransport
    let endpoint: AWSEndpoint
    let credentials: any AWSCredentialsProvider
    /// Where the client's credentials come from (ask it to renew them ahead of a request).
    public var credentialsProvider: any AWSCredentialsProvider { credentials }
    static let targetPrefix = "AmazonSSM"

    /// Where requests go (the regional endpoint or an override).
    public var endpointURL: String { endpoint.url }

    /// A parameter and its value. `description` and `dump()` never show the value.
    public struct Parameter: Sendable, Decodable, Hashable, CustomStringConvertible, CustomReflectable {
        public var name: String
        /// `String`, `StringList` or `SecureString`.
        public var type: String
        public var value: String
        public var version: Int
        public var lastModifiedDate: Date?
        public var arn: String?
        public var dataType: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name", type = "Type", value = "Value", version = "Version"
            case lastModifiedDate = "LastModifiedDate", arn = "ARN", dataType = "DataType"
        }

        public var description: String { "Parameter(name: \(name), type: \(type), version: \(version), value: <redacted>)" }
        public var customMirror: Mirror { Mirror(self, children: ["parameter": description]) }
    }

    /// What `DescribeParameters` says about a parameter (never its value).
    public struct ParameterMetadata: Sendable, Decodable, Hashable {
        public var name: String
        public var type: String
        public var version: Int?
        public var lastModifiedDate: Date?
        public var description: String?
        /// The KMS key of a `SecureString` (absent: AWS's default key for SSM).
        public var keyId: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name", type = "Type", version = "Version", lastModifiedDate = "LastModifiedDate"
            case description = "Description", keyId = "KeyId"
        }
    }

    /// The type of a parameter written with `putParameter`.
    public enum ParameterType: String, Sendable {
        case string = "String"
        case stringList = "StringList"
        case secureString = "SecureString"
    }

    /// `GetParameter`.
    public func getParameter(_ name: String, withDecryption: Bool = true) async throws -> Parameter {
        struct Input: Encodable {
            let Name: String
            let WithDecryption: Bool
        }
        struct Output: Decodable { let Parameter: SSMClient.Parameter }
        return try await call("GetParameter", Input(Name: name, WithDecryption: withDecryption), Output.self, idempotent: true).Parameter
    }

    /// `GetParameters`, ten names per request as AWS allows. Returns the parameters found and the names
    /// that were not.
    public func getParameters(_ names: [String], withDecryption: Bool = true) async throws -> (parameters: [Parameter], invalid: [String]) {
        struct Input: Encodable {
            let Names: [String]
            let WithDecryption: Bool
        }
        struct Output: Decodable {
            let Parameters: [SSMClient.Parameter]?
            let InvalidParameters: [String]?
        }
        var found: [Parameter] = []
        var invalid: [String] = []
        var start = 0
        while start < names.count {
            let batch = Array(names[start..<min(start + 10, names.count)])
            let output = try await call("GetParameters", Input(Names: batch, WithDecryption: withDecryption), Output.self, idempotent: true)
            found += output.Parameters ?? []
            invalid += output.InvalidParameters ?? []
            start += 10
        }
        return (found, invalid)
    }

    /// `GetParametersByPath`, following `NextToken` to the end: every parameter under `path` (and below it
    /// when `recursive`).
    public func getParametersByPath(_ path: String, recursive: Bool = true, withDecryption: Bool = true) async throws -> [Parameter] {
        struct Input: Encodable {
            let Path: String
            let Recursive: Bool
            let WithDecryption: Bool
            let MaxResults: Int
            let NextToken: String?
        }
        struct Output: Decodable {
            let Parameters: [SSMClient.Parameter]?
            let NextToken: String?
        }
        var result: [Parameter] = []
        var token: String?
        repeat {
            let output = try await call(
                "GetParametersByPath",
                Input(Path: path, Recursive: recursive, WithDecryption: withDecryption, MaxResults: 10, NextToken: token),
                Output.self, idempotent: true
            )
            result += output.Parameters ?? []
            token = output.NextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return result
    }

    /// `PutParameter`. Returns the new version. Without `overwrite`, an existing parameter is an
    /// `.alreadyExists` error.
    @discardableResult
    public func putParameter(
        _ name: String, value: String, type: ParameterType = .secureString, overwrite: Bool = false,
        description: String? = nil, keyId: String? = nil
    ) async throws -> Int {
        struct Input: Encodable {
            let Name: String
            let Value: String
            let `Type`: String
            let Overwrite: Bool
            let Description: String?
            let KeyId: String?
        }
        struct Output: Decodable { let Version: Int }
        // Not idempotent: a retry after an ambiguous failure could fail with "already exists" or bump the version.
        return try await call(
            "PutParameter",
            Input(Name: name, Value: value, Type: type.rawValue, Overwrite: overwrite, Description: description, KeyId: keyId),
            Output.self, idempotent: overwrite
        ).Version
    }

    /// `DescribeParameters`, following `NextToken`: parameters whose name equals `name`, or begins with
    /// `namePrefix`, or all.
    public func describeParameters(name: String? = nil, namePrefix: String? = nil) async throws -> [ParameterMetadata] {
        struct Filter: Encodable {
            let Key: String
            let Option: String
            let Values: [String]
        }
        struct Input: Encodable {
            let ParameterFilters: [Filter]?
            let MaxResults: Int
            let NextToken: String?
        }
        struct Output: Decodable {
            let Parameters: [SSMClient.ParameterMetadata]?
            let NextToken: String?
        }
        var filters: [Filter] = []
        if let name { filters.append(Filter(Key: "Name", Option: "Equals", Values: [name])) }
        if let namePrefix { filters.append(Filter(Key: "Name", Option: "BeginsWith", Values: [namePrefix])) }
        var result: [ParameterMetadata] = []
        var token: String?
        repeat {
            let output = try await call(
                "DescribeParameters", Input(ParameterFilters: filters.isEmpty ? nil : filters, MaxResults: 50, NextToken: token),
                Output.self, idempotent: true
            )
            result += output.Parameters ?? []
            token = output.NextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return result
    }
}

extension SSMClient: Redacting {
    public var redactedDescription: String { "endpoint: \(endpoint.url), credentials: <redacted>" }
}
