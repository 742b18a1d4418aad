import Foundation

/// Debian's tinyproxy on a free 127.0.0.1 port, for the proxy tests: a real HTTP proxy whose log shows each
/// `CONNECT` it was asked for. `scripts/test` installs it; without it the proxy tests are skipped, except under
/// `CI=true`, where they run and fail.
package final class TinyProxy: @unchecked Sendable {
    package static let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Whether the proxy tests should run: tinyproxy is installed, or CI demands it.
    package static var shouldRun: Bool { binary != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    package let port: Int
    package let logPath: String
    private let process: Process
    private let directory: TemporaryDirectory

    /// `http://127.0.0.1:PORT`, with `user:password@` when given.
    package func url(user: String? = nil, password: String? = nil) -> String {
        let credentials = user.map { $0 + (password.map { ":" + $0 } ?? "") + "@" } ?? ""
        return "http://\(credentials)127.0.0.1:\(port)"
    }

    /// Starts tinyproxy; with `basicAuth`, it asks for that user and password (407 otherwise).
    package init(basicAuth: (user: String, password: String)? = nil) throws {
        guard let binary = Self.binary else {
            throw Failure(message: "tinyproxy is not installed (apt-get install tinyproxy; scripts/test installs it)")
        }
        directory = try TemporaryDirectory()
        port = try Self.freePort()
        logPath = directory.file("tinyproxy.log")
        var lines = [
            "Port \(port)", "Listen 127.0.0.1", "Timeout 30", "LogFile \"\(logPath)\"", "LogLevel Info", "MaxClients 50",
            "Allow 127.0.0.1", "DisableViaHeader Yes",
        ]
        if let basicAuth { lines.append("BasicAuth \(basicAuth.user) \(basicAuth.password)") }
        let configPath = directory.file("tinyproxy.conf")
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", "-c", configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when it accepts a connection (at most 10 s).
        for _ in 0..<200 {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        stop()
        throw Failure(message: "tinyproxy did not start on 127.0.0.1:\(port)")
    }

    /// The targets of the `CONNECT` requests it was asked for so far (`host:port`).
    package func connectTargets() -> [String] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "): CONNECT ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
    }

    /// The whole log, to check what it never shows.
    package func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    package func stop() {
        if process.isRunning {
            // SIGKILL: the test runner's ignored SIGTERM is inherited, and tinyproxy does not reset it.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        directory.remove()
    }

    deinit { stop() }

    /// tinyproxy could not be started.
    package struct Failure: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "no free port: socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw Failure(message: "no free port: bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
