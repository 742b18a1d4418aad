import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SecretServerModels
import SesameHTTP

/// Sends API requests: signs them with the token, retries what may be retried, and maps failures to
/// `SecretServerError`.
struct Transport: Sendable {
    private let owner: HTTPClientOwner
    let baseURL: String
    let configuration: SecretServerClient.Configuration
    let tokens: TokenManager
    /// Where the token route and the API are (below `baseURL`, or through a Platform).
    let endpoints: ServerEndpoints
    /// The largest answer of the token route: a token is a few kilobytes.
    static let maximumTokenResponseSize = 1 << 20

    /// `text` without the spaces around it that Foundation's `.whitespaces` names on Linux (the tab, Unicode's space
    /// separators, U+200B), trimmed by scalar as `CacheScope.normalized` trims: `trimmingCharacters(in:)` goes through
    /// NSString and UTF-16 there, 1.6% of a `sesame secret get` with a stored session.
    static func trimmingSpaces(_ text: String) -> String {
        let isSpace = { (scalar: Unicode.Scalar) in
            scalar == "\t" || scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    init(configuration: SecretServerClient.Configuration) throws {
        var base = Self.trimmingSpaces(configuration.baseURL)
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = CredentialDestination.url(base) else {
            throw SecretServerError(
                code: .invalidConfiguration,
                message:
                    "the base URL '\(CredentialDestination.shown(base))' is not an http(s) URL with a host (and no user, query or fragment); use e.g. https://host/SecretServer"
            )
        }
        if CredentialDestination.isPlainHTTPRefused(url, allowsPlainHTTP: configuration.allowsPlainHTTP) {
            throw SecretServerError(
                code: .invalidConfiguration,
                message: "refusing to send credentials to \(base) over plain http: anyone on the network can read them; "
                    + "use https://, or allow it on purpose with allowsPlainHTTP (sesame: --allow-plain-http)"
            )
        }
        let proxies: ProxyConfiguration
        do {
            proxies = try configuration.proxy ?? ProxyConfiguration.environment(ProcessInfo.processInfo.environment)
        } catch let error as ProxyError {
            throw SecretServerError(code: .invalidConfiguration, message: error.description)
        }
        let owner = HTTPClientFactory.owner(
            connectTimeout: configuration.timeouts.connect, readTimeout: configuration.timeouts.request,
            tls: try Self.tlsConfiguration(configuration.tls), maximumConnections: configuration.maximumConnections,
            proxies: proxies, engine: configuration.engine, tlsSettings: configuration.tls
        )
        if configuration.tls.insecureSkipVerification {
            configuration.logger.warning(
                "TLS verification is OFF: any server can impersonate \(base). Use a CA file instead.",
                metadata: ["tls.insecure": "true"]
            )
        }
        self.owner = owner
        self.baseURL = base
        self.configuration = configuration
        let client = owner
        let tokenBase = base
        let endpoints = try ServerEndpoints(configuration: configuration, baseURL: base, http: client)
        self.endpoints = endpoints
        let timeout = configuration.timeouts.request
        let userAgent = configuration.userAgent
        let oneTimePassword = configuration.oneTimePassword
        self.tokens = TokenManager(
            credentials: configuration.credentials, margin: configuration.tokenRenewalMargin, now: configuration.now,
            executor: configuration.taskExecutor
        ) { grant in
            try await Self.fetchToken(
                grant, kind: await endpoints.kind(), http: client, baseURL: tokenBase, timeout: timeout, userAgent: userAgent,
                oneTimePassword: oneTimePassword
            )
        }
    }

    static func tlsConfiguration(_ tls: SecretServerClient.TLS) throws -> TLSConfiguration {
        do {
            return try tls.makeConfiguration()
        } catch {
            throw SecretServerError(code: .invalidConfiguration, message: error.message)
        }
    }

    func shutdown() async throws {
        try await owner.shutdown()
    }

    // MARK: Sending

    /// Sends `request` with a bearer token and returns a 2xx answer, or throws `SecretServerError`. What follows a
    /// failed attempt is `RetryState`'s decision (SesameHTTP): a refused token is renewed and the request sent once
    /// more; idempotent requests go again with backoff after dropped connections, timeouts, 500/502/503/504 and HTML
    /// pages answered with 200; every request goes again after 429 and Delinea's 403 rate-limit answer (the server
    /// refused it without acting).
    func send(_ request: APIRequest) async throws -> APIResponse {
        var token = ""
        return try await AttemptLoop(policy: configuration.retry).run(
            idempotent: request.idempotent,
            canRenewCredentials: { await tokens.canRenew },
            renewCredentials: {
                await tokens.invalidate(token)
                configuration.logger.debug("token refused; signing in again", metadata: ["http.path": "\(request.path)"])
            },
            willRetry: { attempt, delay, failure in
                let reason = (failure as? SecretServerError).map { $0.status.map { "HTTP \($0)" } ?? "\($0.code)" } ?? "\(failure)"
                logRetry(delay, attempt: attempt, request: request, reason: reason)
            }
        ) {
            token = try await tokens.token()
            do {
                let response = try await execute(request, token: token)
                let (outcome, failure) = classify(response, request: request)
                return outcome == .success ? .success(response) : .failure(outcome, failure)
            } catch let error as SecretServerError where error.code == .authenticationFailed && error.path == ServerEndpoints.vaultsPath {
                // The Platform refused the token when asked for its vault: nothing reached the API.
                return .failure(.credentialsRefused, error)
            } catch let error as SecretServerError where [.transport, .timeout].contains(error.code) {
                return .failure(error.retriable ? .interrupted : .unreachable, error)
            }
        }
    }

    /// What an answer means for the retry decision, and the error to throw if it is the last.
    private func classify(_ response: APIResponse, request: APIRequest) -> (RetryState.Outcome, SecretServerError) {
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init).map { Duration.seconds($0) }
        switch response.status {
        case 200..<300 where Self.isHTMLPage(response):
            // A proxy's or error page's HTML with a 200: not the API's answer.
            return (
                .serverError(retryAfter: nil),
                SecretServerError(
                    code: .invalidResponse, message: "the server answered with an HTML page, not JSON",
                    status: response.status, method: "\(request.method)", path: request.path
                )
            )
        case 200..<300:
            return (.success, SecretServerError(code: .invalidResponse, message: ""))
        case 401,
            403 where isAuthenticationFailure(response):
            return (.credentialsRefused, error(for: response, request: request))
        case 429,
            403 where isRateLimit(response):
            return (.throttled(retryAfter: retryAfter), error(for: response, request: request))
        case 500, 502, 503, 504:
            return (.serverError(retryAfter: retryAfter), error(for: response, request: request))
        default:
            return (.failed, error(for: response, request: request))
        }
    }

    /// Says at debug that `request` goes again as attempt `attempt` after `delay`.
    func logRetry(_ delay: Duration, attempt: Int, request: APIRequest, reason: String) {
        configuration.logger.debug(
            "retrying",
            metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.path)", "retry.attempt": "\(attempt)",
                "retry.reason": "\(reason)", "retry.delay_ms": "\(delay.nanoseconds / 1_000_000)",
            ])
    }

    private func execute(_ request: APIRequest, token: String) async throws -> APIResponse {
        var url = try await endpoints.apiBase(token: token) + "/api" + request.path
        if !request.query.isEmpty { url += "?" + URLEncoding.query(request.query) }
        var http = OutgoingRequest(url: url, method: request.method)
        http.headers.add(name: "Authorization", value: "Bearer \(token)")
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: request.contentType)
            http.body = body
        }
        // Method and path (no query: it may carry names); never headers or bodies.
        let log = RequestLog.whenTracing(
            logger: configuration.logger, source: "SecretServer", metadata: ["http.method": "\(request.method)", "http.path": "\(request.path)"])
        return try await Self.perform(
            http, client: owner, timeout: configuration.timeouts.request, path: request.path, maximumSize: configuration.maximumResponseSize,
            log: log)
    }

    /// Runs one HTTP exchange, reading the whole answer; transport failures become `SecretServerError`.
    static func perform(
        _ request: OutgoingRequest, client: HTTPClientOwner, timeout: Duration, path: String, maximumSize: Int, log: RequestLog? = nil
    ) async throws -> APIResponse {
        do {
            return try await client.execute(request, timeout: timeout, maximumSize: maximumSize, log: log)
        } catch let error as SecretServerError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SecretServerError(ExchangeFailure(classifying: error), method: "\(request.method)", path: path, maximumSize: maximumSize)
        }
    }

    private func isAuthenticationFailure(_ response: APIResponse) -> Bool {
        if response.status == 401 { return true }
        let body = decodeErrorBody(response)
        return body?.message?.lowercased().contains("authentication failed") ?? false
    }

    /// Whether a 2xx answer is an HTML page (Delinea's servers and proxies send those on some errors).
    static func isHTMLPage(_ response: APIResponse) -> Bool {
        guard let contentType = response.headers.first(name: "Content-Type")?.lowercased() else { return false }
        return contentType.contains("text/html")
    }

    private func isRateLimit(_ response: APIResponse) -> Bool {
        guard response.status == 403 else { return false }
        let text = (decodeErrorBody(response)?.message ?? String(buffer: response.body)).lowercased()
        return text.contains("rate limit") || text.contains("too many requests")
    }

    private func decodeErrorBody(_ response: APIResponse) -> APIErrorBody? {
        try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
    }

    /// The error for a non-2xx answer.
    func error(for response: APIResponse, request: APIRequest) -> SecretServerError {
        let body = decodeErrorBody(response)
        let code: SecretServerError.Code
        switch response.status {
        case 401: code = .authenticationFailed
        case 403 where isRateLimit(response): code = .rateLimited
        case 403: code = .authenticationFailed
        case 404: code = .notFound
        case 429: code = .rateLimited
        case 500...: code = .serverError
        default: code = body?.errorCode == "API_AccessDenied" ? .accessDenied : .badRequest
        }
        var message = body?.message ?? body?.errorDescription ?? body?.error ?? ""
        if let details = body?.modelState, !details.isEmpty {
            let joined = details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: " "))" }
            message += (message.isEmpty ? "" : " ") + joined.joined(separator: "; ")
        }
        if message.isEmpty {
            let contentType = response.headers.first(name: "Content-Type") ?? ""
            message =
                contentType.contains("html")
                ? "the server answered with an HTML page, not JSON"
                : "the server answered HTTP \(response.status) with no error message"
        }
        return SecretServerError(
            code: code, message: message, status: response.status, errorCode: body?.errorCode,
            method: "\(request.method)", path: request.path
        )
    }

    // MARK: Tokens

    static func fetchToken(
        _ grant: TokenManager.Grant, kind: ServerEndpoints.Kind, http: HTTPClientOwner, baseURL: String, timeout: Duration, userAgent: String,
        oneTimePassword: String? = nil
    ) async throws -> TokenResponse {
        var form: [(String, String)]
        var path = "/oauth2/token"
        switch (kind, grant) {
        case (.secretServer, .password(let username, let password, let domain)):
            form = [("username", username), ("password", password), ("grant_type", "password")]
            if let domain, !domain.isEmpty { form.append(("domain", domain)) }
        case (.secretServer, .clientCredentials(let clientId, let clientSecret)):
            form = [("grant_type", "client_credentials"), ("client_id", "sdk-client-" + clientId), ("client_secret", clientSecret)]
        case (.secretServer, .refresh(let token)):
            form = [("grant_type", "refresh_token"), ("refresh_token", token)]
        case (.platform, .platform(let clientId, let clientSecret)), (.platform, .password(let clientId, let clientSecret, _)):
            // A Platform service user; a user name and password are taken as its client id and secret, as the SDKs do.
            form = [("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", clientSecret), ("scope", "xpmheadless")]
            path = "/identity/api/oauth2/token/xpmplatform"
        case (.platform, .refresh):
            throw SecretServerError(
                code: .authenticationFailed, message: "a Platform token cannot be renewed; sign in again with the service user's client id and secret"
            )
        case (.platform, .clientCredentials):
            throw SecretServerError(code: .invalidConfiguration, message: "an SDK client signs in to a Secret Server, not a Platform")
        case (.secretServer, .platform):
            throw SecretServerError(code: .invalidConfiguration, message: "Platform service user credentials need a Platform URL")
        }
        var request = OutgoingRequest(url: baseURL + path, method: .POST)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        var sendsOneTimePassword = false
        if case .password = grant, kind == .secretServer, let oneTimePassword, !oneTimePassword.isEmpty {
            guard !oneTimePassword.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw SecretServerError(code: .invalidConfiguration, message: "the two-factor code has a control character in it (a line break?)")
            }
            // Two-factor sign-in: the code goes in the OTP header, as Secret Server and its PowerShell module expect.
            request.headers.add(name: "OTP", value: oneTimePassword)
            sendsOneTimePassword = true
        }
        request.body = ByteBuffer(string: URLEncoding.query(form))
        // A sign-in has no side effect worth guarding and goes again after a lost connection; a refresh token is good
        // once, so it does not (RetryState decides, as for every request).
        let spendsOnce: Bool
        // A one-time code is good once too: the server may have taken it before the connection dropped.
        if case .refresh = grant { spendsOnce = true } else { spendsOnce = sendsOneTimePassword }
        let attempts = AttemptLoop(policy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(200), maxDelay: .seconds(1)))
        do {
            return try await attempts.run(idempotent: !spendsOnce) {
                do {
                    let response = try await perform(
                        request, client: http, timeout: timeout, path: path, maximumSize: Transport.maximumTokenResponseSize)
                    return .success(try tokenResponse(response, path: path))
                } catch let error as SecretServerError where [.transport, .timeout].contains(error.code) {
                    return .failure(error.retriable ? .interrupted : .unreachable, error)
                }
            }
        } catch var error as SecretServerError where spendsOnce && error.retriable && [.transport, .timeout].contains(error.code) {
            // The server may have spent it on the request that was lost: sending it again cannot help.
            error.message +=
                "; the session may have been renewed by the server without the answer arriving,"
                + " so if the next attempt is refused, sign in again"
            throw error
        }
    }

    /// The token in the token route's answer, or the sign-in's refusal as an error.
    private static func tokenResponse(_ response: APIResponse, path: String) throws -> TokenResponse {
        let data = Data(response.body.readableBytesView)
        guard (200..<300).contains(response.status) else {
            let body = try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: data)
            let reason = [body?.error, body?.errorDescription ?? body?.message].compactMap { $0 }.joined(separator: ": ")
            throw SecretServerError(
                code: response.status >= 500 ? .serverError : .authenticationFailed,
                message: "sign-in refused: " + (reason.isEmpty ? "HTTP \(response.status)" : reason),
                status: response.status, method: "POST", path: path
            )
        }
        do {
            return try WireCoding.makeDecoder().decode(TokenResponse.self, from: data)
        } catch {
            throw SecretServerError(
                code: .invalidResponse, message: "the token route did not answer with a token (is the URL right?)",
                status: response.status, method: "POST", path: path
            )
        }
    }
}
