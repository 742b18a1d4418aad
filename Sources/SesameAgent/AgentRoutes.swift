import AWSSecrets
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SecretServer
import SesameCore
import SesameHTTP
import SesameRedaction

/// The agent's routes: the AWS Secrets Manager Agent's (`/secretsmanager/get`, `/v1/{secretId}`), the Lambda
/// Parameters and Secrets extension's (`/systemsmanager/parameters/get`), Sesame references (`/v1/ref`, `/v1/refs`),
/// and `/ping`.
struct AgentRoutes: Sendable {
    let backends: AgentBackends
    let cache: AgentCache
    let configuration: AgentConfiguration
    let metrics: AgentMetrics

    /// - Parameter checksHost: refuse a `Host` that is not this machine (TCP: a DNS-rebinding page names its own host).
    func register(on router: Router<BasicRequestContext>, checksHost: Bool = true) {
        var gate = AgentGate(token: configuration.token, logger: configuration.logger, metrics: metrics)
        gate.checksHost = checksHost
        router.add(middleware: gate)
        router.get("/ping") { _, _ -> Response in Self.text("healthy") }
        router.get("/metrics") { _, _ -> Response in
            let text = metrics.prometheus(cache: await cache.counts)
            return Self.respond(AgentAnswer(body: Array(text.utf8), contentType: "text/plain; version=0.0.4"))
        }
        router.get("/v1/health") { _, _ -> Response in
            var health = metrics.health()
            health["cacheEntries"] = await cache.counts.entries
            return Self.respond(try Self.json(health))
        }
        router.get("/secretsmanager/get") { request, _ -> Response in
            guard let id = request.uri.queryParameters["secretId"].map(String.init), !id.isEmpty else {
                return Self.failure(.badRequest, "secretId is required")
            }
            return try await secretValue(id: id, request: request)
        }
        router.get("/v1/ref") { request, _ -> Response in
            try await reference(request)
        }
        router.post("/v1/refs") { request, _ -> Response in
            try await references(request)
        }
        // The whole rest of the path is the secret's id (names have slashes: /v1/prod/db), as the AWS agent reads it.
        router.get("/v1/**") { request, context -> Response in
            let id = context.parameters.getCatchAll().joined(separator: "/").removingPercentEncoding ?? ""
            guard !id.isEmpty else { return Self.failure(.badRequest, "a secret id is required") }
            return try await secretValue(id: id, request: request)
        }
        router.get("/systemsmanager/parameters/get") { request, _ -> Response in
            guard var name = request.uri.queryParameters["name"].map(String.init), !name.isEmpty else {
                return Self.failure(.badRequest, "name is required")
            }
            let query = request.uri.queryParameters
            if let version = query["version"].map(String.init), !version.isEmpty { name += ":" + version }
            if let label = query["label"].map(String.init), !label.isEmpty { name += ":" + label }
            let decrypt = query["withDecryption"].map { $0.lowercased() == "true" } ?? false
            let refresh = Self.refreshNow(request)
            let selected = name
            return try await answer(key: "ps|\(decrypt)|\(selected)", refresh: refresh) {
                let parameter = try await backends.parameter(selected, decrypt)
                var fields: [String: Any] = [
                    "Name": parameter.name, "Type": parameter.type, "Value": parameter.value, "Version": parameter.version,
                ]
                if let arn = parameter.arn { fields["ARN"] = arn }
                if let dataType = parameter.dataType { fields["DataType"] = dataType }
                if let date = parameter.lastModifiedDate { fields["LastModifiedDate"] = date.timeIntervalSince1970 }
                return try Self.json(["Parameter": fields, "ResultMetadata": [String: Any]()])
            }
        }
    }

    private func secretValue(id: String, request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let versionId = query["versionId"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let versionStage = query["versionStage"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        return try await answer(key: "sm|\(id)|\(versionId ?? "")|\(versionStage ?? "")", refresh: Self.refreshNow(request)) {
            let value = try await backends.secretValue(id, versionId, versionStage)
            var fields: [String: Any] = ["Name": value.name, "VersionStages": value.versionStages]
            if let arn = value.arn { fields["ARN"] = arn }
            if let version = value.versionId { fields["VersionId"] = version }
            if let text = value.secretString { fields["SecretString"] = text }
            if let binary = value.secretBinary { fields["SecretBinary"] = Data(binary).base64EncodedString() }
            if let created = value.createdDate { fields["CreatedDate"] = created.timeIntervalSince1970 }
            return try Self.json(fields)
        }
    }

    private func reference(_ request: Request) async throws -> Response {
        guard let text = request.uri.queryParameters["ref"].map(String.init), !text.isEmpty else {
            return Self.failure(.badRequest, "ref is required (tss://12/password, aws-sm://name#key, aws-ps:///path)")
        }
        let reference: SecretReference
        do {
            reference = try SecretReference(parsing: text)
        } catch {
            return Self.failure(.badRequest, "\(error)")
        }
        if let refused = scopeRefusal(request, schemes: [reference.scheme]) { return refused }
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
        let refresh = Self.refreshNow(request)
        return try await answer(key: "ref|\(wantsJSON)|\(text)", refresh: refresh) {
            let value = try await backends.reference(reference, refresh)
            if wantsJSON {
                var answer = try Self.json(Self.valueFields(text, value))
                answer.marksStaleInBody = true
                return answer
            }
            return AgentAnswer(body: value.bytes, contentType: "application/octet-stream")
        }
    }

    /// Reads `texts` into the cache (at start, `--prefetch`; again after SIGHUP with `refresh`); the references that
    /// failed, with why (never a value).
    func prefetch(_ texts: [String], refresh: Bool) async -> [String: String] {
        var failures: [String: String] = [:]
        for text in texts {
            do {
                _ = try await cachedReference(text, refresh: refresh)
            } catch {
                failures[text] = Self.describe(error).message
            }
        }
        return failures
    }

    /// `POST /v1/refs` with `{"refs": [...]}`: `{"values": {ref: value}, "errors": {ref: message}}` (and
    /// `"valuesBase64"` for values that are not text, `"stale": {ref: since}` for those served past a failure), each
    /// through the cache.
    private func references(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 256 * 1024)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any], let texts = object["refs"] as? [String],
            texts.count <= 100
        else {
            return Self.failure(.badRequest, "the body must be {\"refs\": [up to 100 references]}")
        }
        // Refused as a whole when any reference would be read as another server or account than the client's.
        let schemes = texts.compactMap { try? SecretReference(parsing: $0).scheme }
        if let refused = scopeRefusal(request, schemes: schemes) { return refused }
        var values: [String: Any] = [:]
        var binary: [String: String] = [:]
        var stale: [String: String] = [:]
        var errors: [String: String] = [:]
        for text in texts {
            do {
                let answer = try await cachedReference(text, refresh: false)
                if let since = answer.staleSince { stale[text] = ISO8601DateFormatter().string(from: since) }
                // Text as it is; bytes that are not UTF-8 (a file field, a SecretBinary) in base64, never mangled.
                if let string = String(validating: answer.body, as: UTF8.self) {
                    values[text] = string
                } else {
                    binary[text] = Data(answer.body).base64EncodedString()
                }
            } catch {
                errors[text] = Self.describe(error).message
            }
        }
        var fields: [String: Any] = ["values": values, "errors": errors]
        if !binary.isEmpty { fields["valuesBase64"] = binary }
        if !stale.isEmpty { fields["stale"] = stale }
        return Self.respond(try Self.json(fields))
    }

    /// A client that names its scope (`X-Sesame-Scope`) is answered only when it would read every scheme asked as
    /// the agent does (same server, user, account); otherwise 409, and it reads for itself.
    private func scopeRefusal(_ request: Request, schemes: [String]) -> Response? {
        guard let asked = request.headers[Self.scopeHeader] else { return nil }
        for scheme in Set(schemes) where backends.scope(scheme).map(CacheScope.fingerprint) != asked {
            return Self.failure(.conflict, "the agent reads \(scheme) references as another server or account")
        }
        return nil
    }

    /// A reference's raw answer through the cache, the provider's success or failure and its use counted (health,
    /// keep-alive), as for every other route.
    private func cachedReference(_ text: String, refresh: Bool) async throws -> AgentAnswer {
        let reference = try SecretReference(parsing: text)
        let provider = reference.scheme
        let metrics = self.metrics
        let now = configuration.now
        let backends = self.backends
        let answer = try await cache.answer(for: "ref|false|\(text)", refresh: refresh, isTransient: Self.isTransient) {
            do {
                let answer = AgentAnswer(body: try await backends.reference(reference, refresh).bytes, contentType: "application/octet-stream")
                metrics.provider(provider, failed: nil, at: now())
                return answer
            } catch {
                metrics.provider(provider, failed: Self.describe(error).message, at: now())
                throw error
            }
        }
        metrics.used(provider, at: now())
        return answer
    }

    private func answer(key: String, refresh: Bool, fetch: @escaping @Sendable () async throws -> AgentAnswer) async throws -> Response {
        let provider = Self.providerName(key)
        let metrics = self.metrics
        let now = configuration.now
        let counted: @Sendable () async throws -> AgentAnswer = {
            do {
                let answer = try await fetch()
                metrics.provider(provider, failed: nil, at: now())
                return answer
            } catch {
                metrics.provider(provider, failed: Self.describe(error).message, at: now())
                throw error
            }
        }
        do {
            let answer = try await cache.answer(for: key, refresh: refresh, isTransient: Self.isTransient, fetch: counted)
            metrics.used(provider, at: now())
            return Self.respond(answer)
        } catch {
            let (status, message, code) = Self.describe(error)
            configuration.logger.info("provider error", metadata: ["agent.status": "\(status.code)", "agent.error": "\(code ?? "")"])
            var fields: [String: Any] = ["message": message]
            if let code { fields["__type"] = code }
            return Self.respond((try? Self.json(fields)) ?? AgentAnswer(body: Array(message.utf8), contentType: "text/plain"), status: status)
        }
    }

    /// The provider a cache key's answers come from, for `/v1/health`: `secretsmanager`, `parameterstore`, or the
    /// reference's scheme.
    static func providerName(_ key: String) -> String {
        if key.hasPrefix("sm|") { return "secretsmanager" }
        if key.hasPrefix("ps|") { return "parameterstore" }
        let reference = key.split(separator: "|", maxSplits: 2).last.map(String.init) ?? ""
        return reference.components(separatedBy: "://").first ?? "reference"
    }

    /// Whether a provider's failure may pass: unreachable, timed out, throttled, failing on its side.
    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? AWSError { return error.isRetriable }
        if let error = error as? SecretServerError { return [.transport, .timeout, .rateLimited, .serverError].contains(error.code) }
        if let error = error as? SesameError {
            if error.code == .unavailable { return true }
            if let underlying = error.underlying { return isTransient(underlying) }
        }
        return false
    }

    static func refreshNow(_ request: Request) -> Bool {
        request.uri.queryParameters["refreshNow"].map { $0.lowercased() == "true" } ?? false
    }

    static func valueFields(_ reference: String, _ value: SecretValue) -> [String: Any] {
        var fields: [String: Any] = ["reference": reference, "source": value.metadata.source.rawValue]
        if let text = value.text { fields["value"] = text } else { fields["valueBase64"] = Data(value.bytes).base64EncodedString() }
        if let version = value.metadata.version { fields["version"] = version }
        return fields
    }

    /// The status, message and AWS-style code for an error; never a value.
    static func describe(_ error: any Error) -> (status: HTTPResponse.Status, message: String, code: String?) {
        if let error = error as? AWSError {
            let status = error.status.map { HTTPResponse.Status(code: $0) } ?? (error.code == .notFound ? .notFound : .badGateway)
            return (status, error.message, error.awsCode)
        }
        if let error = error as? SesameError {
            switch error.code {
            case .notFound, .keyPathNotFound: return (.notFound, error.message, "ResourceNotFoundException")
            case .accessDenied: return (.forbidden, error.message, "AccessDeniedException")
            case .invalidReference, .noProvider: return (.badRequest, error.message, "ValidationException")
            default: return (.badGateway, error.message, nil)
            }
        }
        return (.badGateway, "the provider failed", nil)
    }

    static func json(_ object: [String: Any]) throws -> AgentAnswer {
        AgentAnswer(body: Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])), contentType: "application/json")
    }

    static func text(_ text: String) -> Response {
        respond(AgentAnswer(body: Array(text.utf8), contentType: "text/plain"))
    }

    static func failure(_ status: HTTPResponse.Status, _ message: String) -> Response {
        respond((try? json(["message": message])) ?? AgentAnswer(body: Array(message.utf8), contentType: "text/plain"), status: status)
    }

    /// `X-Sesame-Scope: <fingerprint>`: the scope a client would read as (`CacheScope.fingerprint`).
    static let scopeHeader = HTTPField.Name("X-Sesame-Scope")!

    /// `X-Sesame-Stale: <since>` marks an answer served past a provider failure.
    static let staleHeader = HTTPField.Name("X-Sesame-Stale")!

    static func respond(_ answer: AgentAnswer, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: answer.contentType]
        var body = answer.body
        if let since = answer.staleSince {
            let stamp = ISO8601DateFormatter().string(from: since)
            headers[staleHeader] = stamp
            // A reference's JSON answer carries it in its metadata too (the AWS shapes keep theirs as AWS has them).
            if answer.marksStaleInBody, var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] {
                object["stale"] = true
                object["staleSince"] = stamp
                body = (try? json(object).body) ?? body
            }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Every request but `/ping` carries the agent's token (any of the three headers the agents people use send),
/// compared in constant time; a request with `X-Forwarded-For` came through a proxy, so it is refused (SSRF).
/// One log line per request: method, path, status, time; never a value or a query.
struct AgentGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String
    let logger: Logger
    let metrics: AgentMetrics
    var checksHost = true
    static let tokenHeaders = ["X-Aws-Parameters-Secrets-Token", "X-Vault-Token", "X-Sesame-Token"].compactMap { HTTPField.Name($0) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        if request.headers[HTTPField.Name("X-Forwarded-For")!] != nil {
            response = AgentRoutes.failure(.badRequest, "X-Forwarded-For: requests through a proxy are refused")
        } else if checksHost, let host = request.head.authority.map(Self.hostName), !Loopback.contains(host) {
            // A page on another site whose name was rebound to 127.0.0.1 sends its own name here.
            response = AgentRoutes.failure(.forbidden, "the Host header names another machine")
        } else if request.uri.path == "/ping" {
            response = try await next(request, context)
        } else {
            let sent = Self.tokenHeaders.compactMap { request.headers[$0] }.first
            if sent == nil {
                response = AgentRoutes.failure(.unauthorized, "the agent's token is required (X-Aws-Parameters-Secrets-Token or X-Sesame-Token)")
            } else if let sent, Self.constantTimeEqual(sent, token) {
                response = try await metrics.answering(path: request.uri.path) { try await next(request, context) }
            } else {
                response = AgentRoutes.failure(.forbidden, "the agent's token is not right")
            }
        }
        let duration = ContinuousClock.now - started
        let elapsed = duration.components
        metrics.request(path: request.uri.path, status: Int(response.status.code), duration: duration)
        logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method)", "http.route": "\(AgentMetrics.route(request.uri.path))", "http.status": "\(response.status.code)",
                "duration_us": "\(elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000)",
            ])
        return response
    }

    /// A `Host` header's name, without its port.
    static func hostName(_ header: String) -> String {
        if header.hasPrefix("["), let close = header.firstIndex(of: "]") { return String(header[header.index(after: header.startIndex)..<close]) }
        return String(header.split(separator: ":", maxSplits: 1).first ?? "")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}

extension AgentGate: Redacting {
    var redactedDescription: String { "token: <redacted>" }
}
