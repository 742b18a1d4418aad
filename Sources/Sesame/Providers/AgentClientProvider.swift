import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SesameCore
import SesameHTTP
import SesameRedaction
import Synchronization

/// Reads through a running `sesame agent` (`SESAME_AGENT`): each read is one local HTTP request to the agent's
/// `/v1/ref`, answered from its cache, instead of a sign-in and a provider call per process. When the agent cannot be
/// reached, the provider it stands in front of answers instead (and the agent is not tried again by this process).
/// Listing, existence and writes always go to that provider, and so does a read the agent declines because it reads as
/// another server or account than this process would (each request names this process's scope by its fingerprint).
public final class AgentClientProvider: SecretProvider {
    public let scheme: String
    private let agent: Endpoint
    private let token: String
    private let fallback: any SecretProvider
    private let unreachable: Mutex<Bool>
    /// A pool of its own: the agent is on this machine, so a connection that is not made at once will not be (the
    /// shared pool would keep trying for seconds before falling back).
    static let http = HTTPClientFactory.make(connectTimeout: .milliseconds(500), readTimeout: .seconds(30), maximumConnections: 4)

    /// Where the agent listens.
    public struct Endpoint: Sendable, Hashable {
        /// The base URL requests go to (`http://127.0.0.1:2773`, or `http+unix://...` for a socket).
        public let baseURL: String

        /// From `SESAME_AGENT`: `http://HOST:PORT`, `HOST:PORT`, `unix:PATH` or a socket's absolute path.
        public init?(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            var path: String?
            if trimmed.hasPrefix("unix:") { path = String(trimmed.dropFirst(5)) } else if trimmed.hasPrefix("/") { path = trimmed }
            if let path {
                guard let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else { return nil }
                baseURL = "http+unix://" + encoded
                return
            }
            var url = trimmed.contains("://") ? trimmed : "http://" + trimmed
            while url.hasSuffix("/") { url.removeLast() }
            // A loopback address, not a name: `localhost` may resolve to an address where another user's program
            // listens, and the token must only ever reach the agent.
            guard let host = URL(string: url)?.host, url.hasPrefix("http://"), Loopback.contains(host), host.lowercased() != "localhost",
                host.lowercased() != "localhost."
            else { return nil }
            baseURL = url
        }
    }

    /// - Parameters:
    ///   - agent: where the agent listens (loopback or a socket only: the token is never sent elsewhere).
    ///   - token: the agent's token (`SESAME_AGENT_TOKEN`, or its token file).
    ///   - fallback: the provider the agent stands in front of, for everything the agent does not answer.
    public init(agent: Endpoint, token: String, fallback: any SecretProvider) {
        self.scheme = fallback.scheme
        self.agent = agent
        self.token = token
        self.fallback = fallback
        self.unreachable = Mutex(false)
    }

    public var cacheScope: String { fallback.cacheScope }

    public func get(_ reference: SecretReference) async throws -> SecretValue {
        try await read(reference, refresh: false)
    }

    public func refresh(_ reference: SecretReference) async throws -> SecretValue {
        try await read(reference, refresh: true)
    }

    public func list(under reference: SecretReference) async throws -> [SecretReference] { try await fallback.list(under: reference) }
    public func entries(under reference: SecretReference, recursive: Bool) async throws -> [SecretEntry] {
        try await fallback.entries(under: reference, recursive: recursive)
    }
    public func exists(_ reference: SecretReference) async throws -> Bool { try await fallback.exists(reference) }
    public func update(_ reference: SecretReference, to value: SecretValue.Content) async throws { try await fallback.update(reference, to: value) }

    private func read(_ reference: SecretReference, refresh: Bool) async throws -> SecretValue {
        if unreachable.withLock({ $0 }) { return refresh ? try await fallback.refresh(reference) : try await fallback.get(reference) }
        var components = URLComponents()
        // Without its key path: the store applies that to the whole value, as for any provider.
        components.queryItems =
            [URLQueryItem(name: "ref", value: reference.withoutKeyPath.description)]
            + (refresh ? [URLQueryItem(name: "refreshNow", value: "true")] : [])
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        var request = HTTPClientRequest(url: agent.baseURL + "/v1/ref?" + query)
        request.headers.add(name: "X-Sesame-Token", value: token)
        // A process told which Secret Server or account to use (`--url`, `--profile`, `SESAME_TOKEN`…) names it, and the
        // agent answers only when it reads as the same; one with no settings of its own reads as the agent does.
        // (AWS references are read as the agent's AWS identity: working out this process's would probe for it.)
        if scheme == "tss", case let scope = fallback.cacheScope, scope != DeferredProvider.unconfiguredScope(scheme) {
            request.headers.add(name: "X-Sesame-Scope", value: CacheScope.fingerprint(scope))
        }
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await Self.http.execute(request, timeout: .seconds(30))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: 64 << 20)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Not running (or gone): the provider itself, from now on in this process.
            unreachable.withLock { $0 = true }
            return refresh ? try await fallback.refresh(reference) : try await fallback.get(reference)
        }
        let bytes = Array(body.readableBytesView)
        switch status {
        case 200:
            return SecretValue(bytes: bytes, metadata: .init(source: .provider, fetchedAt: Date()))
        case 409:
            // The agent reads this scheme as another server, user or account (`--url`, `--profile`, `SESAME_TOKEN`…
            // chose otherwise here): this process reads for itself.
            return refresh ? try await fallback.refresh(reference) : try await fallback.get(reference)
        default:
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            let message = object?["message"] as? String
            // The agent's own refusal of the token (no AWS-style code) is not the provider's AccessDenied.
            if status == 401 || (status == 403 && object?["__type"] == nil && message?.contains("agent's token") == true) {
                throw SesameError(
                    code: .authenticationFailed, message: "the agent at \(agent.baseURL) refused its token (HTTP \(status))",
                    reference: reference
                )
            }
            let code: SesameError.Code = status == 404 ? .notFound : status == 403 ? .accessDenied : status >= 500 ? .unavailable : .providerError
            throw SesameError(code: code, message: "the agent answered HTTP \(status): \(message ?? "no message")", reference: reference)
        }
    }
}

extension AgentClientProvider: Redacting {
    public var redactedDescription: String { "agent: \(agent.baseURL), scheme: \(scheme), token: <redacted>" }
}
