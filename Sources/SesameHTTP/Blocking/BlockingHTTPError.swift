/// Why `BlockingHTTPClient` could not complete an exchange, when it is not a timeout (`HTTPClientError`'s
/// `connectTimeout` and `deadlineExceeded`), a connection lost on the way (`IOError`, `HTTPClientError`'s
/// `remoteConnectionClosed`) or an answer over the size limit (`NIOTooManyBytesError`): the same errors
/// AsyncHTTPClient throws for those, so `ConnectFailure` classifies both clients' failures alike.
package struct BlockingHTTPError: Error, Sendable, CustomStringConvertible {
    package enum Code: String, Sendable {
        /// No connection was made (the name did not resolve, every address refused): nothing was sent.
        case connect
        /// The TLS handshake failed or the server's certificate was refused: trying again changes nothing.
        case tls
        /// The connection failed after the handshake (a TLS error while the request or its answer was on the way):
        /// the server may have acted.
        case connectionLost
        /// The request cannot be sent as given (a header with a line break in it, a URL that is not http(s)).
        case invalidRequest
        /// What came back is not an HTTP/1.1 answer this client reads.
        case malformedResponse
    }

    package var code: Code
    /// What went wrong, in words; never a header's value or a body.
    package var message: String
    /// The system's error number, for `.connect`.
    package var errno: Int32?

    package init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    package var description: String { message }
}
