import Foundation
import Hummingbird
import Logging
import NIOCore

/// Builds the local Secret Server as a Hummingbird application.
public enum EmulatorApplication {
    /// What a start found out.
    public struct StartInfo: Sendable {
        /// The admin password, when this start generated it (first start, none given).
        public var generatedAdminPassword: String?
        /// Whether the database was created by this start.
        public var createdDatabase: Bool
        /// Plans failures on purpose, for tests of clients.
        public var faults: FaultInjector
        /// The live sessions, for tests that count sign-ins.
        var tokens: TokenStore
    }

    /// The router with every route, for in-process tests (`app.test(.router)`).
    static func router(routes: EmulatorRoutes, faults: FaultInjector) -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self, options: .caseInsensitive)
        router.add(middleware: APIErrorMiddleware(logger: routes.logger))
        router.add(middleware: FaultMiddleware(faults: faults))
        routes.register(on: router)
        return router
    }

    /// Opens the store and builds the application for `configuration`.
    public static func build(
        _ configuration: EmulatorConfiguration,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> (application: Application<RouterResponder<EmulatorRequestContext>>, info: StartInfo) {
        let opened = try EmulatorStore.open(configuration, logger: logger)
        let routes = EmulatorRoutes(
            store: opened.store,
            tokens: TokenStore(
                lifetime: configuration.tokenLifetime, refreshEnabled: configuration.refreshTokensEnabled,
                now: configuration.now
            ),
            configuration: configuration,
            logger: logger
        )
        let faults = FaultInjector()
        let application = Application(
            router: router(routes: routes, faults: faults),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "Sesame-SecretServer-Emulator"
            ),
            onServerRunning: onServerRunning,
            logger: logger
        )
        return (application, StartInfo(generatedAdminPassword: opened.generatedAdminPassword,
                                        createdDatabase: opened.created, faults: faults, tokens: routes.tokens))
    }
}
