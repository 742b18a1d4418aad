import Crypto
import Foundation

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

    /// Reads the key from `path`, or creates it there with mode 0600. A key file readable by others is refused.
    static func loadOrCreateKeyFile(at path: String) throws(EmulatorStartupError) -> Data {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let attributes = (try? manager.attributesOfItem(atPath: path)) ?? [:]
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw EmulatorStartupError(
                    "the key file \(path) is readable by other users (mode \(String(mode, radix: 8))); run chmod 600 on it"
                )
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw EmulatorStartupError("the key file \(path) does not hold a base64 key") }
            return data
        }
        let data = randomKeyData()
        let created = manager.createFile(
            atPath: path, contents: Data((data.base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600]
        )
        guard created else { throw EmulatorStartupError("could not create the key file \(path)") }
        return data
    }
}

/// Why the local server could not start.
public struct EmulatorStartupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
