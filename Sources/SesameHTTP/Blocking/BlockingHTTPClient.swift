import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An HTTP/1.1 client for a process that makes a request or two and exits (`sesame get`, `sesame secret get`): one
/// connection per request, written and read on the calling thread with system calls that wait at most until the
/// deadline. No event loop, connection pool or thread is started, which is most of what AsyncHTTPClient costs such a
/// process (the start-up figures in Benchmarks/README.md).
///
/// It sends straight to the server, verifying TLS as `TLSClientContext` says. Whatever it does not do (a proxy, a
/// client certificate, skipped verification) `HTTPClientOwner` leaves to the connection pool. It fails as
/// AsyncHTTPClient fails for the same cause (`BlockingHTTPError` says the rest), so callers classify both alike.
///
/// Its calls block the thread they run on: only for code that owns its thread (the CLI's `CallingThreadExecutor`),
/// never on the cooperative pool of a long-running process.
package final class BlockingHTTPClient: Sendable {
    private let connectTimeout: Duration
    private let caFile: String?
    /// Made on the first https request, kept for the next.
    private let tls = Mutex<TLSClientContext?>(nil)

    /// - Parameters:
    ///   - connectTimeout: how long a connection may take (within the request's own timeout).
    ///   - caFile: a PEM file of CA certificates to trust on top of the system's.
    package init(connectTimeout: Duration, caFile: String? = nil) {
        self.connectTimeout = connectTimeout
        self.caFile = caFile
    }

    /// Sends `request` and reads the whole answer, by `timeout` from now.
    /// - Throws: `HTTPClientError.connectTimeout` / `.deadlineExceeded` when time runs out, `NIOTooManyBytesError`
    ///   past `maximumSize`, `IOError` and `HTTPClientError.remoteConnectionClosed` for a connection lost on the way,
    ///   `BlockingHTTPError` for the rest.
    package func execute(_ request: OutgoingRequest, timeout: Duration, maximumSize: Int) throws -> CollectedResponse {
        let start = ContinuousClock.now
        let deadline = start + timeout
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host(percentEncoded: false), !host.isEmpty
        else {
            throw BlockingHTTPError(.invalidRequest, "the URL is not an http(s) URL with a host")
        }
        let secure = scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        guard (1...65535).contains(port) else { throw BlockingHTTPError(.invalidRequest, "the URL's port is not between 1 and 65535") }
        var target = url.path(percentEncoded: true)
        if target.isEmpty { target = "/" }
        if let query = url.query(percentEncoded: true) { target += "?" + query }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let named = bare.contains(":") ? "[\(bare)]" : bare
        let hostHeader = port == (secure ? 443 : 80) ? named : "\(named):\(port)"
        let bytes = try HTTP1Request.bytes(method: request.method, target: target, host: hostHeader, headers: request.headers, body: request.body)
        let socket = try BlockingSocket.connect(host: bare, port: port, deadline: min(start + connectTimeout, deadline))
        if secure {
            let connection = try TLSConnection(socket: socket, context: try context(), host: bare, deadline: deadline)
            try connection.write(bytes)
            var reader = HTTP1ResponseReader(source: connection)
            return try reader.read(method: request.method, maximumBodySize: maximumSize)
        }
        try bytes.withUnsafeBytes { try socket.send($0, until: deadline) }
        var reader = HTTP1ResponseReader(source: PlainSource(socket: socket, deadline: deadline))
        return try reader.read(method: request.method, maximumBodySize: maximumSize)
    }

    private func context() throws -> TLSClientContext {
        try tls.withLock { made throws(BlockingHTTPError) in
            if let made { return made }
            let context = try TLSClientContext(caFile: caFile)
            made = context
            return context
        }
    }

    /// A plain connection's bytes, each wait bounded by the request's deadline.
    private struct PlainSource: ByteSource {
        let socket: BlockingSocket
        let deadline: ContinuousClock.Instant

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            try socket.receive(into: buffer, until: deadline)
        }
    }
}

/// A request as Sesame's transports give it to `HTTPClientOwner`: whichever engine sends it.
package struct OutgoingRequest: Sendable {
    package var url: String
    package var method: HTTPMethod
    package var headers: HTTPHeaders
    package var body: ByteBuffer?

    package init(url: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// The same request for AsyncHTTPClient.
    var clientRequest: HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        return request
    }
}
