import Foundation
import HummingbirdTesting
import NIOCore
import SecretServerEmulator
import SesameTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct OAuthRouteTests {
    @Test func passwordGrantIssuesBearerTokenWithLifetime() async throws {
        try await withRouter(TestEmulator.configuration(tokenLifetime: 321)) { client in
            try await client.execute(
                uri: "/SecretServer/oauth2/token", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=ADMIN&password=\(TestEmulator.adminPassword.formEncoded)&grant_type=password")
            ) { response in
                #expect(response.status == .ok)
                let body = response.json
                #expect(body["token_type"]?.stringValue == "bearer")
                #expect(body["expires_in"]?.intValue == 321)
                #expect((body["access_token"]?.stringValue?.count ?? 0) > 20)
                #expect(body["refresh_token"]?.stringValue != nil)
            }
        }
    }

    @Test func wrongPasswordIsAnOAuthError() async throws {
        try await withRouter { client in
            for body in [
                "username=admin&password=nope&grant_type=password", "username=ghost&password=x&grant_type=password",
                "username=admin&password=\(TestEmulator.adminPassword.formEncoded)&grant_type=password&domain=CORP",
            ] {
                try await client.execute(
                    uri: "/oauth2/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.json["error"]?.stringValue == "invalid_grant")
                    #expect(!response.text.contains("nope"))
                }
            }
        }
    }

    @Test func unsupportedOrMissingGrant() async throws {
        try await withRouter { client in
            for body in ["grant_type=magic", "username=admin"] {
                try await client.execute(uri: "/oauth2/token", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.json["error"]?.stringValue == "unsupported_grant_type")
                }
            }
        }
    }

    @Test func refreshTokensAreSingleUse() async throws {
        try await withRouter { client in
            let refresh = try await client.execute(
                uri: "/oauth2/token", method: .post,
                body: ByteBuffer(string: "username=admin&password=\(TestEmulator.adminPassword.formEncoded)&grant_type=password")
            ) { try #require($0.json["refresh_token"]?.stringValue) }
            let grant = ByteBuffer(string: "grant_type=refresh_token&refresh_token=\(refresh)")
            let newAccess = try await client.execute(uri: "/oauth2/token", method: .post, body: grant) { response in
                #expect(response.status == .ok)
                return try #require(response.json["access_token"]?.stringValue)
            }
            try await client.execute(uri: "/oauth2/token", method: .post, body: grant) { response in
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?.stringValue == "invalid_grant")
            }
            let check = try await client.api(.get, "/v1/users/current", token: newAccess)
            #expect(check.status == .ok)
            #expect(check.json["userName"]?.stringValue == "admin")
        }
    }

    @Test func missingUnknownAndRevokedTokens() async throws {
        try await withRouter { client in
            let none = try await client.api(.get, "/v1/secrets", token: nil)
            #expect(none.status == .unauthorized)
            #expect(none.json["message"]?.stringValue == "Authentication failed or expired token.")
            let garbage = try await client.api(.get, "/v1/secrets", token: "garbage")
            #expect(garbage.status == .unauthorized)
            let token = try await client.adminToken()
            #expect(try await client.api(.get, "/v1/secrets", token: token).status == .ok)
            let expire = try await client.api(.post, "/v1/oauth-expiration", token: token)
            #expect(expire.text == "true")
            let revoked = try await client.api(.get, "/v1/secrets", token: token)
            #expect(revoked.status == .forbidden)
            #expect(revoked.json["message"]?.stringValue == "Authentication failed or expired token.")
        }
    }

    @Test func expiredTokenIsForbidden() async throws {
        let clock = TestClock()
        var configuration = TestEmulator.configuration(tokenLifetime: 60)
        configuration.now = { clock.now }
        try await withRouter(configuration) { client in
            let token = try await client.adminToken()
            #expect(try await client.api(.get, "/v1/version", token: token).status == .ok)
            clock.advance(by: 61)
            #expect(try await client.api(.get, "/v1/version", token: token).status == .forbidden)
        }
    }
}

/// A wall clock that tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_750_000_000)
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
