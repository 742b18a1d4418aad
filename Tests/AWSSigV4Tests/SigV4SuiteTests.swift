import Foundation
import Testing

@testable import AWSSigV4

/// Every case of AWS's official Signature Version 4 test suite (Tests/AWSSigV4Tests/Fixtures, Apache-2.0, see
/// its LICENSE and NOTICE): the canonical request, the string to sign and the Authorization header must match
/// byte for byte.
@Suite(.timeLimit(.minutes(5)))
struct SigV4SuiteTests {
    static let root = Bundle.module.url(forResource: "aws-sig-v4-test-suite", withExtension: nil, subdirectory: "Fixtures")!
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let sessionToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    /// Cases whose published string to sign does not hash their published canonical request (a known defect).
    static let inconsistentInTheSuite: Set<String> = ["post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters"]

    /// The directories that hold a `.req`.
    static var cases: [URL] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "req" }.map { $0.deletingLastPathComponent() }
            .sorted { $0.path < $1.path }
    }

    struct ParsedRequest {
        var method: String
        var path: String
        var query: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// Reads a `.req`: the request line, headers (indented lines continue the previous header as another value), body.
    static func parse(_ text: String) -> ParsedRequest {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        var target = String(requestLine.dropFirst(method.count + 1))
        if let range = target.range(of: " HTTP/", options: .backwards) { target = String(target[..<range.lowerBound]) }
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody { bodyLines.append(line); continue }
            if line.isEmpty { inBody = true; continue }
            if line.first == " " || line.first == "\t", let last = headers.last {
                headers.append((last.name, line.trimmingCharacters(in: .whitespaces)))
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            headers.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
        }
        return ParsedRequest(
            method: method, path: String(pathAndQuery[0]), query: pathAndQuery.count > 1 ? String(pathAndQuery[1]) : "",
            headers: headers, body: Array(bodyLines.joined(separator: "\n").utf8)
        )
    }

    func expected(_ directory: URL, _ suffix: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(directory.lastPathComponent).\(suffix)"), encoding: .utf8)
    }

    @Test func theSuiteHasItsCases() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: SigV4SuiteTests.cases)
    func signsLikeAWS(_ directory: URL) throws {
        let name = directory.lastPathComponent
        let request = Self.parse(try expected(directory, "req"))
        var credentials = Self.credentials
        let tokenAfterSigning = name == "post-sts-header-after"
        if name.hasPrefix("post-sts-header") { credentials.sessionToken = Self.sessionToken }
        let signer = AWSSigner(credentials: credentials, region: "us-east-1", service: "service")

        let signed = signer.signHeaders(
            method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body,
            date: Self.date, signSessionToken: !tokenAfterSigning
        )
        var signedHeaders = signed.filter { $0.name != "Authorization" }
        if tokenAfterSigning { signedHeaders.removeAll { $0.name == "X-Amz-Security-Token" } }
        let canonical = signer.canonicalRequest(
            method: request.method, path: request.path, query: request.query, headers: signedHeaders,
            payloadHash: AWSSigner.hexSHA256(request.body)
        )
        #expect(canonical.request == (try expected(directory, "creq")), "\(name): canonical request")
        let toSign = signer.stringToSign(
            timestamp: "20150830T123600Z", scope: signer.credentialScope("20150830T123600Z"),
            canonicalRequest: canonical.request)
        if Self.inconsistentInTheSuite.contains(name) {
            // The published .sts and .authz of these two cases do not follow from the published .creq (they were made
            // from an older request); other SDKs skip them. We still match the .creq byte for byte, and check that
            // the string to sign is the one that follows from it.
            let fromCreq =
                "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                + AWSSigner.hexSHA256(Array(try expected(directory, "creq").utf8))
            #expect(toSign == fromCreq, "\(name): string to sign")
        } else {
            #expect(toSign == (try expected(directory, "sts")), "\(name): string to sign")
            #expect(signed.first { $0.name == "Authorization" }?.value == (try expected(directory, "authz")), "\(name): authorization")
        }
        if tokenAfterSigning { #expect(signed.last?.name == "X-Amz-Security-Token") }
    }

    @Test func credentialsNeverShowTheSecret() {
        var credentials = Self.credentials
        credentials.sessionToken = Self.sessionToken
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, "\(credentials)", dumped] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("AQoDYXdzEPT"))
        }
    }

    @Test func presignedQueryCarriesTheSignature() {
        let signer = AWSSigner(credentials: Self.credentials, region: "us-east-1", service: "iam")
        let query = signer.presignedQuery(
            method: "GET", host: "iam.amazonaws.com", path: "/", query: "Action=ListUsers&Version=2010-05-08",
            expires: 86_400, date: Self.date)
        #expect(query.contains("X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request"))
        #expect(query.contains("X-Amz-Expires=86400"))
        let signature = query.components(separatedBy: "X-Amz-Signature=").last ?? ""
        #expect(signature.count == 64 && signature.allSatisfy { $0.isHexDigit })
    }
}
