import AsyncHTTPClient
import NIOCore

#if canImport(Glibc)
    import Glibc
    private let systemConnect = Glibc.connect
    private let systemSend = Glibc.send
#elseif canImport(Darwin)
    import Darwin
    private let systemConnect = Darwin.connect
    private let systemSend = Darwin.send
#endif

/// A TCP connection whose every wait is bounded by a deadline: the socket is non-blocking, and each read, write and
/// connect waits in `poll` for at most the time left. Closed when released. `BlockingHTTPClient`'s transport.
final class BlockingSocket {
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// A connection to `host` (a name or an address, without a URL's brackets):`port`, trying each address the
    /// resolver gives in turn.
    /// - Throws: `HTTPClientError.connectTimeout` when `deadline` passes first, `BlockingHTTPError` (`.connect`) when
    ///   the name does not resolve or no address takes the connection (the last address's `errno` is said).
    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws -> BlockingSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            let reason = resolved == 0 ? "no address" : String(cString: gai_strerror(resolved))
            throw BlockingHTTPError(.connect, "cannot resolve \(host) (\(reason))")
        }
        defer { freeaddrinfo(list) }
        var lastError = ECONNREFUSED
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            #if canImport(Glibc)
                let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            #else
                let type = SOCK_STREAM
            #endif
            let descriptor = socket(address.pointee.ai_family, type, 0)
            guard descriptor >= 0 else {
                lastError = errno
                continue
            }
            let connection = BlockingSocket(descriptor: descriptor)
            #if canImport(Darwin)
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            #endif
            if systemConnect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else {
                    lastError = errno
                    continue
                }
                try connection.wait(for: Int16(POLLOUT), until: deadline, timeoutError: HTTPClientError.connectTimeout)
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
                guard failure == 0 else {
                    lastError = failure
                    continue
                }
            }
            var on: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            return connection
        }
        throw BlockingHTTPError(.connect, "could not connect to \(host) port \(port) (\(String(cString: strerror(lastError))))", errno: lastError)
    }

    /// Waits until the socket is ready for `events` (`POLLIN`, `POLLOUT`), or throws `timeoutError` at `deadline`.
    func wait(for events: Int16, until deadline: ContinuousClock.Instant, timeoutError: any Error = HTTPClientError.deadlineExceeded) throws {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw timeoutError }
            // At least a millisecond, at most a minute per poll (the loop takes the rest).
            let milliseconds = Int32(min(max((left / .milliseconds(1)).rounded(.up), 1), 60_000))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw IOError(errnoCode: errno, reason: "poll") }
        }
    }

    /// Reads what has arrived into `buffer` (waiting for something until `deadline`); 0 at the end of the stream.
    func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: ContinuousClock.Instant) throws -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch errno {
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), until: deadline)
            case EINTR: continue
            default: throw IOError(errnoCode: errno, reason: "recv")
            }
        }
    }

    /// Sends all of `bytes` by `deadline`. A peer that has gone makes this throw (`EPIPE`), never raise SIGPIPE.
    func send(_ bytes: UnsafeRawBufferPointer, until deadline: ContinuousClock.Instant) throws {
        var sent = 0
        while sent < bytes.count {
            #if canImport(Glibc)
                let flags = Int32(MSG_NOSIGNAL)
            #else
                let flags: Int32 = 0
            #endif
            let count = systemSend(descriptor, bytes.baseAddress! + sent, bytes.count - sent, flags)
            if count >= 0 {
                sent += count
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), until: deadline)
            case EINTR: continue
            default: throw IOError(errnoCode: errno, reason: "send")
            }
        }
    }
}
