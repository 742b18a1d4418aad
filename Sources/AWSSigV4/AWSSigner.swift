import Crypto
import Foundation
import SesameRedaction

/// Signs HTTP requests with AWS Signature Version 4 (header-based, and presigned URLs).
///
/// ```swift
/// let signer = AWSSigner(credentials: credentials, region: "us-east-1", service: "ssm")
/// let headers = signer.signHeaders(method: "POST", path: "/", query: "", headers: [("Host", host), ...], body: body)
/// ```
/// The stages (canonical request, string to sign, signature) are separate so each can be checked against
/// AWS's published test vectors.
public struct AWSSigner: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Signs a request and returns its headers with `X-Amz-Date`, `X-Amz-Security-Token` (for temporary
    /// credentials) and `Authorization` set.
    /// - Parameters:
    ///   - path: the URL path, not percent-encoded (it is normalised and encoded here).
    ///   - query: the raw query string, without `?`.
    ///   - signSessionToken: whether the session token is part of the signed request (most services) or added
    ///     after signing.
    ///   - date: the signing time; injected so that tests are repeatable.
    public func signHeaders(
        method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8],
        date: Date = Date(), signSessionToken: Bool = true
    ) -> [(name: String, value: String)] {
        let timestamp = Self.timestamp(date)
        var headers = headers.filter { $0.name.lowercased() != "x-amz-date" && $0.name.lowercased() != "authorization" }
        headers.append(("X-Amz-Date", timestamp))
        if let token = credentials.sessionToken, signSessionToken {
            headers.removeAll { $0.name.lowercased() == "x-amz-security-token" }
            headers.append(("X-Amz-Security-Token", token))
        }
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers, payloadHash: Self.hexSHA256(body))
        let scope = credentialScope(timestamp)
        let toSign = stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical.request)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(canonical.signedHeaders), "
            + "Signature=\(signature(stringToSign: toSign, date: String(timestamp.prefix(8))))"
        headers.append(("Authorization", authorization))
        if let token = credentials.sessionToken, !signSessionToken {
            headers.append(("X-Amz-Security-Token", token))
        }
        return headers
    }

    /// A presigned URL query (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-SignedHeaders`, `X-Amz-Security-Token`, `X-Amz-Signature`) for a request signed with only `host`.
    public func presignedQuery(method: String, host: String, path: String, query: String, expires: Int, date: Date = Date()) -> String {
        let timestamp = Self.timestamp(date)
        let scope = credentialScope(timestamp)
        var items = Self.queryItems(query)
        items.append(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"))
        items.append(("X-Amz-Date", timestamp))
        items.append(("X-Amz-Expires", String(expires)))
        items.append(("X-Amz-SignedHeaders", "host"))
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        let canonicalQuery = Self.canonicalQuery(items)
        let canonical = [method.uppercased(), Self.canonicalPath(path), canonicalQuery, "host:\(host)\n", "host", "UNSIGNED-PAYLOAD"]
            .joined(separator: "\n")
        let toSign = stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical)
        return canonicalQuery + "&X-Amz-Signature=" + signature(stringToSign: toSign, date: String(timestamp.prefix(8)))
    }

    // MARK: Stages

    /// Task 1: the canonical request and its signed-header list.
    func canonicalRequest(method: String, path: String, query: String, headers: [(name: String, value: String)], payloadHash: String)
        -> (request: String, signedHeaders: String)
    {
        var grouped: [String: [String]] = [:]
        for header in headers {
            grouped[header.name.lowercased(), default: []].append(Self.trimmed(header.value))
        }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let request = [
            method.uppercased(), Self.canonicalPath(path), Self.canonicalQuery(Self.queryItems(query)), canonicalHeaders, signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (request, signedHeaders)
    }

    func credentialScope(_ timestamp: String) -> String {
        "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// Task 2: the string to sign.
    func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        ["AWS4-HMAC-SHA256", timestamp, scope, Self.hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    /// Task 3: the signature, with the key derived from the secret, date, region and service.
    func signature(stringToSign: String, date: String) -> String {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [date, region, service, "aws4_request"] { key = hmac(key, part) }
        return Self.hex(Data(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)))
    }

    // MARK: Canonical forms

    /// The path with `.` and `..` segments resolved and empty segments dropped, each segment URI-encoded.
    static func canonicalPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.map { uriEncode(String($0)) }.joined(separator: "/") + trailing
    }

    /// `key=value` pairs of a raw query string, percent-decoded (`+` stays a plus: AWS clients encode spaces as %20).
    static func queryItems(_ query: String) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (key, value)
        }
    }

    /// Encoded `key=value` pairs sorted by key, then value.
    static func canonicalQuery(_ items: [(String, String)]) -> String {
        let encoded: [(key: String, value: String)] = items.map { (uriEncode($0.0), uriEncode($0.1)) }
        let sorted = encoded.sorted { left, right in left.key == right.key ? left.value < right.value : left.key < right.key }
        return sorted.map { $0.key + "=" + $0.value }.joined(separator: "&")
    }

    /// RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~` as `%XX` of its UTF-8 bytes.
    static func uriEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    /// A header value with leading and trailing space removed and inner runs of space folded to one.
    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))T\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))Z"
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String { hex(Data(SHA256.hash(data: bytes))) }

    static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(data.count * 2)
        for byte in data {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension AWSSigner: Redacting {
    public var redactedDescription: String { "region: \(region), service: \(service), credentials: \(credentials)" }
}
