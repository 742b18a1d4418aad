import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import SesameRedaction

/// Builds the local Secret Server as a Hummingbird application.
public enum EmulatorApplication {
    /// What a start found out.
    public struct StartInfo: Sendable {
        /// The admin password, when this start generated it (first start, none given).
        public var generatedAdminPassword: String?
        /// Whether the database was created by this start.
        public var createdDatabase: Bool
        /// The Platform service user's secret, when this start generated it.
        public var generatedPlatformSecret: String?
        /// Plans failures on purpose, for tests of clients.
        public var faults: FaultInjector
        /// The live sessions, for tests that count sign-ins.
        var tokens: TokenStore
        /// The routes served, when `recordRoutes` is on.
        public var routeLog: RouteLog?
        /// The audit entries not written yet, flushed when the server stops.
        var audits: AuditLog
    }

    /// The router with every route, for in-process tests (`app.test(.router)`).
    static func router(routes: EmulatorRoutes, faults: FaultInjector, log: RouteLog? = nil) -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self, options: .caseInsensitive)
        // Method and path of every request at debug (never headers or bodies: they carry tokens and secrets).
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: APIErrorMiddleware(logger: routes.logger))
        router.add(middleware: FaultMiddleware(faults: faults))
        if let log { router.add(middleware: RouteLogMiddleware(log: log)) }
        router.add(middleware: QueryContractMiddleware(basePath: routes.configuration.normalizedBasePath))
        routes.register(on: router)
        return router
    }

    /// Every route the local server registers, as `METHOD /path/{template}` (for tests against the spec).
    public static func registeredRoutes(_ configuration: EmulatorConfiguration, logger: Logger) throws -> [String] {
        let opened = try EmulatorStore.open(configuration, logger: logger)
        let routes = EmulatorRoutes(
            store: opened.store, tokens: TokenStore(lifetime: 60, refreshEnabled: true, now: configuration.now),
            throttle: LoginThrottle(limit: 0, window: 60, now: configuration.now),
            configuration: configuration, logger: logger,
            twoFactor: TwoFactorCheck(secrets: configuration.twoFactor, now: configuration.now)
        )
        return router(routes: routes, faults: FaultInjector()).routes.map { "\($0.method) \($0.path)" }
    }

    /// HTTP/1.1, over TLS with `certificate` when there is one.
    static func serverBuilder(_ certificate: DevelopmentCertificate?) throws -> HTTPServerBuilder {
        guard let certificate else { return .http1() }
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array((certificate.certificatePEM + "\n" + certificate.caPEM + "\n").utf8))
            let key = try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            return try .tls(.http1(), tlsConfiguration: tls)
        } catch {
            throw EmulatorStartupError("the TLS certificate could not be loaded: \(error)")
        }
    }

    /// Opens the store and builds the application for `configuration`.
    public static func build(
        _ configuration: EmulatorConfiguration,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> (application: Application<RouterResponder<EmulatorRequestContext>>, info: StartInfo) {
        try configuration.validate()
        let opened = try EmulatorStore.open(configuration, logger: logger)
        let routes = EmulatorRoutes(
            store: opened.store,
            tokens: TokenStore(
                lifetime: configuration.tokenLifetime, refreshEnabled: configuration.refreshTokensEnabled,
                now: configuration.now
            ),
            throttle: LoginThrottle(
                limit: configuration.failedLoginsPerAddress, window: configuration.failedLoginWindow, now: configuration.now
            ),
            configuration: configuration,
            logger: logger,
            twoFactor: TwoFactorCheck(secrets: configuration.twoFactor, now: configuration.now)
        )
        let faults = FaultInjector(mode: configuration.faultMode)
        let log = configuration.recordRoutes ? RouteLog() : nil
        let application = Application(
            router: router(routes: routes, faults: faults, log: log),
            server: try serverBuilder(configuration.tls),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "Sesame-SecretServer-Emulator"
            ),
            onServerRunning: onServerRunning,
            logger: logger
        )
        return (
            application,
            StartInfo(
                generatedAdminPassword: opened.generatedAdminPassword,
                createdDatabase: opened.created, generatedPlatformSecret: opened.generatedPlatformSecret,
                faults: faults, tokens: routes.tokens,
                routeLog: log, audits: opened.store.audits)
        )
    }
}

extension EmulatorApplication.StartInfo: Redacting {
    public var redactedDescription: String {
        "generatedAdminPassword: \(generatedAdminPassword == nil ? "none" : "<redacted>"), createdDatabase: \(createdDatabase), "
            + "generatedPlatformSecret: \(generatedPlatformSecret == nil ? "none" : "<redacted>")"
    }
}
