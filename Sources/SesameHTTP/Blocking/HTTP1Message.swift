import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A whole answer: its status, headers and body, read to the end within the size limit.
package struct CollectedResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: ByteBuffer

    package init(status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Where `HTTP1ResponseReader` gets its bytes: a socket, a TLS stream, or bytes in a test.
protocol ByteSource {
    /// Reads what is there (waiting for something) into `buffer`; 0 at the end of the stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// The bytes of an HTTP/1.1 request as `BlockingHTTPClient` sends it: one request per connection
/// (`Connection: close`), its length always given.
enum HTTP1Request {
    /// The request line, `Host` (unless `headers` has one), `headers`, `Content-Length`, `Connection: close`, the body.
    /// - Throws: `BlockingHTTPError` (`.invalidRequest`) for a target or header that would change the request's
    ///   framing (a line break, a NUL, a space in the target): named by the header's name, never its value.
    static func bytes(method: HTTPMethod, target: String, host: String, headers: HTTPHeaders, body: ByteBuffer?) throws(BlockingHTTPError)
        -> [UInt8]
    {
        guard !target.isEmpty, !target.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw BlockingHTTPError(.invalidRequest, "the request's path has a space or control character in it")
        }
        var text = "\(method.rawValue) \(target) HTTP/1.1\r\n"
        if !headers.contains(name: "Host") { text += "Host: \(host)\r\n" }
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenCharacter) else {
                throw BlockingHTTPError(.invalidRequest, "a header's name is not a token: '\(name.prefix(40))'")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw BlockingHTTPError(.invalidRequest, "the value of the header \(name) has a line break or NUL in it")
            }
            switch name.lowercased() {
            case "content-length", "connection", "transfer-encoding": continue  // framing is this client's
            default: text += "\(name): \(value)\r\n"
            }
        }
        let length = body?.readableBytes ?? 0
        if length > 0 || [.POST, .PUT, .PATCH].contains(method) { text += "Content-Length: \(length)\r\n" }
        text += "Connection: close\r\n\r\n"
        var bytes = Array(text.utf8)
        if let body { bytes.append(contentsOf: body.readableBytesView) }
        return bytes
    }

    /// RFC 9110's `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

/// Reads one HTTP/1.1 answer: skips interim (1xx) answers, then takes the body by `Transfer-Encoding: chunked`, by
/// `Content-Length`, or up to the end of the stream, never holding more than the limits.
struct HTTP1ResponseReader<Source: ByteSource> {
    /// The largest head (status line and headers) read: 64 KiB, as NIO's parser.
    static var maximumHeadSize: Int { 64 * 1024 }
    /// The most header lines read.
    static var maximumHeaderCount: Int { 256 }

    private var source: Source
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false

    init(source: Source) {
        self.source = source
    }

    /// The answer to a `method` request, its body at most `maximumBodySize` bytes.
    /// - Throws: `NIOTooManyBytesError` past the size limit; `HTTPClientError.remoteConnectionClosed` when the stream
    ///   ends before the answer does; `BlockingHTTPError` (`.malformedResponse`) for what is not HTTP/1.1; and what
    ///   the source throws (timeouts, lost connections).
    mutating func read(method: HTTPMethod, maximumBodySize: Int) throws -> CollectedResponse {
        var (status, headers) = try readHead()
        while (100..<200).contains(status), status != 101 {
            (status, headers) = try readHead()
        }
        if method == .HEAD || status == 204 || status == 304 || status == 101 {
            return CollectedResponse(status: status, headers: headers, body: ByteBuffer())
        }
        let codings = headers[canonicalForm: "Transfer-Encoding"].map { $0.lowercased() }
        let body: [UInt8]
        if let last = codings.last {
            // A body whose last coding is not chunked runs to the end of the stream (RFC 9112 6.3).
            body = last == "chunked" ? try readChunked(upTo: maximumBodySize) : try readToEnd(upTo: maximumBodySize)
        } else if let length = try Self.contentLength(headers) {
            guard length <= maximumBodySize else { throw NIOTooManyBytesError(maxBytes: maximumBodySize) }
            body = try readExactly(length)
        } else {
            body = try readToEnd(upTo: maximumBodySize)
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(body)
        return CollectedResponse(status: status, headers: headers, body: buffer)
    }

    /// The one length the `Content-Length` values agree on, nil without any.
    static func contentLength(_ headers: HTTPHeaders) throws -> Int? {
        let values = headers[canonicalForm: "Content-Length"]
        guard let first = values.first else { return nil }
        guard values.allSatisfy({ $0 == first }), first.utf8.count <= 18, !first.isEmpty,
            first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let length = Int(first)
        else {
            throw BlockingHTTPError(.malformedResponse, "the answer's Content-Length is not one number")
        }
        return length
    }

    private mutating func readHead() throws -> (Int, HTTPHeaders) {
        var headSize = 0
        let statusLine = try readLine(counting: &headSize)
        let words = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard words.count >= 2, words[0].starts(with: Array("HTTP/1.".utf8)), words[1].count == 3,
            words[1].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let status = Int(String(decoding: words[1], as: UTF8.self)), status >= 100
        else {
            throw BlockingHTTPError(.malformedResponse, "the answer does not start with an HTTP/1.x status line")
        }
        var headers = HTTPHeaders()
        while true {
            let line = try readLine(counting: &headSize)
            if line.isEmpty { break }
            guard headers.count < Self.maximumHeaderCount else {
                throw BlockingHTTPError(.malformedResponse, "the answer has more than \(Self.maximumHeaderCount) headers")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[..<colon].allSatisfy(HTTP1Request.isTokenCharacter)
            else {
                throw BlockingHTTPError(.malformedResponse, "the answer has a header line that is not 'name: value'")
            }
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
            var value = line[(colon + 1)...]
            while let first = value.first, isSpace(first) { value = value.dropFirst() }
            while let last = value.last, isSpace(last) { value = value.dropLast() }
            headers.add(name: String(decoding: line[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return (status, headers)
    }

    /// One line of the head, without its line break (CRLF, or a bare LF).
    private mutating func readLine(counting headSize: inout Int) throws -> ArraySlice<UInt8> {
        var searched = position
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                headSize += newline + 1 - position
                guard headSize <= Self.maximumHeadSize else {
                    throw BlockingHTTPError(.malformedResponse, "the answer's head is larger than \(Self.maximumHeadSize) bytes")
                }
                var line = buffer[position..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                position = newline + 1
                return line
            }
            guard headSize + buffer.count - position <= Self.maximumHeadSize else {
                throw BlockingHTTPError(.malformedResponse, "the answer's head is larger than \(Self.maximumHeadSize) bytes")
            }
            let scanned = buffer.count - position
            guard try fill() else { throw HTTPClientError.remoteConnectionClosed }
            searched = position + scanned  // `fill` drops what was already taken
        }
    }

    private mutating func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else { throw HTTPClientError.remoteConnectionClosed }
        }
        defer { position += count }
        return Array(buffer[position..<(position + count)])
    }

    private mutating func readToEnd(upTo maximum: Int) throws -> [UInt8] {
        while try fill() {
            guard buffer.count - position <= maximum else { throw NIOTooManyBytesError(maxBytes: maximum) }
        }
        defer { position = buffer.count }
        return Array(buffer[position...])
    }

    private mutating func readChunked(upTo maximum: Int) throws -> [UInt8] {
        var body: [UInt8] = []
        var lineSize = 0
        while true {
            lineSize = 0
            let sizeLine = try readLine(counting: &lineSize)
            let digits = sizeLine.prefix { $0 != UInt8(ascii: ";") && $0 != 0x20 && $0 != 0x09 }
            let isHexDigit = { (byte: UInt8) in (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66) }
            guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy(isHexDigit),
                let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
            else {
                throw BlockingHTTPError(.malformedResponse, "the answer's chunked body has a chunk size that is not a hexadecimal number")
            }
            if size == 0 { break }
            guard body.count + size <= maximum else { throw NIOTooManyBytesError(maxBytes: maximum) }
            body += try readExactly(size)
            guard try readLine(counting: &lineSize).isEmpty else {
                throw BlockingHTTPError(.malformedResponse, "the answer's chunked body has a chunk longer than its size")
            }
        }
        // Trailer fields, up to the empty line; dropped.
        lineSize = 0
        while try !readLine(counting: &lineSize).isEmpty {}
        return body
    }

    /// Reads more from the source; false at its end. Drops what was already taken first.
    private mutating func fill() throws -> Bool {
        guard !ended else { return false }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let chunk = 16 * 1024
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let count = try buffer.withUnsafeMutableBytes { bytes in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[start...]))
        }
        buffer.removeLast(chunk - count)
        if count == 0 { ended = true }
        return count > 0
    }
}
