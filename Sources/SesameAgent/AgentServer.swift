import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// A running `sesame agent`: started on its address, stopped by `stop()` or, in the foreground, SIGTERM/SIGINT
/// (requests in flight are answered first).
public final class AgentServer: Sendable {
    /// The port it listens on (the chosen one when 0 was asked).
    public let port: Int
    /// `http://HOST:PORT`.
    public let url: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, url: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.url = url
        self.group = group
        self.task = task
    }

    /// Starts serving and returns once it accepts connections.
    public static func start(
        _ configuration: AgentConfiguration, backends: AgentBackends, handleSignals: Bool = false
    ) async throws -> AgentServer {
        let router = Router()
        let cache = AgentCache(timeToLive: configuration.timeToLive, maximumEntries: configuration.maximumEntries, now: configuration.now)
        AgentRoutes(backends: backends, cache: cache, configuration: configuration).register(on: router)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sesame-agent"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? configuration.port)
                continuation.finish()
            },
            logger: configuration.logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: configuration.logger)
        )
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw AgentStartupError(message: "the agent stopped before it was listening")
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return AgentServer(port: port, url: "http://\(host):\(port)", group: group, task: task)
    }

    /// Waits until the agent stops.
    public func wait() async throws {
        try await task.value
    }

    /// Stops accepting requests, answers those in flight, and waits for the end.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// The agent could not start.
public struct AgentStartupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
