#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps a stopped server's port on 127.0.0.1 from being handed to another listener: a TCP socket bound to it and
/// never listening. A connection to the port is refused at once, as to a port nobody holds, while the kernel skips
/// it when it picks a free port for another test's server (a `--port 0` bind). Without it a test that stopped its
/// server to prove that a value comes from the cache could reach another test's server on the same port.
///
/// The socket is closed when the reservation is released.
package final class PortReservation: Sendable {
    /// The reserved port.
    package let port: Int
    private let descriptor: Int32

    /// Binds a socket to `127.0.0.1:port` (`SO_REUSEADDR`, so the stopped server's connections still waiting out
    /// their TIME_WAIT do not stand in the way). Returns `nil` when the port is taken already.
    package init?(port: Int) {
        guard (1...65535).contains(port) else { return nil }
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
            if descriptor >= 0 { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        #endif
        guard descriptor >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            return nil
        }
        self.port = port
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
