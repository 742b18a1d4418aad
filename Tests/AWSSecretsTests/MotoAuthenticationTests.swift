import AWSSigV4
import AsyncHTTPClient
import Foundation
import SesameTestSupport
import Testing

@testable import AWSSecrets

/// The signer proved by a real verifier: moto with request authentication on (its own instance, since the
/// switch is server-wide). An IAM user and key are made while moto still lets the first requests through;
/// after that, every request must carry a valid signature by a known key.
@Suite(.timeLimit(.minutes(5)), .enabled(if: Moto.shouldRunAuthenticated, "the authenticating moto is not running (scripts/test starts it)"))
struct MotoAuthenticationTests {
    @Test func aRightSignatureIsAcceptedAndAWrongOneRefused() async throws {
        let url = try Moto.authURL()
        let environment = Moto.environment(url: url)
        // moto counts requests; the next three (CreateUser, PutUserPolicy, CreateAccessKey) go unauthenticated.
        var reset = HTTPClientRequest(url: url + "/moto-api/reset-auth")
        reset.method = .POST
        reset.body = .bytes(Array("3".utf8))
        let resetResponse = try await HTTPClient.shared.execute(reset, timeout: .seconds(10))
        #expect(resetResponse.status == .ok)

        let bootstrap = try AWSSession(configuration: .init(timeouts: Moto.timeouts, environment: environment))
        let iam = try AWSEndpoint(service: "iam", region: "us-east-1", url: url)
        let user = Moto.uniqueName("signer")
        func iamCall(_ action: String, _ parameters: [(String, String)]) async throws -> String {
            let body = ([("Action", action), ("Version", "2010-05-08")] + parameters)
                .map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
            let request = AWSRequest(operation: action, wireProtocol: .query(version: "2010-05-08"), body: Array(body.utf8), idempotent: false)
            let response = try await bootstrap.transport.send(request, to: iam, credentials: bootstrap.credentialsProvider)
            return String(decoding: response.body.readableBytesView, as: UTF8.self)
        }
        _ = try await iamCall("CreateUser", [("UserName", user)])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:*","secretsmanager:*","sts:*"],"Resource":"*"}]}"#
        _ = try await iamCall("PutUserPolicy", [("UserName", user), ("PolicyName", "all"), ("PolicyDocument", policy)])
        let key = try await iamCall("CreateAccessKey", [("UserName", user)])
        let keyId = try #require(XMLText.first("AccessKeyId", in: key))
        let secret = try #require(XMLText.first("SecretAccessKey", in: key))
        try await bootstrap.shutdown()

        // The right key: accepted, for JSON (SSM, Secrets Manager) and query (STS) requests alike.
        let good = try AWSSession(
            configuration: .init(
                credentials: .explicit(AWSCredentials(accessKeyId: keyId, secretAccessKey: secret)), environment: environment
            ))
        let ssm = try good.ssm()
        try await ssm.putParameter("/signed/\(user)", value: "ok with spaces & ünïcode", type: .secureString)
        #expect(try await ssm.getParameter("/signed/\(user)").value == "ok with spaces & ünïcode")
        try await good.secretsManager().createSecret("signed/\(user)", value: .string("s"))
        #expect(try await good.sts().getCallerIdentity().arn.hasSuffix("user/\(user)"))
        try await good.shutdown()

        // The right key id with a wrong secret: the signature does not match.
        let wrong = try AWSSession(
            configuration: .init(
                credentials: .explicit(AWSCredentials(accessKeyId: keyId, secretAccessKey: secret + "x")), environment: environment
            ))
        await #expect {
            _ = try await wrong.ssm().getParameter("/signed/\(user)")
        } throws: { error in
            (error as? AWSError)?.code == .signatureMismatch && !"\(error)".contains(secret)
        }
        try await wrong.shutdown()

        // A key moto never issued.
        let unknown = try AWSSession(
            configuration: .init(
                credentials: .explicit(AWSCredentials(accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: secret)), environment: environment
            ))
        await #expect {
            _ = try await unknown.ssm().getParameter("/signed/\(user)")
        } throws: { error in
            (error as? AWSError)?.code == .invalidCredentials
        }
        try await unknown.shutdown()
    }
}
