import Crypto
import Foundation
import SesameRedaction

/// Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps), as authenticator apps make
/// them: the local server's opt-in two-factor mode checks them on the password grant's `OTP` header.
public struct TOTP: Sendable, Hashable {
    /// The shared secret.
    public let secret: [UInt8]
    public let digits: Int
    public let period: TimeInterval

    /// - Parameter digits: 6 to 9 (clamped).
    public init(secret: [UInt8], digits: Int = 6, period: TimeInterval = 30) {
        self.secret = secret
        self.digits = min(9, max(6, digits))
        self.period = period
    }

    /// From the base32 text authenticator apps show (spaces, case and `=` padding ignored); nil unless it holds 128
    /// bits or more (RFC 4226's minimum).
    public init?(base32 text: String, digits: Int = 6) {
        guard let secret = Self.base32Decode(text), secret.count >= 16 else { return nil }
        self.init(secret: secret, digits: digits)
    }

    /// The step a time falls in.
    public func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / period).rounded(.down)) }

    /// The code for a step.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(value % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The code at a time.
    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step `code` belongs to, within `window` steps either side of `date` (clocks drift), or nil.
    public func matchingStep(_ code: String, at date: Date, window: Int64 = 1) -> Int64? {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == digits, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = step(at: date)
        for candidate in (now - window)...(now + window) where Self.constantTimeEqual(self.code(step: candidate), trimmed) {
            return candidate
        }
        return nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// RFC 4648 base32.
    public static func base32Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var buffer: UInt32 = 0
        var bits = 0
        var output: [UInt8] = []
        for character in text.uppercased() where character != " " && character != "=" && character != "-" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(index)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output.isEmpty ? nil : output
    }
}

extension TOTP: Redacting {
    public var redactedDescription: String { "digits: \(digits), period: \(Int(period)) s, secret: <redacted>" }
}
