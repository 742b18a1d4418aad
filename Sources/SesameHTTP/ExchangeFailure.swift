import AsyncHTTPClient
import NIOCore
import NIOSSL

/// Why one HTTP exchange got no answer, classified once for every client (Secret Server, AWS, the token grants):
/// what kind of failure it was, whether the request may have reached the server, and words for it that never hold a
/// header's value. Each client turns it into its own error type; the retry decision reads `outcome`.
package struct ExchangeFailure: Error, Sendable, Equatable {
    /// The kinds of failure, by what they mean for the request.
    package enum Kind: Sendable, Equatable {
        /// No connection could be made (refused, unreachable, the connect timeout passed): nothing was sent, and the
        /// connection pool already kept trying for the whole connect timeout.
        case connect
        /// The TLS handshake was refused (a certificate, a protocol): nothing was sent, and trying again changes no
        /// certificate.
        case tls
        /// The proxy refused the request or did not answer: nothing reached the server.
        case proxy
        /// No answer in time: the server may have acted.
        case timeout
        /// The answer is larger than the client's limit: the server acted, and asking again gets the same answer.
        case tooLarge
        /// The request could not be sent as it is (a header value with a line break, a URL the client cannot use):
        /// nothing was sent, and sending it again changes nothing.
        case invalidRequest
        /// The connection was lost during the exchange (including a TLS connection closed without its close
        /// notification): the server may have acted.
        case interrupted
    }

    package var kind: Kind
    /// What happened, in words: AsyncHTTPClient's errors by their short description (some carry header values,
    /// which may be a token), a proxy's refusal as what to do about it, others as they describe themselves.
    package var reason: String

    package init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The classification of `error`, thrown by `HTTPClientOwner.execute` (AsyncHTTPClient's pool or the blocking
    /// client). A `CancellationError` is no exchange failure: callers rethrow it before asking.
    package init(classifying error: any Error) {
        reason = ConnectFailure.describe(error)
        if let proxy = ConnectFailure.proxyFailure(error) {
            (kind, reason) = (.proxy, proxy)
        } else if let error = error as? HTTPClientError, error == .connectTimeout {
            kind = .connect
        } else if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            kind = .timeout
        } else if error is NIOTooManyBytesError {
            kind = .tooLarge
        } else if Self.isUnsendable(error) {
            kind = .invalidRequest
        } else if Self.isUncleanShutdown(error) || (error as? BlockingHTTPError)?.code == .connectionLost {
            kind = .interrupted
        } else if ConnectFailure.isTLSFailure(error) {
            kind = .tls
        } else if ConnectFailure.isConnectFailure(error) {
            kind = .connect
        } else {
            kind = .interrupted
        }
    }

    /// What the failure means for `RetryState`: nothing sent (connect, TLS, proxy) is final, a lost exchange may go
    /// again when the request is idempotent, and an answer too large is final.
    package var outcome: RetryState.Outcome {
        switch kind {
        case .connect, .tls, .proxy: return .unreachable
        case .timeout, .interrupted: return .interrupted
        case .tooLarge, .invalidRequest: return .failed
        }
    }

    /// Whether nothing reached the server, so the request had no effect there.
    package var nothingSent: Bool { outcome == .unreachable || kind == .invalidRequest }

    /// A request refused before it was sent: by the blocking client, or by AsyncHTTPClient's checks of the URL and
    /// the header fields.
    private static func isUnsendable(_ error: any Error) -> Bool {
        if let error = error as? BlockingHTTPError { return error.code == .invalidRequest }
        // By the short description: one per case, without the associated values (which may hold a header's value).
        guard let error = error as? HTTPClientError else { return false }
        return Self.unsendable.contains(error.shortDescription)
    }

    private static let unsendable: Set<String> = [
        HTTPClientError.invalidURL, .emptyHost, .emptyScheme, .unsupportedScheme(""), .invalidHeaderFieldNames([]), .invalidHeaderFieldValues([]),
    ].reduce(into: []) { $0.insert($1.shortDescription) }

    /// A TLS connection that ended without its close notification, after the handshake: the exchange was cut, not
    /// refused.
    private static func isUncleanShutdown(_ error: any Error) -> Bool {
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return true }
        if let error = error as? HTTPClientError, error == .uncleanShutdown { return true }
        return false
    }
}
