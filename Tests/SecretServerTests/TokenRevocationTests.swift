import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Testing

/// Ending a session ends all of it: signing out spends the refresh token too, a password change ends the sessions
/// opened with the old password, and revoking an SDK client ends the tokens it was given. Over real HTTP.
@Suite(.timeLimit(.minutes(5))) struct TokenRevocationTests {
    struct Grant {
        var status: Int
        var access: String?
        var refresh: String?
    }

    func token(_ server: EmulatorServer, _ form: String) async throws -> Grant {
        var request = HTTPClientRequest(url: server.baseURL + "/oauth2/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(Array(form.utf8))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return Grant(status: Int(response.status.code), access: json?["access_token"] as? String, refresh: json?["refresh_token"] as? String)
    }

    func status(_ server: EmulatorServer, _ method: HTTPMethod, _ path: String, token: String, body: String? = nil) async throws -> Int {
        var request = HTTPClientRequest(url: server.baseURL + "/api" + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(body.utf8))
        }
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }

    func password(_ user: String, _ password: String) -> String {
        "grant_type=password&username=\(user)&password=\(password)"
    }

    @Test func signingOutSpendsTheRefreshTokenToo() async throws {
        try await TestEmulator.with { server in
            let grant = try await token(server, password("admin", TestEmulator.adminPassword))
            let access = try #require(grant.access)
            let refresh = try #require(grant.refresh)
            #expect(try await status(server, .POST, "/v1/oauth-expiration", token: access) == 200)
            #expect(try await status(server, .GET, "/v1/users/current", token: access) == 403)
            let renewed = try await token(server, "grant_type=refresh_token&refresh_token=\(refresh)")
            #expect(renewed.status == 400 && renewed.access == nil, "a signed-out session's refresh token still worked")
        }
    }

    @Test func aPasswordChangeEndsTheOtherSessions() async throws {
        try await TestEmulator.withClient { admin, server in
            let user = try await admin.createUser(NewUser(userName: "carol", password: "Carol-Old-Pass1"))
            let stolen = try await token(server, password("carol", "Carol-Old-Pass1"))
            let own = try await token(server, password("carol", "Carol-Old-Pass1"))
            let stolenAccess = try #require(stolen.access)
            let ownAccess = try #require(own.access)
            #expect(try await status(server, .GET, "/v1/users/current", token: stolenAccess) == 200)
            let body = #"{"id": \#(user.id), "password": "Carol-New-Pass2"}"#
            #expect(try await status(server, .PUT, "/v1/users/\(user.id)", token: ownAccess, body: body) == 200)
            #expect(try await status(server, .GET, "/v1/users/current", token: stolenAccess) == 403)
            #expect(try await token(server, "grant_type=refresh_token&refresh_token=\(stolen.refresh!)").status == 400)
            // The session that changed it goes on; the new password signs in.
            #expect(try await status(server, .GET, "/v1/users/current", token: ownAccess) == 200)
            #expect(try await token(server, password("carol", "Carol-New-Pass2")).status == 200)
            // An administrator's reset ends the user's own sessions as well.
            _ = try await admin.updateUser(UserChanges(id: user.id, password: "Carol-Reset-Pass3"))
            #expect(try await status(server, .GET, "/v1/users/current", token: ownAccess) == 403)
        }
    }

    @Test func revokingAnSdkClientEndsItsTokens() async throws {
        try await TestEmulator.withClient { admin, server in
            let app = try await admin.createUser(NewUser(userName: "app", password: "App-Passw0rd-1"))
            let rule = try await admin.createSdkClientRule(name: "ci", userId: app.id)
            let key = try await admin.sdkClientOnboardingKey(ruleId: rule.id)
            let account = try await SecretServerClient.onboardSdkClient(baseURL: server.baseURL, ruleName: "ci", onboardingKey: key, name: "ci-runner")
            let secret = try #require(account.clientSecret)
            let grant = try await token(server, "grant_type=client_credentials&client_id=sdk-client-\(account.clientId)&client_secret=\(secret)")
            let access = try #require(grant.access)
            #expect(try await status(server, .GET, "/v1/users/current", token: access) == 200)
            let listed = try #require(try await admin.sdkClientAccounts().first { $0.clientId == account.clientId })
            try await admin.revokeSdkClient(id: listed.id)
            #expect(try await status(server, .GET, "/v1/users/current", token: access) == 403)
            // The grant came with a refresh token (the local server issues one with every token): it is dead too.
            let refresh = try #require(grant.refresh)
            #expect(try await token(server, "grant_type=refresh_token&refresh_token=\(refresh)").status == 400)
        }
    }

    /// Any signed-in user may look users up (to share a secret), but sees who they are, never their e-mail
    /// address, sign-in history or lockout state; administrators and the user themselves see everything.
    @Test func usersSeeWhoOthersAreButNotTheirDetails() async throws {
        try await TestEmulator.withClient { admin, server in
            let alice = try await admin.createUser(NewUser(userName: "alice", password: "Alice-Passw0rd-1", emailAddress: "alice@example.com"))
            _ = try await admin.createUser(NewUser(userName: "bob", password: "Bob-Passw0rd-1", emailAddress: "bob@example.com"))
            // Alice signs in once (so she has a last sign-in to hide), then is guessed at twice.
            #expect(try await token(server, password("alice", "Alice-Passw0rd-1")).access != nil)
            for _ in 0..<2 { _ = try? await token(server, password("alice", "wrong-guess")) }
            let full = try await admin.user(id: alice.id)
            #expect(full.loginFailures == 2 && full.lastLogin != nil && full.created != nil, "the administrator sees the details")
            let asBob = try SecretServerClient(
                configuration: .init(baseURL: server.baseURL, credentials: .password(username: "bob", password: "Bob-Passw0rd-1")))
            defer { Task { try? await asBob.shutdown() } }
            let seen = try await asBob.searchUsers(text: "").collect()
            let aliceSeen = try #require(seen.first { $0.userName == "alice" })
            #expect(aliceSeen.emailAddress == nil && aliceSeen.lastLogin == nil && aliceSeen.loginFailures == 0 && aliceSeen.created == nil)
            #expect(seen.first { $0.userName == "bob" }?.emailAddress == "bob@example.com")
            let one = try await asBob.user(id: alice.id)
            #expect(one.userName == "alice" && one.emailAddress == nil && one.created == nil && one.loginFailures == 0)
            #expect(try await admin.user(id: alice.id).emailAddress == "alice@example.com")
        }
    }
}
