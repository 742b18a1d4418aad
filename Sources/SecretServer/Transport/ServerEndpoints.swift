import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SecretServerModels
import SesameHTTP
import SesameRedaction

/// Where the client's requests go: the token route and the API base. For a Secret Server both are below the
/// configured base URL. For a Delinea Platform the token route is the Platform's `xpmplatform` route and the API is
/// that of the default active vault the Platform's vault broker names, learned once with the first Platform token.
/// With `ServerKind.automatic` the kind is found out once, by the health probes Delinea's SDKs use.
actor ServerEndpoints {
    /// What the base URL turned out to be.
    enum Kind: Sendable, Equatable {
        case secretServer
        case platform
    }

    /// The vault broker's route below a Platform's base URL.
    static let vaultsPath = "/vaultbroker/api/vaults"

    nonisolated let baseURL: String
    private nonisolated let credentials: SecretServerClient.Credentials
    private let http: HTTPClientOwner
    private let timeout: Duration
    private let userAgent: String
    private let allowsPlainHTTP: Bool
    private var known: Kind?
    /// The probe in flight: concurrent first calls wait for the one probe rather than each probing.
    private var probing: Task<(kind: Kind, definite: Bool), Never>?
    private var vaultURL: String?
    /// The vault discovery in flight, shared the same way.
    private var discovering: Task<String, any Error>?

    init(configuration: SecretServerClient.Configuration, baseURL: String, http: HTTPClientOwner) throws {
        self.baseURL = baseURL
        self.credentials = configuration.credentials
        self.http = http
        self.timeout = min(configuration.timeouts.request, .seconds(10))
        self.userAgent = configuration.userAgent
        self.allowsPlainHTTP = configuration.allowsPlainHTTP
        switch (configuration.server, configuration.credentials.kind) {
        case (.secretServer, .platform):
            throw SecretServerError(
                code: .invalidConfiguration,
                message: "Platform service user credentials need a Platform URL (server: .platform or .automatic), not a Secret Server"
            )
        case (.platform, .sdkClient):
            throw SecretServerError(
                code: .invalidConfiguration, message: "an SDK client signs in to a Secret Server, not a Platform; use a Platform service user"
            )
        case (.secretServer, _), (_, .sdkClient): known = .secretServer
        case (.platform, _), (_, .platform): known = .platform
        default: known = nil
        }
    }

    /// What the base URL is: as configured or implied by the credentials, else probed (once, when the server
    /// answered; again next time when neither probe reached it).
    func kind() async -> Kind {
        if let known { return known }
        let task: Task<(kind: Kind, definite: Bool), Never>
        if let probing {
            task = probing
        } else {
            let baseURL = self.baseURL, http = self.http, timeout = self.timeout, userAgent = self.userAgent
            // Shared by every call waiting on it: outside any one request's deadline.
            task = Task {
                await AttemptLoop.withoutDeadline {
                    let secretServer = await Self.probe(baseURL + "/api/v1/healthcheck", http: http, timeout: timeout, userAgent: userAgent)
                    if secretServer == .healthy { return (.secretServer, true) }
                    let platform = await Self.probe(baseURL + "/health", http: http, timeout: timeout, userAgent: userAgent)
                    if platform == .healthy { return (.platform, true) }
                    // Neither is healthy: a Secret Server, whose own errors then say what is wrong; kept only when the
                    // server did answer (a network that failed both probes may work on the next call).
                    return (.secretServer, secretServer == .answered || platform == .answered)
                }
            }
            probing = task
        }
        let found = await task.value
        probing = nil
        if found.definite { known = found.kind }
        return found.kind
    }

    /// The URL the API is below (`{apiBase}/api/v1/...`): the base URL, or for a Platform its vault's URL, asked
    /// of the vault broker with `token` the first time (one discovery however many calls wait for it).
    func apiBase(token: String) async throws -> String {
        guard await kind() == .platform else { return baseURL }
        if let vaultURL { return vaultURL }
        let task: Task<String, any Error>
        if let discovering {
            task = discovering
        } else {
            let baseURL = self.baseURL, http = self.http, timeout = self.timeout, userAgent = self.userAgent
            let allowsPlainHTTP = self.allowsPlainHTTP
            task = Task {
                try await AttemptLoop.withoutDeadline {
                    try await Self.discoverVault(
                        baseURL: baseURL, token: token, http: http, timeout: timeout, userAgent: userAgent, allowsPlainHTTP: allowsPlainHTTP
                    )
                }
            }
            discovering = task
        }
        defer { discovering = nil }
        let found = try await task.value
        vaultURL = found
        return found
    }

    /// What a health probe found.
    enum Probe: Sendable, Equatable {
        /// 200 with a healthy body.
        case healthy
        /// An answer that is not that.
        case answered
        /// No answer.
        case unreachable
    }

    /// `GET url`: healthy when it answers 200 with JSON `Healthy`/`healthy` true, or a body that says healthy (and
    /// not unhealthy).
    private static func probe(_ url: String, http: HTTPClientOwner, timeout: Duration, userAgent: String) async -> Probe {
        var request = OutgoingRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        guard
            let response = try? await Transport.perform(
                request, client: http, timeout: timeout, path: URL(string: url)?.path ?? url, maximumSize: 64 * 1024
            )
        else { return .unreachable }
        guard response.status == 200 else { return .answered }
        let data = Data(response.body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            return object.contains { $0.key.lowercased() == "healthy" && ($0.value as? Bool) == true } ? .healthy : .answered
        }
        let text = String(decoding: data, as: UTF8.self).lowercased()
        return text.contains("healthy") && !text.contains("unhealthy") ? .healthy : .answered
    }

    /// The `connection.url` of the default active vault in `GET {base}/vaultbroker/api/vaults`.
    private static func discoverVault(
        baseURL: String, token: String, http: HTTPClientOwner, timeout: Duration, userAgent: String, allowsPlainHTTP: Bool
    ) async throws -> String {
        let path = vaultsPath
        var request = OutgoingRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        let response = try await Transport.perform(request, client: http, timeout: timeout, path: path, maximumSize: 1 << 20)
        guard response.status == 200 else {
            throw SecretServerError(
                code: [401, 403].contains(response.status) ? .authenticationFailed : .serverError,
                message: "the Platform's vault broker refused to list the vaults (HTTP \(response.status))",
                status: response.status, method: "GET", path: path
            )
        }
        struct Vaults: Decodable {
            struct Vault: Decodable {
                struct Connection: Decodable { var url: String? }
                var isDefault: Bool?
                var isActive: Bool?
                var connection: Connection?
            }
            var vaults: [Vault]?
        }
        let listed = try? JSONDecoder().decode(Vaults.self, from: Data(response.body.readableBytesView))
        guard let vault = listed?.vaults?.first(where: { $0.isDefault == true && $0.isActive == true }),
            var url = vault.connection?.url?.trimmingCharacters(in: .whitespaces), !url.isEmpty
        else {
            throw SecretServerError(
                code: .invalidResponse, message: "the Platform lists no default, active vault with a URL", method: "GET", path: path
            )
        }
        while url.hasSuffix("/") { url.removeLast() }
        // The Platform token goes there: the same rules as for the base URL, and no step down from https.
        guard let parsed = CredentialDestination.url(url) else {
            throw SecretServerError(
                code: .invalidResponse, message: "the Platform's default vault URL is not a plain http(s) URL", method: "GET", path: path
            )
        }
        if parsed.scheme?.lowercased() == "http", baseURL.lowercased().hasPrefix("https:") {
            throw SecretServerError(
                code: .invalidResponse,
                message: "the Platform (https) names a vault over plain http (\(url)); the token is not sent there", method: "GET", path: path
            )
        }
        if CredentialDestination.isPlainHTTPRefused(parsed, allowsPlainHTTP: allowsPlainHTTP) {
            throw SecretServerError(
                code: .invalidConfiguration,
                message: "refusing to send the Platform token to its vault \(url) over plain http; allow it on purpose with allowsPlainHTTP",
                method: "GET", path: path
            )
        }
        return url
    }
}

extension ServerEndpoints: Redacting {
    nonisolated var redactedDescription: String { "baseURL: \(CredentialDestination.shown(baseURL)), credentials: \(credentials)" }
}
