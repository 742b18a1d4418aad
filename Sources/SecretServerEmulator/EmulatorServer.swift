import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// A running local Secret Server: start it, read its URL, stop it.
///
/// ```swift
/// let server = try await EmulatorServer.start(EmulatorConfiguration(adminPassword: "pw"))
/// defer { Task { await server.stop() } }
/// print(server.baseURL)   // http://127.0.0.1:PORT/SecretServer
/// ```
public final class EmulatorServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The address it listens on.
    public let host: String
    /// `http://HOST:PORT/SecretServer` (the base path as configured; `https` with TLS).
    public let baseURL: String
    /// `http://HOST:PORT/platform`, the Delinea Platform front door; `nil` when it is off.
    public let platformURL: String?
    /// What the start found out (a generated admin password, a new database).
    public let info: EmulatorApplication.StartInfo
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(
        port: Int, host: String, baseURL: String, platformURL: String?, info: EmulatorApplication.StartInfo, group: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        self.port = port
        self.host = host
        self.baseURL = baseURL
        self.platformURL = platformURL
        self.info = info
        self.group = group
        self.task = task
    }

    /// Starts the server and returns once it accepts connections.
    /// - Parameter handleSignals: stop on SIGINT/SIGTERM (for the foreground `sesame server`).
    public static func start(
        _ configuration: EmulatorConfiguration,
        logger: Logger = Logger(label: "sesame.emulator"),
        handleSignals: Bool = false
    ) async throws -> EmulatorServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let (application, info) = try EmulatorApplication.build(configuration, logger: logger) { channel in
            continuation.yield(channel.localAddress?.port ?? configuration.port)
            continuation.finish()
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [application],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The group ended before the server was up: surface its error.
            try await task.value
            throw EmulatorStartupError("the server stopped before it was listening")
        }
        let hostForURL = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let root = "\(configuration.tls == nil ? "http" : "https")://\(hostForURL):\(port)"
        return EmulatorServer(
            port: port, host: configuration.host, baseURL: root + configuration.normalizedBasePath,
            platformURL: configuration.platform.isEnabled ? root + configuration.platform.normalizedPath : nil,
            info: info, group: group,
            task: task
        )
    }

    /// Plans failures on purpose, for tests of clients.
    public var faults: FaultInjector { info.faults }

    /// How many access tokens the server has issued since it started.
    public func issuedTokenCount() async -> Int {
        info.tokens.issuedCount
    }

    /// Waits until the server stops (a signal, or `stop()`), then writes the audit entries still pending.
    public func wait() async throws {
        let outcome = await task.result
        try? await info.audits.flush()
        try outcome.get()
    }

    /// Stops accepting requests, finishes the ones in flight, writes the audit entries still pending, and waits
    /// for the server to end.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        try? await info.audits.flush()
    }
}
