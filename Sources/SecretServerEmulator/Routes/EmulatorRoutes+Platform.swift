import Foundation
import Hummingbird
import SecretServerModels
import SesameRedaction

/// The Delinea Platform front door (`EmulatorConfiguration.Platform`): what python-tss-sdk, tss-sdk-go, the
/// Ansible `community.general.tss` lookup and External Secrets call on a Platform base URL before they use its
/// Secret Server vault.
extension EmulatorRoutes {
    /// Tokens of Platform service users carry this before their client id (so they can be told from others).
    static let platformClientPrefix = "platform:"

    func registerPlatform(on router: Router<Context>) {
        let base = configuration.platform.normalizedPath
        guard !base.isEmpty else { return }
        // Healthy: how clients tell a Platform from a Secret Server (whose own health check is not served here).
        router.on(RouterPath(base + "/health"), method: .get) { _, _ in
            let casing = self.configuration.platform.healthCasing
            var members: [String] = []
            if casing != .camel { members.append(#""Healthy": true"#) }
            if casing != .pascal { members.append(#""healthy": true"#) }
            return Responses.rawJSON("{" + members.joined(separator: ", ") + "}")
        }
        // The Ansible lookup sends the Platform grant to its token_path_uri, `/oauth2/token` unless set (its own
        // documented Platform example sets none): that path takes the same grant here (an inference, see the README).
        for path in ["/identity/api/oauth2/token/xpmplatform", "/oauth2/token"] {
            router.on(RouterPath(base + path), method: .post) { request, context in
                try await self.throttled(context) { try await self.platformToken(request) }
            }
        }
        router.on(RouterPath(base + "/vaultbroker/api/vaults"), method: .get) { request, context in
            guard let token = Self.bearerToken(request) else { throw EmulatorAPIError.unauthenticated }
            let session = try self.tokens.session(for: token).get()
            // Only a Platform token opens the vault broker, as on the Platform (a Secret Server token is not one).
            guard session.client?.hasPrefix(Self.platformClientPrefix) == true else { throw EmulatorAPIError.unauthenticated }
            let vault = JSONValue.object(
                JSONObject([
                    ("vaultId", .string("sesame-local")), ("name", .string("Sesame local Secret Server")),
                    ("type", .string(self.configuration.platform.vaultType)), ("isDefault", .bool(true)), ("isActive", .bool(true)),
                    ("connection", .object(JSONObject([("url", .string(self.secretServerURL(request, context)))]))),
                ]))
            return try Responses.json(JSONValue.object(JSONObject([("vaults", .array([vault]))])))
        }
    }

    /// `POST {platform}/identity/api/oauth2/token/xpmplatform`: the client credentials grant of a Platform service
    /// user, scope `xpmheadless`, form-encoded. No refresh token: a service user signs in again.
    func platformToken(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let form = QueryParameters(String(buffer: buffer))
        guard form.string("grant_type")?.lowercased() == "client_credentials" else {
            throw EmulatorAPIError.oauth("unsupported_grant_type", "The Platform token route takes grant_type=client_credentials.")
        }
        guard let clientId = form.string("client_id"), !clientId.isEmpty, let secret = form.string("client_secret"), !secret.isEmpty else {
            throw EmulatorAPIError.oauth("invalid_request", "client_id and client_secret are required.")
        }
        if let scope = form.string("scope"), !scope.isEmpty,
            !scope.split(separator: " ").contains(where: { $0.lowercased() == "xpmheadless" })
        {
            throw EmulatorAPIError.oauth("invalid_scope", "The scope must be xpmheadless.")
        }
        guard let userId = try await store.admin.authenticatePlatformClient(clientId: clientId, secret: secret) else {
            var error = EmulatorAPIError.oauth("invalid_client", "The client is unknown or its secret is wrong.")
            error.status = .unauthorized
            throw error
        }
        var issued = tokens.issue(userId: userId, client: Self.platformClientPrefix + clientId.lowercased(), refreshable: false)
        issued.tokenType = "Bearer"
        return try Responses.json(PlatformTokenResponse(issued))
    }

    /// The Secret Server base URL as the caller reached this server: its scheme, the host and port it asked for
    /// (a bare ASCII `host[:port]`; anything else falls back to the address the connection came in on), and the
    /// base path.
    func secretServerURL(_ request: Request, _ context: Context) -> String {
        let scheme = configuration.tls == nil ? "http" : "https"
        let asked = request.head.authority.flatMap { authority -> String? in
            guard !authority.isEmpty, authority.utf8.count <= 255,
                authority.utf8.allSatisfy({ byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                        || [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]")].contains(byte)
                })
            else { return nil }
            return authority
        }
        let local = context.channel.localAddress
        let fallbackHost = local?.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? configuration.host
        let host = asked ?? "\(fallbackHost):\(local?.port ?? configuration.port)"
        return "\(scheme)://\(host)\(configuration.normalizedBasePath)"
    }
}

/// The Platform token answer: OAuth's fields, with the scope granted.
struct PlatformTokenResponse: Encodable {
    var accessToken: String
    var tokenType: String
    var expiresIn: Int
    var scope = "xpmheadless"

    init(_ token: TokenResponse) {
        accessToken = token.accessToken
        tokenType = token.tokenType
        expiresIn = token.expiresIn
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in", scope
    }
}

extension PlatformTokenResponse: Redacting {
    var redactedDescription: String { "accessToken: <redacted>, tokenType: \(tokenType), expiresIn: \(expiresIn), scope: \(scope)" }
}
