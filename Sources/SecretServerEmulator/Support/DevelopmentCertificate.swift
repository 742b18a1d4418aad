import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority made for the local server, and a server certificate it signed: what
/// `sesame server --dev --tls` serves. Clients trust the authority's certificate (`caPEM`, public) with
/// their CA file option; the private keys exist only in memory and are never written anywhere.
public struct DevelopmentCertificate: Sendable {
    /// The authority's certificate, PEM: give it to clients as their CA file.
    public let caPEM: String
    /// The server certificate, PEM.
    public let certificatePEM: String
    /// The server certificate's private key, PEM (PKCS #8). Kept in memory only.
    let privateKeyPEM: String
    /// The names the server certificate is valid for.
    public let hostnames: [String]

    /// Makes a fresh authority and a server certificate for `hostnames` (DNS names or IP addresses), valid
    /// from a minute ago for `validity`.
    public static func generate(
        hostnames: [String] = ["localhost", "127.0.0.1", "::1"], now: Date = Date(), validity: Duration = .seconds(30 * 86_400)
    ) throws -> DevelopmentCertificate {
        let notBefore = now.addingTimeInterval(-60)
        let notAfter = now.addingTimeInterval(TimeInterval(validity.components.seconds))
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Sesame")
            CommonName("Sesame development CA (sesame server --dev)")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey)
        )
        let serverKey = P256.Signing.PrivateKey()
        let serverName = try DistinguishedName { CommonName(hostnames.first ?? "localhost") }
        let names: [GeneralName] = hostnames.map { name in
            if let address = Self.ipAddressBytes(name) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address))) }
            return .dnsName(name)
        }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: serverName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey)
        )
        return DevelopmentCertificate(
            caPEM: try ca.serializeAsPEM().pemString, certificatePEM: try server.serializeAsPEM().pemString,
            privateKeyPEM: serverKey.pemRepresentation, hostnames: hostnames
        )
    }

    /// The bytes of an IPv4 or IPv6 address, or nil for a DNS name.
    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

extension DevelopmentCertificate: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The names only: never the private key.
    public var description: String { "DevelopmentCertificate(hostnames: \(hostnames))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["hostnames": hostnames]) }
}
