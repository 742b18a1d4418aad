import Foundation
import SecretServer
import SecretServerEmulator
import SesameTestSupport
import Synchronization
import Testing

/// Two-factor sign-in: the local server's opt-in TOTP mode asks the password grant for the `OTP` header, and the
/// client sends `oneTimePassword` there. A code signs in once; a wrong or missing one never does.
@Suite(.timeLimit(.minutes(5)))
struct TwoFactorTests {
    @Test func thePasswordGrantNeedsTheCurrentCodeOnce() async throws {
        let totp = try #require(TOTP(base32: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
        let clock = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var configuration = TestEmulator.configuration()
        configuration.now = { clock.withLock { $0 } }
        configuration.twoFactor = ["ADMIN": totp]
        try await TestEmulator.with(configuration) { server in
            func signIn(_ code: String?) async throws -> SecretServerError? {
                var client = TestEmulator.clientConfiguration(server, retry: .none)
                client.oneTimePassword = code
                return try await SecretServerClient.withClient(configuration: client) { api in
                    do {
                        _ = try await api.currentUser()
                        return nil
                    } catch let error as SecretServerError {
                        return error
                    }
                }
            }
            let missing = try await signIn(nil)
            // A missing code is answered as a wrong password: nothing tells a guesser the password was right.
            #expect(missing?.code == .authenticationFailed && missing?.message.contains("Login failed") == true, "\(String(describing: missing))")
            let wrong = try await signIn("000000" == totp.code(at: clock.withLock { $0 }) ? "111111" : "000000")
            #expect(wrong?.message.contains("Login failed") == true, "\(String(describing: wrong))")
            let code = totp.code(at: clock.withLock { $0 })
            #expect(try await signIn(code) == nil)
            // The same code again (seen on the wire, over a shoulder): refused.
            let replayed = try await signIn(code)
            #expect(replayed?.message.contains("Login failed") == true, "\(String(describing: replayed))")
            // The next step's code works; the code of a step already passed does not.
            clock.withLock { $0 = $0.addingTimeInterval(30) }
            #expect(try await signIn(totp.code(at: clock.withLock { $0 })) == nil)
            #expect(try await signIn(totp.code(at: clock.withLock { $0 }.addingTimeInterval(-30))) != nil)
        }
    }
}
