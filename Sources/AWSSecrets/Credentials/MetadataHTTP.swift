import AsyncHTTPClient
import AWSSigV4
import Foundation
import SesameRedaction
import NIOCore
import NIOHTTP1
import SesameHTTP

/// Plain requests to the link-local and loopback credential endpoints (instance metadata, container credentials):
/// a pool of their own with a 1-second connect timeout (a laptop that is not on EC2 does not hang), never through a
/// proxy, never following a redirect (the token must not go elsewhere), answers of 64 KiB at most.
enum MetadataHTTP {
    struct Response: Sendable {
        var status: Int
        var body: String
    }

    /// One pool for the process (never shut down: it lives as long as the process).
    static let client = HTTPClientFactory.make(connectTimeout: .seconds(1), readTimeout: .seconds(5), maximumConnections: 2)

    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], timeout: Duration = .seconds(5)
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "sesame/1 (Swift)")
        let started = ContinuousClock.now
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        let body = try await ResponseBodyReader.collect(response.body, upTo: 64 * 1024, before: started + timeout)
        return Response(status: Int(response.status.code), body: String(buffer: body))
    }

    /// The same, blocking the calling thread (for the region, which `AWSSession.init` needs before it returns).
    static func sendBlocking(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], timeout: Duration = .seconds(2)) throws
        -> Response
    {
        var request = try HTTPClient.Request(url: url, method: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try client.execute(request: request, deadline: .now() + TimeAmount(timeout)).wait()
        let body = response.body.map { String(buffer: $0) } ?? ""
        guard body.utf8.count <= 64 * 1024 else { throw AWSError(code: .invalidResponse, message: "the metadata answer is too large") }
        return Response(status: Int(response.status.code), body: body)
    }
}

extension AWSError {
    /// This error, said as a step of the credential chain: which step, what it used, what to set.
    static func credentialStep(_ step: String, _ message: String, code: Code = .noCredentials, hint: String? = nil) -> AWSError {
        AWSError(code: code, message: "AWS credentials from \(step): \(message)" + (hint.map { "; \($0)" } ?? ""))
    }

    /// An error from a step's own request (STS, the SSO portal), said as that step's.
    func inCredentialStep(_ step: String, hint: String? = nil) -> AWSError {
        var copy = self
        copy.message = "AWS credentials from \(step): " + message + (hint.map { "; \($0)" } ?? "")
        return copy
    }
}

/// The JSON that container endpoints, instance metadata and `credential_process` answer with.
struct CredentialDocument: Decodable {
    var accessKeyId: String?
    var secretAccessKey: String?
    var token: String?
    var sessionToken: String?
    var expiration: String?
    var code: String?
    var version: Int?

    enum CodingKeys: String, CodingKey {
        case accessKeyId = "AccessKeyId", secretAccessKey = "SecretAccessKey", token = "Token", sessionToken = "SessionToken"
        case expiration = "Expiration", code = "Code", version = "Version"
    }

    /// The credentials it holds, or an error naming `step` and what is missing (never a value).
    func fetched(step: String) throws -> RefreshingCredentialsProvider.Fetched {
        guard let accessKeyId, !accessKeyId.isEmpty, let secretAccessKey, !secretAccessKey.isEmpty else {
            throw AWSError.credentialStep(step, "the answer has no AccessKeyId or SecretAccessKey", code: .invalidResponse)
        }
        var expirationDate: Date?
        if let expiration {
            guard let date = STSClient.parseDate(expiration) else {
                throw AWSError.credentialStep(step, "the answer's Expiration is not an ISO 8601 time", code: .invalidResponse)
            }
            expirationDate = date
        }
        return .init(
            credentials: AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: token ?? sessionToken),
            expiration: expirationDate
        )
    }

    static func decode(_ text: String, step: String) throws -> CredentialDocument {
        do {
            return try JSONDecoder().decode(CredentialDocument.self, from: Data(text.utf8))
        } catch {
            throw AWSError.credentialStep(step, "the answer is not the credentials JSON expected", code: .invalidResponse)
        }
    }
}

extension CredentialDocument: Redacting {
    var redactedDescription: String { "accessKeyId: \(accessKeyId ?? "none"), secretAccessKey: <redacted>, token: <redacted>" }
}
