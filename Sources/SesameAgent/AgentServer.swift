import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle
import SesameHTTP
import UnixSignals

/// A running `sesame agent`: started on its address, stopped by `stop()` or, in the foreground, SIGTERM/SIGINT
/// (requests in flight are answered first).
package final class AgentServer: Sendable {
    /// The port it listens on (the chosen one when 0 was asked).
    package let port: Int
    /// `http://HOST:PORT`.
    package let url: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let routes: AgentRoutes

    private init(port: Int, url: String, group: ServiceGroup, task: Task<Void, any Error>, routes: AgentRoutes) {
        self.port = port
        self.url = url
        self.group = group
        self.task = task
        self.routes = routes
    }

    /// Reads references into the cache ahead of their first request (`--prefetch`); with `refresh`, past what is
    /// held (SIGHUP). The ones that failed, with why.
    package func prefetch(_ references: [String], refresh: Bool = false) async -> [String: String] {
        await routes.prefetch(references, refresh: refresh)
    }

    /// Starts serving (on the TCP address, the Unix socket, or both) and returns once it accepts connections.
    package static func start(
        _ configuration: AgentConfiguration, backends: AgentBackends, handleSignals: Bool = false
    ) async throws -> AgentServer {
        // Beyond this machine only when asked for, and then only over TLS: a library user cannot serve secrets in the
        // clear to the network by mistake.
        if configuration.port != nil, !Loopback.contains(configuration.host) {
            guard configuration.allowsRemote, configuration.tls != nil else {
                throw AgentStartupError(message: "\(configuration.host) is not a loopback address: serving other machines needs allowsRemote and TLS")
            }
        }
        configuration.persistence?.prepare(now: configuration.now())
        let cache = AgentCache(
            timeToLive: configuration.timeToLive, staleWindow: configuration.staleWindow, maximumEntries: configuration.maximumEntries,
            persistence: configuration.persistence, now: configuration.now
        )
        var addresses: [(address: BindAddress, isSocket: Bool)] = []
        if let port = configuration.port { addresses.append((.hostname(configuration.host, port: port), false)) }
        if let socketPath = configuration.socketPath {
            // A socket left by an agent that was killed would stop this one from binding; only a socket is removed.
            var status = stat()
            if lstat(socketPath, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK { unlink(socketPath) }
            addresses.append((.unixDomainSocket(path: socketPath), true))
        }
        guard !addresses.isEmpty else { throw AgentStartupError(message: "nothing to listen on: give a port or a socket") }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let metrics = AgentMetrics()
        let shared = AgentRoutes(backends: backends, cache: cache, configuration: configuration, metrics: metrics)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let tls = try configuration.tls.map(Self.tlsServer)
        for (address, isSocket) in addresses {
            let router = Router()
            // On the socket the Host header is whatever the client names it; the socket's mode guards it. Served
            // beyond this machine (TLS), clients name it as they reach it; the token guards it.
            let remote = !isSocket && configuration.allowsRemote && !Loopback.contains(configuration.host)
            shared.register(on: router, checksHost: !isSocket && !remote)
            let server: HTTPServerBuilder = (isSocket ? nil : tls) ?? .http1()
            services.append(
                .init(
                    service: Application(
                        router: router, server: server, configuration: .init(address: address, serverName: "sesame-agent"),
                        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? -1) },
                        logger: configuration.logger
                    )))
        }
        if let interval = configuration.keepAliveInterval {
            let keepAlive = AgentKeepAlive(
                interval: interval, idleLimit: AgentCache.seconds(configuration.keepAliveIdleLimit), keepAlive: backends.keepAlive, metrics: metrics,
                logger: configuration.logger, now: configuration.now)
            services.append(.init(service: keepAlive, successTerminationBehavior: .ignore))
        }
        // The socket is made with no access for others, before it can be connected to.
        let previousMask = configuration.socketPath == nil ? nil : umask(0o177)
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: configuration.logger)
        groupConfiguration.gracefulShutdownSignals = handleSignals ? [.sigterm, .sigint] : []
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        var port = -1
        for _ in addresses {
            guard let running = await iterator.next() else {
                if let previousMask { umask(previousMask) }
                try await task.value
                throw AgentStartupError(message: "the agent stopped before it was listening")
            }
            if running >= 0 { port = running }
        }
        if let previousMask { umask(previousMask) }
        if let socketPath = configuration.socketPath { chmod(socketPath, 0o600) }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let url = configuration.port == nil ? "unix:" + (configuration.socketPath ?? "") : "\(tls == nil ? "http" : "https")://\(host):\(port)"
        return AgentServer(port: port, url: url, group: group, task: task, routes: shared)
    }

    /// HTTP/1.1 over TLS with the configured certificate chain and key.
    static func tlsServer(_ tls: AgentConfiguration.TLS) throws -> HTTPServerBuilder {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
            let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return try .tls(.http1(), tlsConfiguration: configuration)
        } catch {
            throw AgentStartupError(message: "the TLS certificate or key could not be loaded (\(tls.certificatePath), \(tls.keyPath)): \(error)")
        }
    }

    /// Waits until the agent stops.
    package func wait() async throws {
        try await task.value
    }

    /// Stops accepting requests, answers those in flight, and waits for the end.
    package func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// The agent could not start.
package struct AgentStartupError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
