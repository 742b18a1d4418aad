import Foundation
import SecretServerEmulator
import Testing

/// RFC 6238's own test vectors (Appendix B, HMAC-SHA1, the ASCII secret "12345678901234567890"), then what the
/// local server's two-factor mode needs from them: a step either side, and base32 secrets as apps show them.
@Suite(.timeLimit(.minutes(5)))
struct TOTPTests {
    let rfc = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)

    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238Vectors(time: Int, code: String) {
        #expect(rfc.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == code)
    }

    @Test func sixDigitCodesMatchWithinAStepEitherSide() throws {
        let totp = try #require(TOTP(base32: "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"))  // "12345678901234567890"
        #expect(totp.secret == Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        #expect(totp.code(at: now) == "050471")
        #expect(totp.matchingStep("050471", at: now) == totp.step(at: now))
        #expect(totp.matchingStep(totp.code(at: now.addingTimeInterval(-30)), at: now) == totp.step(at: now) - 1)
        #expect(totp.matchingStep(totp.code(at: now.addingTimeInterval(90)), at: now) == nil)
        #expect(totp.matchingStep("05047", at: now) == nil && totp.matchingStep("abcdef", at: now) == nil)
        // Not base32, or shorter than RFC 4226's 128 bits.
        #expect(TOTP(base32: "not base32!") == nil && TOTP(base32: "GEZDGNBVGY3TQOJQ") == nil)
        #expect(!"\(totp)".contains("12345"))
    }
}
