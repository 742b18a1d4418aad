import ArgumentParser
import Foundation
import SecretServer
import Sesame

/// Ends a profile's stored session: on the server first (`oauth-expiration`, so a copy of the session store is
/// worth nothing), then in the store. The server is asked on a best-effort basis.
enum SessionEnding {
    /// What happened on the server, to say; nil when there was no session.
    static func end(profile name: String, settings: Profile?, store: SessionStore) async throws -> String? {
        try await store.locked {
            defer { try? store.remove(name) }
            guard let settings, let session = store.load(name, url: settings.url) else { return nil }
            let credentials: SecretServerClient.Credentials
            if session.expiresAt.timeIntervalSinceNow > 5 {
                credentials = .token(session.accessToken)
            } else if let refresh = session.refreshToken {
                credentials = .refreshToken(refresh)
            } else {
                return nil
            }
            let configuration = SecretServerClient.Configuration(
                baseURL: settings.url, credentials: credentials,
                tls: .init(caFile: settings.caFile, insecureSkipVerification: settings.insecure == true),
                timeouts: .init(connect: .seconds(3), request: .seconds(5)), retry: .none,
                server: settings.server.flatMap(SecretServerClient.ServerKind.init(rawValue:)) ?? .automatic,
                proxy: try? ConnectionOptions.proxyConfiguration(flag: nil, environment: ProcessEnvironment.current(), profile: settings)
            )
            do {
                _ = try await SecretServerClient.withClient(configuration: configuration) { client in
                    try await client.send(method: "POST", path: "/v1/oauth-expiration")
                }
                return "The server ended the session."
            } catch {
                return "The server could not end the session (\(CLIError.mapping(error)?.message ?? "\(error)")); "
                    + "its tokens stay valid until they expire."
            }
        }
    }
}
