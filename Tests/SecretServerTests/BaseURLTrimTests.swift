import Foundation
import Testing

@testable import SecretServer

@Suite(.timeLimit(.minutes(1))) struct BaseURLTrimTests {
    /// The client trims its base URL by scalar (not through NSString): the same blanks as Foundation's `.whitespaces`,
    /// on either side, checked scalar by scalar over the Basic Multilingual Plane and the next one.
    @Test func theBaseURLLosesFoundationsBlanksAndNothingElse() {
        for value in 0...0x1_FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let blank = String(Character(scalar))
            for text in [blank + "x", "x" + blank, blank + "x" + blank + blank] {
                #expect(Transport.trimmingSpaces(text) == text.trimmingCharacters(in: .whitespaces), "U+\(String(value, radix: 16))")
            }
        }
        #expect(Transport.trimmingSpaces(" \t\u{3000} ") == "" && Transport.trimmingSpaces("") == "")
        #expect(Transport.trimmingSpaces("\u{A0}https://ss.example.com/SecretServer/\u{200B}") == "https://ss.example.com/SecretServer/")
    }
}
