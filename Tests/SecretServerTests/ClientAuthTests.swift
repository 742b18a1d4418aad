import AsyncHTTPClient
import Foundation
import NIOCore
import SecretServer
import SecretServerEmulator
import SecretServerModels
import SesameTestSupport
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ClientAuthTests {
    @Test func tokenIsRenewedOnceBeforeExpiryUnderConcurrency() async throws {
        let server = ManualTime()
        let client = ManualTime()
        var configuration = TestEmulator.configuration(tokenLifetime: 60)
        configuration.now = { server.date }
        try await TestEmulator.with(configuration) { emulator in
            var clientConfiguration = TestEmulator.clientConfiguration(emulator)
            clientConfiguration.now = { client.instant }
            try await SecretServerClient.withClient(configuration: clientConfiguration) { api in
                try await Self.burst(api, count: 200)
                #expect(await emulator.issuedTokenCount() == 1)
                // 59 s on: past the renewal point (a tenth of the lifetime early), before the server's expiry.
                client.advance(by: .seconds(59))
                server.advance(by: .seconds(59))
                try await Self.burst(api, count: 200)
                #expect(await emulator.issuedTokenCount() == 2)
            }
        }
    }

    /// A server (60 s tokens) whose clock the test moves, and a client that believes its token never ages, so only
    /// the server's refusal can make it sign in again.
    func withExpiringTokens(_ body: @Sendable (SecretServerClient, EmulatorServer, ManualTime) async throws -> Void) async throws {
        let server = ManualTime()
        var configuration = TestEmulator.configuration(tokenLifetime: 60)
        configuration.now = { server.date }
        try await TestEmulator.with(configuration) { emulator in
            var clientConfiguration = TestEmulator.clientConfiguration(emulator)
            let frozen = ContinuousClock.now
            clientConfiguration.now = { frozen }
            try await SecretServerClient.withClient(configuration: clientConfiguration) { api in
                try await body(api, emulator, server)
            }
        }
    }

    @Test func refusedTokenIsReplacedOnceAndTheRequestRetried() async throws {
        try await withExpiringTokens { api, emulator, server in
            try await Self.burst(api, count: 20)
            server.advance(by: .seconds(61))  // the server now refuses the token (403, expired)
            try await Self.burst(api, count: 100)
            #expect(await emulator.issuedTokenCount() == 2)
        }
    }

    /// The server's clock passes the token's expiry while 500 requests are in flight (100 answered, 400 sent or
    /// about to be): every one of the 500 succeeds, and the client signs in again once, not once per request.
    @Test func tokenExpiringInTheMiddleOf500ConcurrentRequestsReachesNoCaller() async throws {
        try await withExpiringTokens { api, emulator, server in
            _ = try await api.currentUser()
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<500 { group.addTask { try await api.currentUser().userName == "admin" } }
                var answered = 0
                for try await correct in group {
                    #expect(correct)
                    answered += 1
                    if answered == 100 { server.advance(by: .seconds(61)) }
                }
                return answered
            }
            #expect(answered == 500)
            #expect(await emulator.issuedTokenCount() == 2)
        }
    }

    /// `count` concurrent reads; every one must succeed.
    static func burst(_ client: SecretServerClient, count: Int) async throws {
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<count { group.addTask { try await client.currentUser().userName } }
            var successes = 0
            for try await name in group where name == "admin" { successes += 1 }
            #expect(successes == count)
        }
    }

    @Test func preIssuedTokenIsUsedAndNotRenewed() async throws {
        try await TestEmulator.with { server in
            let token = try await Self.rawToken(server)
            let configuration = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .token(token))
            #expect(!configuration.credentials.description.contains(token))
            try await SecretServerClient.withClient(configuration: configuration) { client in
                let user = try await client.currentUser()
                #expect(user.userName == "admin")
                #expect(await server.issuedTokenCount() == 1)
            }
            let bad = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .token("not-a-token"))
            try await SecretServerClient.withClient(configuration: bad) { client in
                let error = await #expect(throws: SecretServerError.self) { try await client.currentUser() }
                #expect(error?.code == .authenticationFailed)
                #expect(error?.status == 401)
            }
        }
    }

    @Test func wrongPasswordFailsClearlyWithoutShowingIt() async throws {
        try await TestEmulator.with { server in
            let configuration = SecretServerClient.Configuration(
                baseURL: server.baseURL, credentials: .password(username: "admin", password: "Wrong-Pass-123")
            )
            #expect(!configuration.credentials.description.contains("Wrong-Pass-123"))
            try await SecretServerClient.withClient(configuration: configuration) { client in
                let error = await #expect(throws: SecretServerError.self) { try await client.secret(id: 1) }
                #expect(error?.code == .authenticationFailed)
                #expect(error?.status == 400)
                #expect(error?.message.contains("invalid_grant") == true)
                #expect(!(error?.description.contains("Wrong-Pass-123") ?? true))
            }
        }
    }

    /// Signs in with a plain HTTP POST, as another tool would, and returns the access token.
    static func rawToken(_ server: EmulatorServer) async throws -> String {
        var request = HTTPClientRequest(url: server.baseURL + "/oauth2/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let password = TestEmulator.adminPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        request.body = .bytes(ByteBuffer(string: "grant_type=password&username=admin&password=\(password)"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try WireCoding.makeDecoder().decode(TokenResponse.self, from: Data(body.readableBytesView)).accessToken
    }
}

/// A refresh token is good once: when the connection drops after the server may have spent it, the client says so
/// and never sends it again (a second try could only be refused, and would hide what happened).
@Suite(.timeLimit(.minutes(5)))
struct RefreshGrantTests {
    @Test func aRefreshGrantIsNeverSentTwice() async throws {
        try await TestEmulator.withClient { admin, server in
            let refresh = try #require(try await admin.session().refreshToken)
            let issued = await server.issuedTokenCount()
            server.faults.fail(next: 1, with: .dropConnectionAfterHandling, pathContains: "oauth2/token")
            let client = try SecretServerClient(
                configuration: .init(
                    baseURL: server.baseURL, credentials: .refreshToken(refresh), retry: .init(maxAttempts: 4, baseDelay: .milliseconds(5))
                ))
            defer { Task { try? await client.shutdown() } }
            let failure = await #expect(throws: SecretServerError.self) { try await client.currentUser() }
            #expect(failure?.code == .transport, "\(String(describing: failure))")
            #expect(failure?.message.contains("renewed by the server") == true)
            // The server spent it once (and issued a token nobody received); no second grant arrived.
            #expect(await server.issuedTokenCount() == issued + 1)
            #expect(server.faults.injectedCount == 1)
        }
    }
}

/// A kept session (`Credentials.kept`): a stored access token the server refuses is not taken back from the keeper;
/// the refresh token renews it, and the keeper keeps the new session.
@Suite(.timeLimit(.minutes(5)))
struct KeptSessionTests {
    final class Keeper: SessionKeeper, @unchecked Sendable {
        let principal = "user:admin"
        private let lock = NSLock()
        private var session: KeptSession?
        private(set) var exchanges = 0

        init(_ session: KeptSession) { self.session = session }
        var kept: KeptSession? { lock.withLock { session } }
        func load() async throws -> KeptSession? { lock.withLock { session } }
        func exchange(_ renew: @escaping @Sendable (KeptSession?) async throws -> KeptSession) async throws -> KeptSession {
            let current = lock.withLock { () -> KeptSession? in
                exchanges += 1
                return session
            }
            let renewed = try await renew(current)
            lock.withLock { session = renewed }
            return renewed
        }
    }

    @Test func aRefusedStoredTokenIsRenewedWithTheRefreshToken() async throws {
        try await TestEmulator.withClient { admin, server in
            let refresh = try #require(try await admin.session().refreshToken)
            // Not expired by the clock, but unknown to the server.
            let keeper = Keeper(KeptSession(accessToken: "refused-by-the-server", refreshToken: refresh, expiresAt: Date() + 3600))
            let client = try SecretServerClient(configuration: .init(baseURL: server.baseURL, credentials: .kept(keeper), retry: .none))
            defer { Task { try? await client.shutdown() } }
            let me = try await client.currentUser()
            #expect(me.userName == "admin")
            #expect(keeper.exchanges == 1)
            #expect(keeper.kept?.accessToken != "refused-by-the-server" && keeper.kept?.refreshToken != refresh)
        }
    }

    /// A base URL is an http(s) URL with a host and nothing a credential could leak into or be confused by: no
    /// user or password in it (they would go to the server, and to logs), no query or fragment.
    @Test func aBaseURLWithAUserAQueryOrAFragmentIsRefused() throws {
        for url in [
            "https://user:pw@ss.example.com/SecretServer", "https://user@ss.example.com/SecretServer",
            "https://ss.example.com/SecretServer?x=1", "https://ss.example.com/SecretServer#top", "ftp://ss.example.com/SecretServer",
            "https:///SecretServer",
        ] {
            let error = #expect(throws: SecretServerError.self) {
                try SecretServerClient(configuration: .init(baseURL: url, credentials: .password(username: "u", password: "p")))
            }
            #expect(error?.code == .invalidConfiguration && error?.message.contains("not an http(s) URL") == true, "\(url)")
            #expect(error?.message.contains("pw") == false, "the password in the URL is shown: \(error?.message ?? "")")
        }
        let configuration = SecretServerClient.Configuration(
            baseURL: "https://user:pw@ss.example.com/SecretServer", credentials: .password(username: "u", password: "p"))
        #expect(!"\(configuration)".contains("pw") && "\(configuration)".contains("https://***@ss.example.com/SecretServer"))
        // A password may hold '/', '?' or '#', and a URL may have no scheme: none of it is shown.
        for url in ["https://u:s3/cr3t@host/SS", "https://u:s3#cr3t@host/SS", "https://u:s3?cr3t@host/SS", "u:s3cr3t@host/SS", "//u:s3cr3t@host/SS"] {
            let shown = "\(SecretServerClient.Configuration(baseURL: url, credentials: .password(username: "u", password: "p")))"
            #expect(!shown.contains("cr3t"), "\(shown)")
        }
        // A refused URL's query or fragment may carry a token: not shown either, in the description or the error.
        for url in ["https://ss.example.com/SecretServer?access_token=cr3t", "https://ss.example.com/SecretServer#token=cr3t", "https://u:p@h/SS?t=cr3t"] {
            let shown = "\(SecretServerClient.Configuration(baseURL: url, credentials: .password(username: "u", password: "p")))"
            #expect(!shown.contains("cr3t") && shown.contains("***"), "\(shown)")
            let error = #expect(throws: SecretServerError.self) {
                try SecretServerClient(configuration: .init(baseURL: url, credentials: .password(username: "u", password: "p")))
            }
            #expect(error?.message.contains("cr3t") == false, "\(error?.message ?? "")")
        }
    }

    @Test func credentialsGoOverPlainHTTPOnlyToThisMachine() throws {
        for url in ["http://192.0.2.1/SecretServer", "http://vault.localhost/SecretServer", "http://127.0.0.1.example.com/SecretServer"] {
            let error = #expect(throws: SecretServerError.self) {
                try SecretServerClient(configuration: .init(baseURL: url, credentials: .password(username: "u", password: "p")))
            }
            #expect(error?.code == .invalidConfiguration && error?.message.contains("plain http") == true, "\(url)")
        }
        for url in ["http://127.0.0.1:8088/SecretServer", "http://localhost/SecretServer", "http://[::1]:8088/SecretServer"] {
            _ = try SecretServerClient(configuration: .init(baseURL: url, credentials: .password(username: "u", password: "p")))
        }
        _ = try SecretServerClient(
            configuration: .init(
                baseURL: "http://192.0.2.1/SecretServer", credentials: .password(username: "u", password: "p"), allowsPlainHTTP: true
            ))
    }
}
