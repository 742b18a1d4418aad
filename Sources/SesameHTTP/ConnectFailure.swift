import NIOCore
import NIOPosix
import NIOSSL

/// How a failed exchange failed, for the retry decision (`RetryState.Outcome`): whether anything could have reached
/// the server.
public enum ConnectFailure {
    /// Whether `error` means no connection could be made (as opposed to one lost mid-request): refused,
    /// unreachable, or the connect timeout passed. Nothing was sent.
    public static func isConnectFailure(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN].contains(error.errnoCode)
        }
        return false
    }

    /// Whether `error` is a TLS failure (a certificate, a handshake): trying again changes nothing.
    public static func isTLSFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError
    }
}
