import AWSSigV4
import AsyncHTTPClient
import SesameHTTP
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One AWS request before signing.
struct AWSRequest: Sendable {
    enum WireProtocol: Sendable {
        /// JSON 1.1 with `X-Amz-Target: <prefix>.<operation>` (Secrets Manager, SSM).
        case json(targetPrefix: String)
        /// The query protocol: a form body with `Action` and `Version`; XML answers (STS).
        case query(version: String)
    }
    let operation: String
    let wireProtocol: WireProtocol
    let body: [UInt8]
    /// Whether the request may be sent again after a 5xx or a dropped connection (the service may have acted).
    let idempotent: Bool
}

/// One AWS answer with a 2xx status.
struct AWSResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: ByteBuffer
}

/// Signs and sends AWS requests over one connection pool, retries what may be retried with jittered
/// backoff, renews expired credentials once, and maps failures to `AWSError`.
struct AWSTransport: Sendable {
    private let owner: HTTPClientOwner
    var http: HTTPClient { owner.http }
    let configuration: AWSConfiguration
    static let maximumResponseSize = 64 << 20

    init(configuration: AWSConfiguration) {
        var http = HTTPClient.Configuration()
        http.timeout = .init(
            connect: .nanoseconds(Self.nanoseconds(configuration.timeouts.connect)),
            read: .nanoseconds(Self.nanoseconds(configuration.timeouts.request))
        )
        http.redirectConfiguration = .disallow
        http.connectionPool = .init(idleTimeout: .seconds(60))
        self.owner = HTTPClientOwner(HTTPClient(eventLoopGroupProvider: .singleton, configuration: http))
        self.configuration = configuration
    }

    func shutdown() async throws {
        try await owner.shutdown()
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Sends `request` to `endpoint` signed with `credentials`; returns a 2xx answer or throws `AWSError`.
    func send(
        _ request: AWSRequest, to endpoint: AWSEndpoint, credentials: any AWSCredentialsProvider
    ) async throws -> AWSResponse {
        var attempt = 1
        var renewedCredentials = false
        while true {
            let response: AWSResponse
            do {
                response = try await execute(request, to: endpoint, credentials: try await credentials.credentials())
            } catch let error as AWSError where error.code == .transport || error.code == .timeout {
                guard request.idempotent, attempt < configuration.maxAttempts else { throw error }
                attempt += 1
                try await backoff(attempt: attempt, request: request, endpoint: endpoint, reason: "\(error.code)")
                continue
            }
            if (200..<300).contains(response.status) { return response }
            let error = Self.error(for: response, request: request, endpoint: endpoint)
            switch error.code {
            case .expiredToken where !renewedCredentials:
                // Nothing was done with expired credentials: safe to send again with fresh ones.
                renewedCredentials = true
                await credentials.invalidate()
                configuration.logger.debug("credentials expired; renewing", metadata: ["aws.operation": "\(request.operation)"])
            case .throttling where attempt < configuration.maxAttempts:
                // A throttled request was not acted on, so even a write may go again.
                attempt += 1
                try await backoff(attempt: attempt, request: request, endpoint: endpoint, reason: error.awsCode ?? "throttled")
            case .serviceError where request.idempotent && attempt < configuration.maxAttempts:
                attempt += 1
                try await backoff(attempt: attempt, request: request, endpoint: endpoint, reason: "HTTP \(response.status)")
            default:
                throw error
            }
        }
    }

    private func backoff(attempt: Int, request: AWSRequest, endpoint: AWSEndpoint, reason: String) async throws {
        // Full jitter: a random delay up to 100 ms · 2^(attempt-2), at most 5 s.
        let ceiling = min(100_000_000 * (Int64(1) << Int64(min(attempt - 2, 10))), 5_000_000_000)
        let delay = Int64.random(in: 0...ceiling)
        configuration.logger.debug("retrying AWS request", metadata: [
            "aws.service": "\(endpoint.service)", "aws.operation": "\(request.operation)",
            "retry.attempt": "\(attempt)", "retry.reason": "\(reason)", "retry.delay_ms": "\(delay / 1_000_000)",
        ])
        try await Task.sleep(for: .nanoseconds(delay))
    }

    private func execute(_ request: AWSRequest, to endpoint: AWSEndpoint, credentials: AWSCredentials) async throws -> AWSResponse {
        var headers: [(name: String, value: String)] = [("Host", endpoint.host)]
        switch request.wireProtocol {
        case .json(let prefix):
            headers.append(("Content-Type", "application/x-amz-json-1.1"))
            headers.append(("X-Amz-Target", "\(prefix).\(request.operation)"))
        case .query:
            headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        }
        let signer = AWSSigner(credentials: credentials, region: endpoint.region, service: endpoint.service)
        let signed = signer.signHeaders(
            method: "POST", path: endpoint.basePath.isEmpty ? "/" : endpoint.basePath, query: "", headers: headers,
            body: request.body, date: configuration.now()
        )
        var http = HTTPClientRequest(url: endpoint.url + "/")
        if !endpoint.basePath.isEmpty { http = HTTPClientRequest(url: endpoint.url) }
        http.method = .POST
        for header in signed { http.headers.add(name: header.name, value: header.value) }
        http.headers.add(name: "User-Agent", value: "sesame/1 (Swift)")
        http.body = .bytes(request.body)
        do {
            let started = ContinuousClock.now
            let response = try await self.http.execute(http, timeout: .nanoseconds(Self.nanoseconds(configuration.timeouts.request)))
            let body = try await ResponseBodyReader.collect(
                response.body, upTo: Self.maximumResponseSize, before: started + configuration.timeouts.request
            )
            // Service, operation, status and time; never headers (the signature) or bodies (the values).
            configuration.logger.trace("request", metadata: [
                "aws.service": "\(endpoint.service)", "aws.operation": "\(request.operation)",
                "http.status": "\(response.status.code)", "duration_ms": "\(Self.nanoseconds(ContinuousClock.now - started) / 1_000_000)",
            ])
            return AWSResponse(status: Int(response.status.code), headers: response.headers, body: body)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw AWSError(code: .timeout, message: "no answer in time (\(error))", service: endpoint.service, operation: request.operation)
        } catch let error as NIOTooManyBytesError {
            throw AWSError(
                code: .invalidResponse, message: "the answer is larger than \(Self.maximumResponseSize) bytes (\(error))",
                service: endpoint.service, operation: request.operation
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AWSError(
                code: .transport, message: "could not reach \(endpoint.url) (\(error))", service: endpoint.service,
                operation: request.operation
            )
        }
    }

    /// The error for a non-2xx answer: JSON (`__type`, `message`), the `X-Amzn-ErrorType` header, or XML
    /// (`<Code>`, `<Message>`).
    static func error(for response: AWSResponse, request: AWSRequest, endpoint: AWSEndpoint) -> AWSError {
        var awsCode: String?
        var message: String?
        let bytes = Array(response.body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
            awsCode = object["__type"] as? String ?? object["code"] as? String ?? object["Code"] as? String
            message = object["message"] as? String ?? object["Message"] as? String
        } else if let text = String(bytes: bytes, encoding: .utf8), text.contains("<") {
            awsCode = XMLText.first("Code", in: text)
            message = XMLText.first("Message", in: text)
        }
        if awsCode == nil, let header = response.headers.first(name: "X-Amzn-ErrorType") {
            awsCode = String(header.prefix { $0 != ":" })
        }
        // `com.amazonaws.ssm#ParameterNotFound` → `ParameterNotFound`.
        if let code = awsCode, let hash = code.lastIndex(of: "#") { awsCode = String(code[code.index(after: hash)...]) }
        let code = AWSError.code(forAWSCode: awsCode, status: response.status)
        return AWSError(
            code: code, message: message ?? "HTTP \(response.status) without an error message",
            service: endpoint.service, operation: request.operation, status: response.status, awsCode: awsCode,
            requestId: response.headers.first(name: "x-amzn-RequestId") ?? response.headers.first(name: "x-amz-request-id")
        )
    }
}
