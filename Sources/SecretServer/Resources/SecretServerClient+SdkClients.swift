import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SecretServerModels
import SesameHTTP

extension SecretServerClient {
    /// Onboards this machine as an SDK client (`POST /api/v1/sdk-client-accounts`, no sign-in needed): with the
    /// rule's name and onboarding key. Keep the answer's `clientSecret`; it is shown only once. Sign in with
    /// `.sdkClient(clientId:clientSecret:)` afterwards.
    public static func onboardSdkClient(
        baseURL: String, ruleName: String, onboardingKey: String, name: String, description: String? = nil,
        clientId: UUID = UUID(), tls: TLS = TLS(), proxy: ProxyConfiguration? = nil, allowsPlainHTTP: Bool = false
    ) async throws -> SdkClientAccountModel {
        // The key goes out and the client's secret comes back: never over plain http off this machine, unless asked.
        guard let url = CredentialDestination.url(baseURL) else {
            throw SecretServerError(
                code: .invalidConfiguration,
                message: "the base URL '\(CredentialDestination.shown(baseURL))' is not an http(s) URL with a host (and no user, query or fragment)")
        }
        if CredentialDestination.isPlainHTTPRefused(url, allowsPlainHTTP: allowsPlainHTTP) {
            throw SecretServerError(
                code: .invalidConfiguration,
                message: "refusing to send the onboarding key to \(baseURL) over plain http: anyone on the network can read it and the "
                    + "client secret that comes back; use https://, or allow it on purpose with allowsPlainHTTP (sesame: --allow-plain-http)"
            )
        }
        struct Body: Encodable { var clientId: String; var name: String; var description: String?; var ruleName: String; var onboardingKey: String }
        let proxies: ProxyConfiguration
        do {
            proxies = try proxy ?? ProxyConfiguration.environment(ProcessInfo.processInfo.environment)
        } catch let error as ProxyError {
            throw SecretServerError(code: .invalidConfiguration, message: error.description)
        }
        let http = HTTPClientFactory.owner(
            connectTimeout: .seconds(10), readTimeout: .seconds(60), tls: try Transport.tlsConfiguration(tls), proxies: proxies
        )
        defer { Task { try? await http.shutdown() } }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var request = OutgoingRequest(url: base + "/api/v1/sdk-client-accounts", method: .POST)
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = Body(
            clientId: clientId.uuidString.lowercased(), name: name, description: description, ruleName: ruleName,
            onboardingKey: onboardingKey)
        request.body = ByteBuffer(bytes: try WireCoding.makeEncoder().encode(body))
        let path = "/v1/sdk-client-accounts"
        let response = try await Transport.perform(
            request, client: http, timeout: .seconds(60), path: path, maximumSize: Transport.maximumTokenResponseSize)
        guard (200..<300).contains(response.status) else {
            let error = try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
            throw SecretServerError(
                code: error?.errorCode == "API_AccessDenied" ? .accessDenied : .badRequest,
                message: error?.message ?? "onboarding refused (HTTP \(response.status))", status: response.status,
                errorCode: error?.errorCode, method: "POST", path: path
            )
        }
        return try WireCoding.makeDecoder().decode(SdkClientAccountModel.self, from: Data(response.body.readableBytesView))
    }

    /// Creates an onboarding rule whose accounts act as `userId` (an application account): administrators.
    public func createSdkClientRule(name: String, userId: Int, requireOnboardingKey: Bool = true, details: String? = nil) async throws
        -> SdkClientRuleModel
    {
        struct Body: Encodable { var name: String; var userId: Int; var requireOnboardingKey: Bool; var details: String? }
        return try await send(
            .POST, "/v1/sdk-client-rules", body: Body(name: name, userId: userId, requireOnboardingKey: requireOnboardingKey, details: details))
    }

    /// A rule's onboarding key.
    public func sdkClientOnboardingKey(ruleId: Int) async throws -> String {
        try await get("/v1/sdk-client-rules/\(ruleId)/onboarding-key", as: String.self)
    }

    /// The onboarded SDK client accounts that are not revoked.
    public func sdkClientAccounts() async throws -> [SdkClientAccountModel] {
        try await paged("/v1/sdk-client-accounts", pageSize: 500, of: SdkClientAccountModel.self).collect()
    }

    /// Revokes an SDK client account; its secret stops working.
    public func revokeSdkClient(id: Int) async throws {
        let _: Bool = try await send(.POST, "/v1/sdk-client-accounts/\(id)/revoke", idempotent: true)
    }
}
