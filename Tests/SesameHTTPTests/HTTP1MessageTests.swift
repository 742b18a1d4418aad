import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Testing

@testable import SesameHTTP

/// The blocking client's HTTP/1.1 framing, without sockets: answers read whole however the bytes arrive, every
/// limit held, and requests whose headers could not change their framing.
@Suite(.timeLimit(.minutes(5)))
struct HTTP1MessageTests {
    /// Bytes handed out `step` at a time, as a socket might.
    struct Pieces: ByteSource {
        var bytes: [UInt8]
        var step: Int
        var offset = 0

        init(_ text: String, step: Int = .max) {
            self.bytes = Array(text.utf8)
            self.step = step
        }

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let count = min(step, buffer.count, bytes.count - offset)
            buffer.copyBytes(from: bytes[offset..<(offset + count)])
            offset += count
            return count
        }
    }

    func read(_ text: String, step: Int = .max, method: HTTPMethod = .GET, limit: Int = 1 << 20) throws -> CollectedResponse {
        var reader = HTTP1ResponseReader(source: Pieces(text, step: step))
        return try reader.read(method: method, maximumBodySize: limit)
    }

    func body(_ response: CollectedResponse) -> String { String(buffer: response.body) }

    @Test(arguments: [1, 2, 7, 1 << 20])
    func aContentLengthBodyIsReadWholeHoweverTheBytesArrive(step: Int) throws {
        let response = try read("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"xyz\"}trailing", step: step)
        #expect(response.status == 200)
        #expect(response.headers.first(name: "content-type") == "application/json")
        #expect(body(response) == "{\"a\":\"xyz\"}")
    }

    @Test(arguments: [1, 3, 1 << 20])
    func aChunkedBodyIsJoinedWithExtensionsAndTrailersSkipped(step: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\nB\r\n, the world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let response = try read(text, step: step)
        #expect(body(response) == "hello, the world")
    }

    @Test func interimAnswersAreSkippedAndBareLineFeedsAccepted() throws {
        let response = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\nContent-Length: 2\n\nok")
        #expect(response.status == 201)
        #expect(body(response) == "ok")
    }

    @Test func withoutALengthTheBodyRunsToTheEndOfTheStream() throws {
        #expect(body(try read("HTTP/1.0 200 OK\r\n\r\nall of it", step: 4)) == "all of it")
        // A last coding other than chunked also runs to the end (RFC 9112 6.3).
        #expect(body(try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw")) == "raw")
    }

    @Test func headAnswers204And304HaveNoBody() throws {
        #expect(body(try read("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", method: .HEAD)).isEmpty)
        #expect(body(try read("HTTP/1.1 204 No Content\r\n\r\n")).isEmpty)
        #expect(body(try read("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")).isEmpty)
    }

    @Test func bodiesOverTheLimitAreRefusedWhicheverTheFraming() throws {
        #expect(throws: NIOTooManyBytesError.self) { try read("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789A", limit: 10) }
        #expect(throws: NIOTooManyBytesError.self) {
            try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n", limit: 10)
        }
        #expect(throws: NIOTooManyBytesError.self) { try read("HTTP/1.1 200 OK\r\n\r\n0123456789A", step: 3, limit: 10) }
        // A length far past the limit is refused before anything is read or allocated.
        #expect(throws: NIOTooManyBytesError.self) { try read("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999\r\n\r\n", limit: 10) }
    }

    @Test func anAnswerCutShortIsAClosedConnection() throws {
        #expect(throws: HTTPClientError.remoteConnectionClosed) { try read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234") }
        #expect(throws: HTTPClientError.remoteConnectionClosed) { try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab") }
        #expect(throws: HTTPClientError.remoteConnectionClosed) { try read("HTTP/1.1 200 OK\r\nContent-") }
        #expect(throws: HTTPClientError.remoteConnectionClosed) { try read("") }
    }

    @Test(arguments: [
        "SSH-2.0-OpenSSH\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
    ])
    func whatIsNotHTTP11IsAMalformedAnswer(text: String) throws {
        let error = try #require(throws: BlockingHTTPError.self) { try read(text) }
        #expect(error.code == .malformedResponse)
    }

    @Test func theHeadIsBounded() throws {
        let long = "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        #expect(throws: BlockingHTTPError.self) { try read(long, step: 1000) }
        let many = "HTTP/1.1 200 OK\r\n" + (0..<300).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
        let error = try #require(throws: BlockingHTTPError.self) { try read(many) }
        #expect(error.message.contains("more than 256 headers"))
    }

    // MARK: Requests

    @Test func aRequestCarriesItsLengthHostAndConnectionClose() throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Connection", value: "keep-alive")  // framing is the client's: dropped
        headers.add(name: "Content-Length", value: "999")
        let bytes = try HTTP1Request.bytes(method: .POST, target: "/a/b?c=1", host: "example.com:8443", headers: headers, body: ByteBuffer(string: "{}"))
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "POST /a/b?c=1 HTTP/1.1\r\nHost: example.com:8443\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        let empty = try HTTP1Request.bytes(method: .POST, target: "/", host: "h", headers: [:], body: nil)
        #expect(String(decoding: empty, as: UTF8.self).contains("Content-Length: 0\r\n"))
        let get = try HTTP1Request.bytes(method: .GET, target: "/", host: "h", headers: ["Host": "signed.example"], body: nil)
        #expect(String(decoding: get, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: signed.example\r\nConnection: close\r\n\r\n")
    }

    @Test func aHeaderThatWouldSplitTheRequestIsRefusedWithoutShowingItsValue() throws {
        for value in ["token\r\nX-Injected: 1", "token\n", "tok\0en"] {
            let error = try #require(throws: BlockingHTTPError.self) {
                try HTTP1Request.bytes(method: .GET, target: "/", host: "h", headers: ["Authorization": value], body: nil)
            }
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("Authorization"))
            #expect(!error.message.contains("token") && !error.message.contains("tok"))
        }
        #expect(throws: BlockingHTTPError.self) { try HTTP1Request.bytes(method: .GET, target: "/", host: "h", headers: ["Bad Name": "v"], body: nil) }
        #expect(throws: BlockingHTTPError.self) { try HTTP1Request.bytes(method: .GET, target: "/a b", host: "h", headers: [:], body: nil) }
    }
}
