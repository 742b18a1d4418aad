import Crypto
import Foundation
import SesameFiles
import SesameRedaction

/// Encrypts secret values at rest with AES-256-GCM. Each value is bound to where it belongs (its
/// associated data), so a ciphertext copied into another row does not decrypt.
struct ValueCipher: Sendable {
    private let key: SymmetricKey

    init(keyData: Data) throws(EmulatorStartupError) {
        guard keyData.count == 32 else {
            throw EmulatorStartupError("the encryption key must be 32 bytes, found \(keyData.count)")
        }
        self.key = SymmetricKey(data: keyData)
    }

    /// A new random 32-byte key.
    static func randomKeyData() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    func seal(_ plaintext: Data, context: String) throws -> Data {
        if plaintext.isEmpty { return Data() }
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw EmulatorStartupError("AES-GCM produced no combined box") }
        return combined
    }

    func open(_ sealed: Data, context: String) throws -> Data {
        if sealed.isEmpty { return Data() }
        let box = try AES.GCM.SealedBox(combined: sealed)
        return try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
    }

    func sealString(_ text: String, context: String) throws -> Data {
        try seal(Data(text.utf8), context: context)
    }

    func openString(_ sealed: Data, context: String) throws -> String {
        String(decoding: try open(sealed, context: context), as: UTF8.self)
    }

    /// Reads the key from `path`, or creates it there: whole or not at all, mode 0600, fsync-ed with its folder
    /// (see `SecretFile`). A key file readable by others, or that is a link, is refused.
    static func loadOrCreateKeyFile(at path: String) throws(EmulatorStartupError) -> Data {
        for attempt in 0..<3 {
            let stored: [UInt8]?
            do {
                stored = try SecretFile.readPrivate(path, limit: 4096)
            } catch {
                throw EmulatorStartupError("the key file \(error)")
            }
            if let stored {
                guard !stored.isEmpty else {
                    // Being written by another process on a file system without hard links; else an earlier version's
                    // write that was cut short.
                    if attempt < 2 {
                        usleep(100_000)
                        continue
                    }
                    throw EmulatorStartupError("the key file \(path) is empty (a write was cut short); remove it and start again")
                }
                guard let data = Data(base64Encoded: String(decoding: stored, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                else { throw EmulatorStartupError("the key file \(path) does not hold a base64 key") }
                return data
            }
            let data = randomKeyData()
            do {
                if try SecretFile.create(Array((data.base64EncodedString() + "\n").utf8), at: path) { return data }
            } catch {
                throw EmulatorStartupError("could not create the key file: \(error)")
            }
        }
        throw EmulatorStartupError("the key file \(path) keeps changing; is another program replacing it?")
    }
}

/// Why the local server could not start.
public struct EmulatorStartupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension ValueCipher: Redacting {
    var redactedDescription: String { "key: <redacted>" }
}
