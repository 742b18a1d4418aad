import AsyncHTTPClient
import Foundation
import SecretServer
import SecretServerEmulator
import SesameTestSupport
import Testing

/// Password guessing at the token route: per-user lockout (the real server's `loginFailures` / `isLockedOut`) and a
/// per-address throttle, over real HTTP.
@Suite(.timeLimit(.minutes(5))) struct LoginProtectionTests {
    /// POSTs a password grant and returns the status, the body and the Retry-After header.
    func signIn(_ server: EmulatorServer, _ user: String, _ password: String) async throws -> (Int, String, String?) {
        var request = HTTPClientRequest(url: server.baseURL + "/oauth2/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = "grant_type=password&username=\(user)&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        request.body = .bytes(Array(form.utf8))
        // A functional check, not a timing one: a loaded machine may be slow.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), body, response.headers.first(name: "Retry-After"))
    }

    /// A test server that locks a user out after `lockAfter` failures and throttles an address after `perAddress`.
    static func configuration(
        lockAfter: Int, perAddress: Int, storage: EmulatorConfiguration.Storage = .memory
    ) -> EmulatorConfiguration {
        var configuration = TestEmulator.configuration(storage: storage)
        configuration.maximumLoginFailures = lockAfter
        configuration.failedLoginsPerAddress = perAddress
        return configuration
    }

    @Test func repeatedFailuresLockTheUserUntilAnAdministratorUnlocks() async throws {
        let configuration = Self.configuration(lockAfter: 3, perAddress: 0)
        try await TestEmulator.withClient(configuration) { admin, server in
            let alice = try await admin.createUser(NewUser(userName: "alice", password: "Alice-Right-Pass1"))
            for _ in 0..<3 {
                let (status, body, _) = try await signIn(server, "alice", "wrong-guess")
                #expect(status == 400 && body.contains("invalid_grant"))
            }
            let locked = try await signIn(server, "alice", "Alice-Right-Pass1")
            #expect(locked.0 == 400 && locked.1.contains("invalid_grant"))
            let seen = try await admin.user(id: alice.id)
            #expect(seen.isLockedOut && seen.loginFailures == 3)

            _ = try await admin.updateUser(UserChanges(id: alice.id, isLockedOut: false))
            let unlocked = try await signIn(server, "alice", "Alice-Right-Pass1")
            #expect(unlocked.0 == 200, "\(unlocked.1)")
            #expect(try await admin.user(id: alice.id).loginFailures == 0)
        }
    }

    /// The server keeps callers in a read cache that a sign-in's own bookkeeping does not empty; a lock-out must
    /// still end a token already in use at once.
    @Test func aLockOutEndsATokenAlreadyInUse() async throws {
        let configuration = Self.configuration(lockAfter: 2, perAddress: 0)
        try await TestEmulator.withClient(configuration) { admin, server in
            _ = try await admin.createUser(NewUser(userName: "alice", password: "Alice-Right-Pass1"))
            let (status, body, _) = try await signIn(server, "alice", "Alice-Right-Pass1")
            #expect(status == 200)
            let token = try #require(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])["access_token"] as! String
            func whoAmI() async throws -> Int {
                var request = HTTPClientRequest(url: server.baseURL + "/api/v1/users/current")
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
            }
            #expect(try await whoAmI() == 200)
            // Another sign-in (lastLogin, loginFailures written) and one failure leave the token working.
            #expect(try await signIn(server, "alice", "Alice-Right-Pass1").0 == 200)
            #expect(try await signIn(server, "alice", "wrong-guess").0 == 400)
            #expect(try await whoAmI() == 200)
            #expect(try await signIn(server, "alice", "wrong-guess").0 == 400)
            // Refused as the real server refuses a revoked token.
            let afterLockOut = try await whoAmI()
            #expect(afterLockOut == 403)
        }
    }

    @Test func oneAddressGuessingIsThrottledWithRetryAfter() async throws {
        let time = ManualTime()
        var configuration = Self.configuration(lockAfter: 0, perAddress: 5)
        configuration.failedLoginWindow = 60
        configuration.now = { time.date }
        try await TestEmulator.with(configuration) { server in
            for _ in 0..<5 {
                #expect(try await signIn(server, "admin", "guess").0 == 400)
            }
            // Throttled now, even with the right password, and told when to come back.
            let throttled = try await signIn(server, "admin", TestEmulator.adminPassword)
            #expect(throttled.0 == 429 && throttled.1.contains("too_many_requests"))
            #expect(throttled.2.flatMap(Int.init).map { (1...60).contains($0) } == true)
            time.advance(by: .seconds(61))
            #expect(try await signIn(server, "admin", TestEmulator.adminPassword).0 == 200)
        }
    }

    /// Every failed sign-in answers alike: a disabled or locked-out user, an unknown name and a wrong password cannot
    /// be told apart, with the right password or a wrong one (no oracle for guessing).
    @Test func everyFailedSignInAnswersAlike() async throws {
        let configuration = Self.configuration(lockAfter: 2, perAddress: 0)
        try await TestEmulator.withClient(configuration) { admin, server in
            let disabled = try await admin.createUser(NewUser(userName: "dora", password: "Dora-Right-Pass1"))
            _ = try await admin.updateUser(UserChanges(id: disabled.id, enabled: false))
            _ = try await admin.createUser(NewUser(userName: "lars", password: "Lars-Right-Pass1"))
            _ = try await signIn(server, "lars", "wrong-1")
            _ = try await signIn(server, "lars", "wrong-2")
            let answers = [
                try await signIn(server, "dora", "Dora-Right-Pass1"), try await signIn(server, "dora", "wrong"),
                try await signIn(server, "lars", "Lars-Right-Pass1"), try await signIn(server, "lars", "wrong"),
                try await signIn(server, "nobody", "whatever"), try await signIn(server, "admin", "wrong"),
            ]
            for answer in answers {
                #expect(answer.0 == 400)
                #expect(answer.1 == answers[0].1, "\(answer.1) differs from \(answers[0].1)")
            }
            #expect(!answers[0].1.contains("disabled") && !answers[0].1.contains("locked"))
        }
    }

    /// An attempt counts from its start, before the slow password check: a burst of parallel guesses gets no more
    /// tries than the limit, and a success of one's own does not wipe the address's failures.
    @Test func parallelGuessesGetNoMoreThanTheLimit() async throws {
        var configuration = Self.configuration(lockAfter: 0, perAddress: 5)
        configuration.passwordHashCost = 12
        try await TestEmulator.withClient(configuration) { admin, server in
            _ = try await admin.createUser(NewUser(userName: "mallory", password: "Mallory-Own-Pass1"))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<24 { group.addTask { try await signIn(server, "admin", "guess-\(index)").0 } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 400 }.count <= 5, "\(statuses.sorted())")
            #expect(statuses.filter { $0 == 429 }.count >= 19)
            // Still throttled after the window's guesses, even for a right password of another user.
            #expect(try await signIn(server, "mallory", "Mallory-Own-Pass1").0 == 429)
        }
    }

    /// Anyone can send wrong passwords for `admin`: the last administrator who can sign in is never locked out
    /// (the throttle slows the guesses), while other users are.
    @Test func theLastAdministratorIsNeverLockedOut() async throws {
        let configuration = Self.configuration(lockAfter: 3, perAddress: 0)
        try await TestEmulator.withClient(configuration) { admin, server in
            _ = try await admin.createUser(NewUser(userName: "ursula", password: "Ursula-Right-Pass1"))
            for _ in 0..<6 {
                #expect(try await signIn(server, "admin", "wrong").0 == 400)
                #expect(try await signIn(server, "ursula", "wrong").0 == 400)
            }
            #expect(try await signIn(server, "admin", TestEmulator.adminPassword).0 == 200)
            #expect(try await signIn(server, "ursula", "Ursula-Right-Pass1").0 == 400)
            let me = try await admin.currentUser()
            #expect(try await admin.user(id: me.id).isLockedOut == false)
        }
    }

    /// Setting a locked-out administrator's password again (`SESAME_ADMIN_PASSWORD` at a start) ends the lockout.
    @Test func resettingTheAdminPasswordEndsItsLockout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Self.configuration(lockAfter: 2, perAddress: 0, storage: .file(path: directory.file("server.sqlite")))
        try await TestEmulator.withClient(configuration) { admin, server in
            // A second administrator, so the first may be locked out.
            let other = try await admin.createUser(NewUser(userName: "root2", password: "Root2-Right-Pass1"))
            let administrator = try #require(try await admin.roles().first { $0.name == "Administrator" })
            try await admin.assignRoles([administrator.id], toUser: other.id)
            for _ in 0..<2 { _ = try await signIn(server, "admin", "wrong") }
            #expect(try await signIn(server, "admin", TestEmulator.adminPassword).0 == 400)
        }
        configuration.adminPassword = "Reset-Admin-Passw0rd!"
        try await TestEmulator.with(configuration) { server in
            let (status, body, _) = try await signIn(server, "admin", "Reset-Admin-Passw0rd!")
            #expect(status == 200, "\(body)")
        }
    }
}
