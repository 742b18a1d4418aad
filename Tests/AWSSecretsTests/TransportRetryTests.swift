import AWSSigV4
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SesameTestSupport
import Synchronization
import Testing

@testable import AWSSecrets

/// How the transport treats AWS's failure answers, against a local HTTP server that answers as scripted.
@Suite(.timeLimit(.minutes(5))) struct TransportRetryTests {
    /// Answers each request with the next scripted (status, body), then 200 with `success`.
    final class Script: Sendable {
        let answers: Mutex<[(Int, String)]>
        let requests = Mutex<[String]>([])
        let success: String
        init(_ answers: [(Int, String)], success: String) {
            self.answers = Mutex(answers)
            self.success = success
        }
    }

    func withServer(_ script: Script, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/") { request, _ -> Response in
            let authorization = request.headers[.authorization] ?? ""
            script.requests.withLock { $0.append(authorization) }
            let (status, text) = script.answers.withLock { $0.isEmpty ? (200, script.success) : $0.removeFirst() }
            return Response(
                status: .init(code: status), headers: [.contentType: "application/x-amz-json-1.1"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    /// Credentials that count how often they were thrown away.
    actor CountingCredentials: AWSCredentialsProvider {
        var invalidations = 0
        var generation = 0
        func credentials() async throws -> AWSCredentials {
            AWSCredentials(accessKeyId: "AKIAGEN\(generation)", secretAccessKey: "s", sessionToken: "t\(generation)")
        }
        func invalidate() async {
            invalidations += 1
            generation += 1
        }
    }

    func session(_ url: String, credentials: any AWSCredentialsProvider, maxAttempts: Int = 3) throws -> AWSSession {
        try AWSSession(
            configuration: .init(
                credentials: .provider(credentials), maxAttempts: maxAttempts, environment: Moto.environment(url: url)
            ))
    }

    static let parameter = #"{"Parameter":{"Name":"/p","Type":"String","Value":"v","Version":1}}"#

    @Test func throttlingAndServerErrorsAreRetriedThenSucceed() async throws {
        let script = Script(
            [
                (400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
                (503, "<html>unavailable</html>"),
            ], success: Self.parameter)
        try await withServer(script) { url in
            let session = try self.session(url, credentials: CountingCredentials())
            #expect(try await session.ssm().getParameter("/p").value == "v")
            try await session.shutdown()
        }
        #expect(script.requests.withLock { $0.count } == 3)
    }

    @Test func attemptsAreBoundedAndTheLastErrorIsTyped() async throws {
        let script = Script(Array(repeating: (400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#), count: 5), success: Self.parameter)
        try await withServer(script) { url in
            let session = try self.session(url, credentials: CountingCredentials(), maxAttempts: 2)
            await #expect {
                _ = try await session.ssm().getParameter("/p")
            } throws: { error in
                (error as? AWSError)?.code == .throttling && (error as? AWSError)?.message == "Rate exceeded"
            }
            try await session.shutdown()
        }
        #expect(script.requests.withLock { $0.count } == 2)
    }

    @Test func anExpiredTokenRenewsTheCredentialsOnceAndSendsAgain() async throws {
        let script = Script(
            [
                (400, #"{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}"#)
            ], success: Self.parameter)
        let credentials = CountingCredentials()
        try await withServer(script) { url in
            let session = try self.session(url, credentials: credentials)
            #expect(try await session.ssm().getParameter("/p").value == "v")
            try await session.shutdown()
        }
        #expect(await credentials.invalidations == 1)
        let sent = script.requests.withLock { $0 }
        #expect(sent.count == 2 && sent[0].contains("AKIAGEN0") && sent[1].contains("AKIAGEN1"))
    }

    @Test func aServerErrorOnANonIdempotentWriteIsNotRetried() async throws {
        let script = Script([(500, #"{"__type":"InternalServerError","message":"boom"}"#)], success: #"{"Version":1}"#)
        try await withServer(script) { url in
            let session = try self.session(url, credentials: CountingCredentials())
            await #expect {
                try await session.ssm().putParameter("/p", value: "v", overwrite: false)
            } throws: { error in
                (error as? AWSError)?.code == .serviceError && (error as? AWSError)?.status == 500
            }
            try await session.shutdown()
        }
        #expect(script.requests.withLock { $0.count } == 1)
    }

    @Test func garbageAnswersAreTypedErrorsWithoutTheirContent() async throws {
        let script = Script([], success: #"{"Parameter":{"Name":"/p","Value":"hunter2-secret"}}"#)
        try await withServer(script) { url in
            let session = try self.session(url, credentials: CountingCredentials())
            await #expect {
                _ = try await session.ssm().getParameter("/p")
            } throws: { error in
                (error as? AWSError)?.code == .invalidResponse && !"\(error)".contains("hunter2")
                    && "\(error)".contains("Type")
            }
            try await session.shutdown()
        }
    }

    /// An answer whose body drips one byte at a time ends in a timeout error by the request deadline (AHC's own
    /// timeout stops at the answer's head), and is not retried forever.
    @Test func aBodyThatDripsEndsInATimeout() async throws {
        let router = Router()
        let requests = Atomic<Int>(0)
        router.post("/") { _, _ -> Response in
            requests.add(1, ordering: .relaxed)
            return Response(
                status: .ok, headers: [.contentType: "application/x-amz-json-1.1"],
                body: .init { writer in
                    for byte in Self.parameter.utf8 {
                        try await writer.write(ByteBuffer(bytes: [byte]))
                        try await Task.sleep(for: .milliseconds(500))
                    }
                    try await writer.finish(nil)
                })
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let session = try AWSSession(
                configuration: .init(
                    credentials: .provider(CountingCredentials()), timeouts: .init(connect: .seconds(2), request: .seconds(1)),
                    maxAttempts: 2, environment: Moto.environment(url: "http://127.0.0.1:\(client.port!)")
                ))
            let started = ContinuousClock.now
            await #expect {
                _ = try await session.ssm().getParameter("/p")
            } throws: { error in
                (error as? AWSError)?.code == .timeout
            }
            // Two attempts of about a second each, not the drip's 35 s (room for a machine busy with the other suites).
            #expect(ContinuousClock.now - started < .seconds(15))
            try await session.shutdown()
        }
        #expect(requests.load(ordering: .relaxed) == 2)
    }
}
