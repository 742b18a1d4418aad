import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SecretServerModels
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

    nonisolated let baseURL: String
    private let configured: SecretServerClient.ServerKind
    private nonisolated let credentials: SecretServerClient.Credentials
    private let http: HTTPClient
    private let timeout: Duration
    private let userAgent: String
    private let allowsPlainHTTP: Bool
    private var known: Kind?
    private var vaultURL: String?

    init(configuration: SecretServerClient.Configuration, baseURL: String, http: HTTPClient) throws {
        self.baseURL = baseURL
        self.configured = configuration.server
        self.credentials = configuration.credentials
        self.http = http
        self.timeout = min(configuration.timeouts.request, .seconds(30))
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

    /// What the base URL is: as configured or implied by the credentials, else probed once.
    func kind() async -> Kind {
        if let known { return known }
        let found: Kind
        if await probe("/api/v1/healthcheck") {
            found = .secretServer
        } else if await probe("/health") {
            found = .platform
        } else {
            // Neither answers healthy: treat it as a Secret Server, whose own errors then say what is wrong.
            found = .secretServer
        }
        known = found
        return found
    }

    /// The URL the API is below (`{apiBase}/api/v1/...`): the base URL, or for a Platform its vault's URL, asked
    /// of the vault broker with `token` the first time.
    func apiBase(token: String) async throws -> String {
        guard await kind() == .platform else { return baseURL }
        if let vaultURL { return vaultURL }
        let found = try await discoverVault(token: token)
        vaultURL = found
        return found
    }

    /// Whether `GET {base}{path}` answers 200 with a healthy body (JSON `Healthy`/`healthy` true, or the word).
    private func probe(_ path: String) async -> Bool {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        guard let response = try? await Transport.perform(
            request, client: http, timeout: timeout, method: .GET, path: path, maximumSize: 64 * 1024
        ), response.status == 200 else { return false }
        let data = Data(response.body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            return object.contains { $0.key.lowercased() == "healthy" && ($0.value as? Bool) == true }
        }
        return String(decoding: data, as: UTF8.self).lowercased().contains("healthy")
    }

    /// The `connection.url` of the default active vault in `GET {base}/vaultbroker/api/vaults`.
    private func discoverVault(token: String) async throws -> String {
        let path = "/vaultbroker/api/vaults"
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        let response = try await Transport.perform(request, client: http, timeout: timeout, method: .GET, path: path, maximumSize: 1 << 20)
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
        // The Platform token goes there: the same rules as for the base URL.
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host
        else {
            throw SecretServerError(code: .invalidResponse, message: "the Platform's default vault URL is not an http(s) URL", method: "GET", path: path)
        }
        if scheme == "http", !allowsPlainHTTP, !Transport.isLoopback(host) {
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
    nonisolated var redactedDescription: String { "baseURL: \(baseURL), credentials: \(credentials)" }
}
