import AsyncHTTPClient
import Logging
import NIOHTTP1
import SesameHTTP
import Synchronization
import Testing

/// The one trace line an exchange writes, through either engine: the caller's words for the request, the status and
/// the time; never a header's value or the query.
@Suite(.timeLimit(.minutes(2)))
struct RequestLogTests {
    /// The lines logged through its logger.
    final class Lines: Sendable {
        let all = Mutex<[String]>([])

        var logger: Logger {
            var logger = Logger(label: "test") { _ in Handler(lines: self) }
            logger.logLevel = .trace
            return logger
        }

        struct Handler: LogHandler {
            let lines: Lines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                lines.all.withLock { $0.append("\(event.level) [\(event.source)] \(event.message) " + fields.joined(separator: " ")) }
            }
        }
    }

    @Test(arguments: [HTTPEngine.pooled, .blocking])
    func anAnswerIsLoggedOnceWithTheCallersWordsItsStatusAndItsTime(engine: HTTPEngine) async throws {
        let server = try BlockingHTTPClientTests.CannedServer(answer: "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")
        let owner = HTTPClientFactory.owner(connectTimeout: .seconds(5), readTimeout: .seconds(5), proxies: .none, engine: engine)
        defer { Task { try? await owner.shutdown() } }
        let lines = Lines()
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer secret-token-value")
        let response = try await owner.execute(
            OutgoingRequest(url: "http://127.0.0.1:\(server.port)/api/v1/secrets/1?text=private-name", headers: headers),
            timeout: .seconds(10), maximumSize: 1024,
            log: RequestLog(logger: lines.logger, source: "SecretServer", metadata: ["http.method": "GET", "http.path": "/v1/secrets/1"]))
        #expect(response.status == 404)
        let logged = lines.all.withLock { $0 }
        #expect(logged.count == 1, "\(logged)")
        let line = try #require(logged.first)
        #expect(line.hasPrefix("trace [SecretServer] request "), "\(line)")
        #expect(line.contains("http.method=GET") && line.contains("http.path=/v1/secrets/1") && line.contains("http.status=404"), "\(line)")
        #expect(line.contains("duration_ms="), "\(line)")
        #expect(!line.contains("secret-token-value") && !line.contains("private-name"), "\(line)")
    }
}
