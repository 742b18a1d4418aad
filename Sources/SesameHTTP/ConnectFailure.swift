import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// How a failed exchange failed, for the retry decision (`RetryState.Outcome`): whether anything could have reached
/// the server.
package enum ConnectFailure {
    /// Whether `error` means no connection could be made (as opposed to one lost mid-request): refused,
    /// unreachable, or the connect timeout passed. Nothing was sent.
    package static func isConnectFailure(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? BlockingHTTPError { return error.code == .connect }
        if let error = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN].contains(error.errnoCode)
        }
        return false
    }

    /// Whether `error` is a TLS failure (a certificate, a handshake): trying again changes nothing.
    package static func isTLSFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || (error as? BlockingHTTPError)?.code == .tls
    }

    /// What a proxy's refusal means, when `error` is one (a 407, a refused tunnel, no handshake in time): trying
    /// again changes nothing. Nil for other errors.
    package static func proxyFailure(_ error: any Error) -> String? {
        guard let error = error as? HTTPClientError else { return nil }
        switch error {
        case .proxyAuthenticationRequired:
            return "the proxy wants a user and password it did not get or refused (HTTP 407): give them in the proxy URL "
                + "(HTTPS_PROXY=http://user:password@host:port) or, for --proxy, in SESAME_PROXY_PASSWORD"
        case .invalidProxyResponse:
            return "the proxy refused to open a tunnel (CONNECT) to the server: check its user and password (some proxies "
                + "answer 401 for them), that it allows this host and port, or list the host in NO_PROXY"
        case .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
            return "the proxy did not answer in time: check HTTPS_PROXY / --proxy"
        default:
            return nil
        }
    }

    /// Words for `error` that never hold a header's value: AsyncHTTPClient's own errors by their short description
    /// (`invalidHeaderFieldValues` carries the refused values, which may be a token), others as they describe
    /// themselves.
    package static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.shortDescription }
        return "\(error)"
    }
}
