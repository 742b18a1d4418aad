import AWSSigV4
import Foundation
import NIOCore
import SesameRedaction

/// AWS Security Token Service: who am I, and temporary credentials for a role.
public struct STSClient: Sendable {
    let transport: AWSTransport
    let endpoint: AWSEndpoint
    let credentials: any AWSCredentialsProvider

    /// The identity the credentials belong to.
    public struct CallerIdentity: Sendable, Hashable {
        public var account: String
        public var arn: String
        public var userId: String
    }

    /// Temporary credentials for a role.
    public struct AssumedRole: Sendable {
        public var credentials: AWSCredentials
        public var expiration: Date
        public var assumedRoleArn: String?
    }

    /// `GetCallerIdentity`.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let text = try await call("GetCallerIdentity", [:])
        guard let arn = XMLText.first("Arn", in: text), let account = XMLText.first("Account", in: text) else {
            throw invalid("GetCallerIdentity", "the answer has no Arn or Account")
        }
        return CallerIdentity(account: account, arn: arn, userId: XMLText.first("UserId", in: text) ?? "")
    }

    /// `AssumeRole`, with an MFA device's serial number and current code when the role's policy asks for one.
    public func assumeRole(
        roleArn: String, sessionName: String, externalId: String? = nil, duration: Duration = .seconds(3600),
        mfa: (serial: String, code: String)? = nil
    ) async throws -> AssumedRole {
        var parameters = [
            "RoleArn": roleArn, "RoleSessionName": sessionName, "DurationSeconds": String(duration.components.seconds),
        ]
        if let externalId { parameters["ExternalId"] = externalId }
        if let mfa {
            parameters["SerialNumber"] = mfa.serial
            parameters["TokenCode"] = mfa.code
        }
        // An MFA code is good once: a request that may have reached STS is not sent again with it.
        return try assumed("AssumeRole", try await call("AssumeRole", parameters, idempotent: mfa == nil))
    }

    /// `AssumeRoleWithWebIdentity`: an OIDC token (EKS service account, GitHub Actions, ...) exchanged for the
    /// role's credentials. The request is not signed: the token is the credential.
    public func assumeRoleWithWebIdentity(
        roleArn: String, sessionName: String, webIdentityToken: String, duration: Duration? = nil
    ) async throws -> AssumedRole {
        var parameters = ["RoleArn": roleArn, "RoleSessionName": sessionName, "WebIdentityToken": webIdentityToken]
        if let duration { parameters["DurationSeconds"] = String(duration.components.seconds) }
        return try assumed("AssumeRoleWithWebIdentity", try await call("AssumeRoleWithWebIdentity", parameters, signed: false))
    }

    private func assumed(_ operation: String, _ text: String) throws -> AssumedRole {
        guard let keyId = XMLText.first("AccessKeyId", in: text), let secret = XMLText.first("SecretAccessKey", in: text),
            let expirationText = XMLText.first("Expiration", in: text), let expiration = Self.parseDate(expirationText)
        else {
            throw invalid(operation, "the answer lacks AccessKeyId, SecretAccessKey or a readable Expiration")
        }
        return AssumedRole(
            credentials: AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: XMLText.first("SessionToken", in: text)),
            expiration: expiration, assumedRoleArn: XMLText.first("Arn", in: text)
        )
    }

    private func call(_ action: String, _ parameters: [String: String], signed: Bool = true, idempotent: Bool = true) async throws -> String {
        var form = [("Action", action), ("Version", "2011-06-15")]
        form += parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let body = form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
        let request = AWSRequest(operation: action, wireProtocol: .query(version: "2011-06-15"), body: Array(body.utf8), idempotent: idempotent, signed: signed)
        let response = try await transport.send(request, to: endpoint, credentials: credentials)
        return String(buffer: response.body)
    }

    private func invalid(_ operation: String, _ message: String) -> AWSError {
        AWSError(code: .invalidResponse, message: message, service: "sts", operation: operation)
    }

    static func parseDate(_ text: String) -> Date? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text)
    }
}

/// `application/x-www-form-urlencoded` as AWS wants it: everything but unreserved characters percent-encoded.
enum FormEncoding {
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension STSClient: Redacting {
    public var redactedDescription: String { "endpoint: \(endpoint.url), credentials: <redacted>" }
}

extension STSClient.AssumedRole: Redacting {
    public var redactedDescription: String { "role: \(assumedRoleArn ?? "?"), credentials: \(credentials), expiration: \(expiration)" }
}
