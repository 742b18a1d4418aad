import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SesameHTTP
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The blocking client over real sockets on 127.0.0.1, against a server that answers what each test says: the bytes
/// it sends, and that it fails as AsyncHTTPClient does (so `ConnectFailure` and the retry rules read both alike).
/// TLS is tested against the local server in `TLSTests` (SecretServerTests), for both engines.
@Suite(.timeLimit(.minutes(5)))
struct BlockingHTTPClientTests {
    /// A listening socket on 127.0.0.1 whose one connection gets `answer` after the request's head, then is closed
    /// (or held open until the server is released, with `hold`).
    final class CannedServer: Sendable {
        let port: Int
        private let descriptor: Int32
        private final class Received: Sendable { let text = Mutex("") }
        private let received = Received()
        private let done = DispatchSemaphore(value: 0)
        private let release = DispatchSemaphore(value: 0)

        init(answer: String, hold: Bool = false) throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            descriptor = listener
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(listener, pointer, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, pointer, &length) == 0
                }
            }
            try #require(bound)
            port = Int(UInt16(bigEndian: address.sin_port))
            let thread = Thread { [received, done, release] in
                defer { done.signal() }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                defer { close(connection) }
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: request, as: UTF8.self).contains("\r\n\r\n") {
                    let count = recv(connection, &buffer, buffer.count, 0)
                    guard count > 0 else { break }
                    request += buffer[..<count]
                }
                received.text.withLock { $0 = String(decoding: request, as: UTF8.self) }
                let bytes = Array(answer.utf8)
                _ = send(connection, bytes, bytes.count, Int32(MSG_NOSIGNAL))
                if hold { release.wait() }
            }
            thread.start()
        }

        /// The request's head as the server read it, once it has answered.
        func request() -> String {
            release.signal()
            done.wait()
            return received.text.withLock { $0 }
        }

        deinit {
            release.signal()
            close(descriptor)
        }
    }

    let client = BlockingHTTPClient(connectTimeout: .seconds(5))

    @Test func aRequestGoesOutAsHTTP11AndItsAnswerComesBackWhole() throws {
        let server = try CannedServer(answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"a\":1}\n")
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer abc")
        let response = try client.execute(
            OutgoingRequest(url: "http://127.0.0.1:\(server.port)/SecretServer/api/v1/secrets/1?a=b%20c", headers: headers),
            timeout: .seconds(10), maximumSize: 1024)
        #expect(response.status == 200)
        #expect(String(buffer: response.body) == "{\"a\":1}\n")
        let request = server.request()
        #expect(request.hasPrefix("GET /SecretServer/api/v1/secrets/1?a=b%20c HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"), "\(request)")
        #expect(request.contains("\r\nAuthorization: Bearer abc\r\n"))
        #expect(request.hasSuffix("Connection: close\r\n\r\n"))
    }

    @Test func aServerThatNeverAnswersEndsAtTheDeadline() throws {
        let server = try CannedServer(answer: "", hold: true)
        #expect(throws: HTTPClientError.deadlineExceeded) {
            try client.execute(OutgoingRequest(url: "http://127.0.0.1:\(server.port)/"), timeout: .milliseconds(300), maximumSize: 1024)
        }
    }

    @Test func aServerThatDripsItsBodyEndsAtTheDeadlineToo() throws {
        let server = try CannedServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part", hold: true)
        #expect(throws: HTTPClientError.deadlineExceeded) {
            try client.execute(OutgoingRequest(url: "http://127.0.0.1:\(server.port)/"), timeout: .milliseconds(300), maximumSize: 1024)
        }
    }

    @Test func anAnswerCutShortIsAClosedConnectionAndALargeOneIsRefused() throws {
        let short = try CannedServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
        #expect(throws: HTTPClientError.remoteConnectionClosed) {
            try client.execute(OutgoingRequest(url: "http://127.0.0.1:\(short.port)/"), timeout: .seconds(10), maximumSize: 1024)
        }
        let large = try CannedServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + String(repeating: "x", count: 2000))
        #expect(throws: NIOTooManyBytesError.self) {
            try client.execute(OutgoingRequest(url: "http://127.0.0.1:\(large.port)/"), timeout: .seconds(10), maximumSize: 1024)
        }
    }

    @Test func aPortNobodyListensOnIsAConnectFailureNothingWasSentTo() throws {
        // A port bound but not listening refuses at once.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && getsockname(holder, $0, &length) == 0 }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let error = try #require(throws: BlockingHTTPError.self) {
            try client.execute(OutgoingRequest(url: "http://127.0.0.1:\(port)/"), timeout: .seconds(5), maximumSize: 1024)
        }
        #expect(error.code == .connect)
        #expect(error.errno == ECONNREFUSED)
        #expect(ConnectFailure.isConnectFailure(error))
        #expect(!ConnectFailure.isTLSFailure(error))
    }

    @Test func aURLThatIsNotHTTPIsRefusedBeforeConnecting() throws {
        for url in ["ftp://127.0.0.1/", "http:///nohost", "not a url", "http://127.0.0.1:70000/"] {
            let error = try #require(throws: BlockingHTTPError.self) { try client.execute(OutgoingRequest(url: url), timeout: .seconds(5), maximumSize: 1024) }
            #expect(error.code == .invalidRequest, "\(url)")
        }
    }
}
