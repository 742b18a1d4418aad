import Foundation
import NIOSSL

/// How a client trusts servers and proves itself, in one place for every transport: extra CA certificates (PEM) on
/// top of the system's, a client certificate and key for mutual TLS, and, only when asked in so many words, no
/// verification at all.
public struct TLSSettings: Sendable, Hashable {
    /// A PEM file of extra CA certificates to trust, in addition to the system's.
    public var caFile: String?
    /// A PEM client certificate (chain) and its PEM private key, for mutual TLS.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// Accept any certificate and host name. Only for a server you control, and never by default.
    public var insecureSkipVerification: Bool

    public init(
        caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil, insecureSkipVerification: Bool = false
    ) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.insecureSkipVerification = insecureSkipVerification
    }

    /// The NIOSSL configuration, with every file read now, so a missing or unreadable one is said before any request.
    public func makeConfiguration() throws(TLSSettingsError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if insecureSkipVerification { configuration.certificateVerification = .none }
        do {
            if let caFile {
                configuration.additionalTrustRoots = [.file(caFile)]
                _ = try NIOSSLCertificate.fromPEMFile(caFile)
            }
            if let clientCertificateFile {
                guard let clientKeyFile else { throw TLSSettingsError(message: "a client certificate needs its key file too") }
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificateFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKeyFile, format: .pem))
            }
        } catch let error as TLSSettingsError {
            throw error
        } catch {
            throw TLSSettingsError(message: "could not read the TLS files: \(error)")
        }
        return configuration
    }
}

/// TLS files that cannot be used: which, and why.
public struct TLSSettingsError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Names and addresses that never leave this machine.
public enum Loopback {
    /// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or `::1` (brackets allowed). `*.localhost` is not:
    /// some resolvers send it to DNS.
    public static func contains(_ host: String) -> Bool {
        // Brackets trimmed by scalar: `trimmingCharacters(in:)` goes through NSString and UTF-16 on Linux, 1.4% of a
        // `sesame secret get` with a stored session (it asks whether a plain-http URL is this machine).
        let scalars = host.unicodeScalars
        let isBracket = { (scalar: Unicode.Scalar) in scalar == "[" || scalar == "]" }
        guard let first = scalars.firstIndex(where: { !isBracket($0) }), let last = scalars.lastIndex(where: { !isBracket($0) }) else { return false }
        let bare = String(scalars[first...last]).lowercased()
        if bare == "localhost" || bare == "localhost." || bare == "::1" { return true }
        guard let address = IPAddressBytes.parse(bare) else { return false }
        return address.count == 4 ? address[0] == 127 : address == Array(repeating: 0, count: 15) + [1]
    }
}
