import AsyncHTTPClient
import Logging
import NIOHTTP1
import SesameHTTP
import SesameTestKit
import Testing

/// The one trace line an exchange writes, through either engine: the caller's words for the request, the status and
/// the time; never a header's value or the query.
@Suite(.timeLimit(.minutes(2)))
struct RequestLogTests {
    @Test(arguments: [HTTPEngine.pooled, .blocking])
    func anAnswerIsLoggedOnceWithTheCallersWordsItsStatusAndItsTime(engine: HTTPEngine) async throws {
        let server = try BlockingHTTPClientTests.CannedServer(answer: "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")
        // Generous timeouts: the full parallel run can keep this task off the pool's two threads for seconds.
        let owner = HTTPClientFactory.owner(connectTimeout: .seconds(30), readTimeout: .seconds(60), proxies: .none, engine: engine)
        defer { Task { try? await owner.shutdown() } }
        let lines = LogCapture()
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer secret-token-value")
        let response = try await owner.execute(
            OutgoingRequest(url: "http://127.0.0.1:\(server.port)/api/v1/secrets/1?text=private-name", headers: headers),
            timeout: .seconds(60), maximumSize: 1024,
            log: RequestLog(logger: lines.logger(), source: "SecretServer", metadata: ["http.method": "GET", "http.path": "/v1/secrets/1"]))
        #expect(response.status == 404)
        let logged = lines.lines
        #expect(logged.count == 1, "\(logged)")
        let line = try #require(logged.first)
        #expect(line.hasPrefix("trace [SecretServer] request "), "\(line)")
        #expect(
            line.contains(#""http.method": GET"#) && line.contains(#""http.path": /v1/secrets/1"#) && line.contains(#""http.status": 404"#), "\(line)")
        #expect(line.contains(#""duration_ms": "#), "\(line)")
        #expect(!line.contains("secret-token-value") && !line.contains("private-name"), "\(line)")
    }

    /// A logger that does not trace gets no request log, and its metadata is not even made.
    @Test func nothingIsMadeWhenTheLoggerDoesNotTrace() {
        let capture = LogCapture()
        var made = false
        let quiet = RequestLog.whenTracing(
            logger: capture.logger(level: .debug), source: "SecretServer",
            metadata: {
                made = true
                return ["http.method": "GET"]
            }())
        #expect(quiet == nil && !made)
        #expect(RequestLog.whenTracing(logger: capture.logger(level: .trace), source: "SecretServer", metadata: [:]) != nil)
    }
}
