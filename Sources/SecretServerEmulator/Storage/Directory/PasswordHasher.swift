import Crypto
import Foundation
import _CryptoExtras

/// Hashes user passwords with scrypt (N = 2^cost, r = 8, p = 1) and a random salt. The cost is kept as
/// the first byte of the stored salt, so a hash stays verifiable after the configured cost changes.
struct PasswordHasher: Sendable {
    /// The cost of new hashes.
    var cost: Int

    /// A new salt: the cost byte, then 16 random bytes.
    func makeSalt() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data([UInt8(clamping: cost)] + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    func hash(_ password: String, salt: Data) throws -> Data {
        let cost = Int(salt.first ?? UInt8(clamping: self.cost))
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32,
            rounds: 1 << cost, blockSize: 8, parallelism: 1
        )
        return key.withUnsafeBytes { Data($0) }
    }

    /// Compares in constant time.
    func verify(_ password: String, hash expected: Data, salt: Data) -> Bool {
        guard let actual = try? hash(password, salt: salt), actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(actual, expected) { difference |= left ^ right }
        return difference == 0
    }
}
