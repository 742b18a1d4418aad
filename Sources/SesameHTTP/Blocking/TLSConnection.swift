import AsyncHTTPClient
internal import CNIOBoringSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How `BlockingHTTPClient` trusts servers: the system's CA certificates (found where NIOSSL finds them), a CA file's
/// on top, TLS 1.2 or later, and the certificate always verified, for the host name or IP address asked for.
/// Immutable once made; BoringSSL lets any thread make connections from it.
final class TLSClientContext: @unchecked Sendable {
    fileprivate let pointer: OpaquePointer

    /// The system's trust roots: the first of the bundle files that exists, and the hashed directory.
    private static let systemBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"]
    private static let systemDirectory = "/etc/ssl/certs"

    /// - Parameter caFile: a PEM file of extra CA certificates to trust.
    /// - Throws: `BlockingHTTPError` (`.tls`) when the CA file cannot be read.
    init(caFile: String?) throws(BlockingHTTPError) {
        guard let context = SSL_CTX_new(TLS_method()) else { throw BlockingHTTPError(.tls, "cannot make a TLS context") }
        pointer = context
        _ = SSL_CTX_set_min_proto_version(context, UInt16(TLS1_2_VERSION))
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let bundle = Self.systemBundles.first { access($0, R_OK) == 0 }
        let directory = access(Self.systemDirectory, R_OK | X_OK) == 0 ? Self.systemDirectory : nil
        if bundle != nil || directory != nil {
            _ = SSL_CTX_load_verify_locations(context, bundle, directory)
        }
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                ERR_clear_error()
                throw BlockingHTTPError(.tls, "cannot read the CA certificates in \(caFile) (a PEM file is needed)")
            }
        }
        // Only HTTP/1.1 is spoken.
        let protocols: [UInt8] = [8] + Array("http/1.1".utf8)
        _ = SSL_CTX_set_alpn_protos(context, protocols, protocols.count)
        ERR_clear_error()
    }

    deinit { SSL_CTX_free(pointer) }
}

/// One TLS client connection over a `BlockingSocket`. BoringSSL reads and writes memory (a BIO pair) and this class
/// moves the bytes to and from the socket, so every wait has the socket's deadline and a peer that has gone makes a
/// write fail rather than raise SIGPIPE.
final class TLSConnection: ByteSource {
    private let ssl: OpaquePointer
    private let network: OpaquePointer
    private let socket: BlockingSocket
    private let deadline: ContinuousClock.Instant
    private var incoming = [UInt8](repeating: 0, count: 16 * 1024)
    private var outgoing = [UInt8](repeating: 0, count: 16 * 1024)
    private var streamEnded = false
    /// Whether the handshake finished: a failure after it may come after the request went out.
    private var established = false
    /// The name or address the certificate must be for.
    private let host: String

    /// Shakes hands with the server at `host` (a name or an IP address, without a URL's brackets) over `socket`, by
    /// `deadline`.
    /// - Throws: `BlockingHTTPError` (`.tls`) when the handshake fails or the certificate is refused (saying why);
    ///   the socket's errors and `HTTPClientError.deadlineExceeded`.
    init(socket: BlockingSocket, context: TLSClientContext, host: String, deadline: ContinuousClock.Instant) throws {
        guard let ssl = SSL_new(context.pointer) else { throw BlockingHTTPError(.tls, "cannot start a TLS connection") }
        var inside: OpaquePointer?
        var outside: OpaquePointer?
        guard BIO_new_bio_pair(&inside, 0, &outside, 0) == 1, let inside, let outside else {
            SSL_free(ssl)
            throw BlockingHTTPError(.tls, "cannot start a TLS connection")
        }
        SSL_set_bio(ssl, inside, inside)
        self.ssl = ssl
        self.network = outside
        self.socket = socket
        self.deadline = deadline
        self.host = host
        let parameters = SSL_get0_param(ssl)
        if IPAddressBytes.parse(host) != nil {
            guard X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1 else {
                throw BlockingHTTPError(.tls, "cannot check the certificate for the address \(host)")
            }
        } else {
            _ = SSL_set_tlsext_host_name(ssl, host)
            guard X509_VERIFY_PARAM_set1_host(parameters, host, host.utf8.count) == 1 else {
                throw BlockingHTTPError(.tls, "cannot check the certificate for the name \(host)")
            }
        }
        guard try drive({ SSL_connect(ssl) }) == 1 else {
            throw BlockingHTTPError(.tls, "the server closed the connection during the TLS handshake")
        }
        established = true
    }

    deinit {
        SSL_free(ssl)
        BIO_free(network)
    }

    /// Reads what the server sent; 0 when it closed the stream with TLS's close_notify.
    /// - Throws: `HTTPClientError.uncleanShutdown` when the connection ended without it (the answer may be cut short).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try drive { SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }
        guard count >= 0 else { throw HTTPClientError.uncleanShutdown }
        return Int(count)
    }

    /// Sends all of `bytes`.
    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let sent = try drive { SSL_write(ssl, bytes, Int32(clamping: bytes.count)) }
        guard sent == bytes.count else { throw HTTPClientError.remoteConnectionClosed }
    }

    /// Runs `operation` (`SSL_connect`, `SSL_read`, `SSL_write`) until it completes, moving bytes between the BIO
    /// pair and the socket as BoringSSL asks. Its result when positive; 0 for a clean close; -1 for the stream's end
    /// without one.
    private func drive(_ operation: () -> Int32) throws -> Int32 {
        while true {
            ERR_clear_error()
            let result = operation()
            let error = SSL_get_error(ssl, result)
            try flush()
            if result > 0 { return result }
            switch error {
            case SSL_ERROR_WANT_READ:
                guard !streamEnded else { return -1 }
                let room = min(Int(BIO_ctrl_get_write_guarantee(network)), incoming.count)
                guard room > 0 else { continue }
                let count = try incoming.withUnsafeMutableBytes { bytes in
                    try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: bytes[..<room]), until: deadline)
                }
                if count == 0 {
                    streamEnded = true
                    _ = BIO_shutdown_wr(network)
                } else {
                    _ = BIO_write(network, incoming, Int32(count))
                }
            case SSL_ERROR_WANT_WRITE:
                continue  // flushed above
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_SYSCALL where streamEnded:
                return -1
            default:
                throw failure()
            }
        }
    }

    /// Sends what BoringSSL has written to the pair.
    private func flush() throws {
        while BIO_ctrl_pending(network) > 0 {
            let count = BIO_read(network, &outgoing, Int32(outgoing.count))
            guard count > 0 else { return }
            try outgoing.withUnsafeBytes { bytes in
                try socket.send(UnsafeRawBufferPointer(rebasing: bytes[..<Int(count)]), until: deadline)
            }
        }
    }

    /// Why the handshake or the connection failed: the certificate check's verdict, else BoringSSL's error.
    private func failure() -> BlockingHTTPError {
        let verdict = SSL_get_verify_result(ssl)
        if verdict == X509_V_ERR_HOSTNAME_MISMATCH || verdict == X509_V_ERR_IP_ADDRESS_MISMATCH {
            return BlockingHTTPError(.tls, "the server's certificate is not for \(host) (\(String(cString: X509_verify_cert_error_string(verdict))))")
        }
        if verdict != X509_V_OK {
            return BlockingHTTPError(.tls, "the server's certificate was refused: \(String(cString: X509_verify_cert_error_string(verdict)))")
        }
        let code = ERR_get_error()
        ERR_clear_error()
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        let reason = code == 0 ? "no reason given" : String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return established
            ? BlockingHTTPError(.connectionLost, "the TLS connection failed after the handshake (\(reason))")
            : BlockingHTTPError(.tls, "the TLS connection failed (\(reason))")
    }
}
