import AWSSigV4
import Foundation
import SesameRedaction
import NIOCore
import NIOHTTP1
import SesameHTTP

/// Plain requests to the link-local and loopback credential endpoints (instance metadata, container credentials):
/// a 1-second connect timeout (a laptop that is not on EC2 does not hang), never through a proxy, never following a
/// redirect (the token must not go elsewhere), answers of 64 KiB at most. Through SesameHTTP, as every other
/// request: failures are what `ExchangeFailure` classifies.
enum MetadataHTTP {
    struct Response: Sendable {
        var status: Int
        var body: String
    }

    /// The largest answer read.
    static let maximumSize = 64 * 1024

    /// One pool for the process, made at the first request (never shut down: it lives as long as the process).
    static let owner = HTTPClientFactory.owner(
        connectTimeout: .seconds(1), readTimeout: .seconds(5), maximumConnections: 2, proxies: .none)

    /// One connection per request on the calling thread, with no event loop, for `sendBlocking`.
    static let blocking = BlockingHTTPClient(connectTimeout: .seconds(1))

    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], timeout: Duration = .seconds(5)
    ) async throws -> Response {
        let response = try await owner.execute(request(method, url, headers), timeout: timeout, maximumSize: maximumSize)
        return Response(status: response.status, body: String(buffer: response.body))
    }

    /// The same, blocking the calling thread (for the region, which `AWSSession.init` needs before it returns): no
    /// event loop is started for it.
    static func sendBlocking(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], timeout: Duration = .seconds(2)) throws
        -> Response
    {
        let response = try blocking.execute(request(method, url, headers), timeout: timeout, maximumSize: maximumSize)
        return Response(status: response.status, body: String(buffer: response.body))
    }

    private static func request(_ method: HTTPMethod, _ url: String, _ headers: [(String, String)]) -> OutgoingRequest {
        var request = OutgoingRequest(url: url, method: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "sesame/1 (Swift)")
        return request
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
