import Crypto
import Foundation
import SesameRedaction
import _CryptoExtras

/// A new SSH key pair as the local server stores it for `sshKeyArgs.generateSshKeys`: an RSA 2048 private key in
/// the PEM form OpenSSH wrote for years (`-----BEGIN RSA PRIVATE KEY-----`, PKCS #1), encrypted with the passphrase
/// the legacy OpenSSL way (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC`), and the public key as an
/// `authorized_keys` line (`ssh-rsa AAAA...`).
///
/// Why this form: Secret Server's templates store "OpenSSH" keys and its launchers, password changers and the
/// SDKs' users hand them to OpenSSH, PuTTYgen, paramiko or .NET libraries; the PEM form is the one every one of
/// them reads, where the newer `OPENSSH PRIVATE KEY` container is not read by older .NET and Java libraries.
struct SSHKeyPair: Sendable, Redacting {
    /// The private key, PEM, encrypted when a passphrase was given.
    let privateKeyPEM: String
    /// `ssh-rsa <base64> <comment>`.
    let publicKey: String

    var redactedDescription: String { "privateKey: <redacted>, publicKey: \(publicKey.prefix(24))..." }

    /// A new RSA 2048 key pair; the private key encrypted with `passphrase` unless it is empty.
    static func generate(passphrase: String?, comment: String) throws -> SSHKeyPair {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        var blob = Data()
        appendString(Data("ssh-rsa".utf8), to: &blob)
        appendMPInt(primitives.publicExponent, to: &blob)
        appendMPInt(primitives.modulus, to: &blob)
        let publicKey = "ssh-rsa " + blob.base64EncodedString() + (comment.isEmpty ? "" : " " + comment)
        let der = key.derRepresentation  // PKCS #1 RSAPrivateKey
        guard let passphrase, !passphrase.isEmpty else {
            return SSHKeyPair(privateKeyPEM: pem("RSA PRIVATE KEY", der, headers: []), publicKey: publicKey)
        }
        var iv = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in iv.indices { iv[index] = UInt8.random(in: 0...255, using: &generator) }
        let sealed = try AES._CBC.encrypt(der, using: legacyKey(passphrase, salt: iv.prefix(8)), iv: AES._CBC.IV(ivBytes: iv))
        let headers = ["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC," + iv.map { String(format: "%02X", $0) }.joined()]
        return SSHKeyPair(privateKeyPEM: pem("RSA PRIVATE KEY", sealed, headers: headers), publicKey: publicKey)
    }

    /// OpenSSL's EVP_BytesToKey with MD5 and one round, for a 16-byte key: MD5(passphrase || salt).
    static func legacyKey(_ passphrase: String, salt: some Collection<UInt8>) -> SymmetricKey {
        SymmetricKey(data: Data(Insecure.MD5.hash(data: Data(passphrase.utf8) + Data(salt))))
    }

    static func pem(_ label: String, _ der: Data, headers: [String]) -> String {
        let body = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let head = headers.isEmpty ? "" : headers.joined(separator: "\n") + "\n\n"
        return "-----BEGIN \(label)-----\n" + head + body + "\n-----END \(label)-----\n"
    }

    /// SSH wire `string`: a 32-bit length, then the bytes.
    static func appendString(_ bytes: Data, to data: inout Data) {
        var length = UInt32(bytes.count).bigEndian
        data.append(Data(bytes: &length, count: 4))
        data.append(bytes)
    }

    /// SSH wire `mpint`: big-endian two's complement without leading zero bytes, a zero byte added when the top
    /// bit is set (the number is positive).
    static func appendMPInt(_ magnitude: Data, to data: inout Data) {
        var bytes = Data(magnitude.drop { $0 == 0 })
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        appendString(bytes, to: &data)
    }
}
