import AWSSigV4
import AsyncHTTPClient
import SesameHTTP
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

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
    /// Whether it is signed; `AssumeRoleWithWebIdentity` is not (the token in it is the credential).
    var signed = true
}

/// One AWS answer with a 2xx status.
typealias AWSResponse = CollectedResponse

/// Signs and sends AWS requests over one connection pool, retries what may be retried with jittered
/// backoff, renews expired credentials once, and maps failures to `AWSError`.
struct AWSTransport: Sendable {
    let owner: HTTPClientOwner
    let configuration: AWSConfiguration
    /// The signing clock, corrected by the offset AWS's `Date` answered with after a clock skew refusal.
    let clock: SkewCorrectedClock
    static let maximumResponseSize = 64 << 20

    /// - Parameter caBundle: extra CA certificates (PEM) to trust.
    init(configuration: AWSConfiguration, caBundle: String? = nil) throws {
        let proxies: ProxyConfiguration
        do {
            proxies = try configuration.proxy ?? ProxyConfiguration.environment(configuration.environment)
        } catch let error as ProxyError {
            throw AWSError(code: .invalidConfiguration, message: error.description)
        }
        var tls: TLSConfiguration?
        if let caBundle {
            do {
                tls = try TLSSettings(caFile: caBundle).makeConfiguration()
            } catch {
                throw AWSError(code: .invalidConfiguration, message: "the CA bundle \(caBundle) (AWS_CA_BUNDLE, ca_bundle): \(error.message)")
            }
        }
        self.owner = HTTPClientFactory.owner(
            connectTimeout: configuration.timeouts.connect, readTimeout: configuration.timeouts.request, tls: tls, proxies: proxies,
            engine: configuration.engine, tlsSettings: TLSSettings(caFile: caBundle)
        )
        self.configuration = configuration
        self.clock = SkewCorrectedClock(now: configuration.now)
    }

    func shutdown() async throws {
        try await owner.shutdown()
    }

    /// Sends `request` to `endpoint` signed with `credentials`; returns a 2xx answer or throws `AWSError`. What
    /// follows a failed attempt is `RetryState`'s decision (SesameHTTP, shared with the Secret Server client):
    /// expired credentials are renewed once, throttling goes again, and server errors, dropped connections and
    /// timeouts go again for idempotent requests; a connection that cannot be made does not.
    func send(
        _ request: AWSRequest, to endpoint: AWSEndpoint, credentials: any AWSCredentialsProvider
    ) async throws -> AWSResponse {
        var skewCorrected = false
        return try await AttemptLoop(policy: RetryPolicy(maxAttempts: configuration.maxAttempts)).run(
            idempotent: request.idempotent,
            renewCredentials: {
                // Nothing was done with expired credentials: safe to send again with fresh ones.
                await credentials.invalidate()
                configuration.logger.debug("credentials expired; renewing", metadata: ["aws.operation": "\(request.operation)"])
            },
            willRetry: { attempt, delay, failure in
                let reason = (failure as? AWSError).map { $0.awsCode ?? $0.status.map { "HTTP \($0)" } ?? "\($0.code)" } ?? "\(failure)"
                configuration.logger.debug(
                    "retrying AWS request",
                    metadata: [
                        "aws.service": "\(endpoint.service)", "aws.operation": "\(request.operation)", "retry.attempt": "\(attempt)",
                        "retry.reason": "\(reason)", "retry.delay_ms": "\(delay.nanoseconds / 1_000_000)",
                    ])
            }
        ) {
            let signing: AWSCredentials?
            do {
                signing = request.signed ? try await credentials.credentials() : nil
            } catch let error as AWSError where error.code == .transport || error.code == .timeout {
                // Getting the credentials failed on the way (an STS call): nothing was sent to this service yet.
                return .failure(.interrupted, error)
            }
            let response: AWSResponse
            do {
                response = try await execute(request, to: endpoint, credentials: signing)
            } catch let failure as ExchangeFailure {
                return .failure(failure.outcome, AWSError(failure, url: endpoint.url, service: endpoint.service, operation: request.operation))
            }
            if (200..<300).contains(response.status) { return .success(response) }
            let failure = Self.error(for: response, request: request, endpoint: endpoint)
            // A refusal for a clock that is off: once, sign again with AWS's time (its Date header).
            if !skewCorrected, Self.isClockSkew(failure), let serverTime = SkewCorrectedClock.parseHTTPDate(response.headers.first(name: "Date")),
                let offset = clock.correct(serverTime: serverTime)
            {
                skewCorrected = true
                configuration.logger.warning(
                    "the clock is off; signing with AWS's time",
                    metadata: ["aws.operation": "\(request.operation)", "clock.offset_s": "\(Int(offset))"])
                return .again
            }
            switch failure.code {
            case .expiredToken: return .failure(.credentialsRefused, failure)
            case .throttling: return .failure(.throttled(retryAfter: nil), failure)
            case .serviceError: return .failure(.serverError(retryAfter: nil), failure)
            default: return .failure(.failed, failure)
            }
        }
    }

    /// An unsigned GET (the SSO portal's `GetRoleCredentials`, authorised by its own header), through the proxy its
    /// URL needs; the status and body of whatever answered.
    func get(_ url: String, headers: [(String, String)]) async throws -> (status: Int, body: String) {
        var request = OutgoingRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "sesame/1 (Swift)")
        do {
            let response = try await owner.execute(request, timeout: configuration.timeouts.request, maximumSize: 1 << 20)
            return (response.status, String(buffer: response.body))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let host = URL(string: url)?.host ?? url
            throw AWSError(code: .transport, message: ConnectFailure.proxyFailure(error) ?? "could not reach \(host) (\(ConnectFailure.describe(error)))")
        }
    }

    private func execute(_ request: AWSRequest, to endpoint: AWSEndpoint, credentials: AWSCredentials?) async throws -> AWSResponse {
        var headers: [(name: String, value: String)] = [("Host", endpoint.host)]
        switch request.wireProtocol {
        case .json(let prefix):
            headers.append(("Content-Type", "application/x-amz-json-1.1"))
            headers.append(("X-Amz-Target", "\(prefix).\(request.operation)"))
        case .query:
            headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        }
        var signed = headers
        if let credentials {
            let signer = AWSSigner(credentials: credentials, region: endpoint.region, service: endpoint.service)
            signed = signer.signHeaders(
                method: "POST", path: endpoint.basePath.isEmpty ? "/" : endpoint.basePath, query: "", headers: headers,
                body: request.body, date: clock.now()
            )
        }
        var http = OutgoingRequest(url: endpoint.basePath.isEmpty ? endpoint.url + "/" : endpoint.url, method: .POST, body: ByteBuffer(bytes: request.body))
        for header in signed { http.headers.add(name: header.name, value: header.value) }
        http.headers.add(name: "User-Agent", value: "sesame/1 (Swift)")
        // Service and operation; never headers (the signature) or bodies (the values).
        let log = RequestLog.whenTracing(
            logger: configuration.logger, source: "AWSSecrets", metadata: ["aws.service": "\(endpoint.service)", "aws.operation": "\(request.operation)"])
        do {
            return try await owner.execute(http, timeout: configuration.timeouts.request, maximumSize: Self.maximumResponseSize, log: log)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ExchangeFailure(classifying: error)
        }
    }

    /// Whether AWS refused the request because the signing time is too far from its own.
    static func isClockSkew(_ error: AWSError) -> Bool {
        if error.awsCode == "RequestTimeTooSkewed" || error.awsCode == "RequestExpired" { return true }
        guard ["InvalidSignatureException", "SignatureDoesNotMatch"].contains(error.awsCode ?? "") else { return false }
        let message = error.message.lowercased()
        return message.hasPrefix("signature expired") || message.hasPrefix("signature not yet current")
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
