import AWSSecrets
import Foundation
import Logging
import SecretServer
import SesameCore
import SesameRedaction
import Synchronization

extension SecretStore {
    /// A store made from `environment`: see `Sesame`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, cache: CacheConfiguration = CacheConfiguration()
    ) -> SecretStore {
        standard(
            environment: environment, cache: cache,
            secretServerScope: { CacheScope.secretServer(try secretServerConfiguration(environment)) },
            secretServer: { try secretServerConfiguration(environment) }
        )
    }

    /// Every provider, made when first used, each behind a caching provider (the environment's excepted):
    /// AWS from `environment` (one session for both services), Secret Server from `secretServer()`, which is
    /// called only when a `tss://` reference is read (it may prompt for a password).
    /// - Parameter secretServerAccess: what reads of restricted secrets send (comment, ticket, check-out, DoubleLock).
    /// - Parameter awsProxy: the AWS clients' proxy setting, asked for when AWS is first used; nil reads the standard
    ///   variables from `environment`.
    /// - Parameter shared: an AWS session to read with instead of one of the store's own (the agent shares its own
    ///   between its AWS routes and its references, so credentials are sourced once).
    /// - Parameter secretServerScope: the Secret Server's cache scope (`CacheScope.secretServer`: its URL and who
    ///   signs in), worked out without signing in, so a cached value is found without a password prompt and never
    ///   answers for another server or account.
    public static func standard(
        environment: [String: String], cache: CacheConfiguration, environmentProvider: EnvironmentProvider = EnvironmentProvider(),
        secretServerScope: @escaping @Sendable () throws -> String,
        secretServer: @escaping @Sendable () throws -> SecretServerClient.Configuration,
        secretServerAccess: SecretAccess = SecretAccess(),
        awsProxy: @escaping @Sendable () throws -> ProxyConfiguration? = { nil },
        aws shared: LazyAWSSession? = nil
    ) -> SecretStore {
        let aws = shared ?? LazyAWSSession(environment: environment, proxy: awsProxy)
        return SecretStore(providers: [
            environmentProvider,
            CachingProvider(DeferredProvider(scheme: "aws-ps") { try ParameterStoreProvider(session: try aws.session()) }, configuration: cache),
            CachingProvider(DeferredProvider(scheme: "aws-sm") { try SecretsManagerProvider(session: try aws.session()) }, configuration: cache),
            CachingProvider(
                DeferredProvider(scheme: "tss", cacheScope: secretServerScope) {
                    SecretServerProvider(client: try SecretServerClient(configuration: try secretServer()), access: secretServerAccess)
                }, configuration: cache),
        ])
    }

    /// A Secret Server client configuration from `SESAME_URL` and `SESAME_TOKEN`, `SESAME_CLIENT_ID`/`SESAME_CLIENT_SECRET` (an
    /// SDK client) or `SESAME_USERNAME`/`SESAME_PASSWORD` (with `SESAME_OTP` for a two-factor code).
    static func secretServerConfiguration(_ environment: [String: String]) throws -> SecretServerClient.Configuration {
        guard let url = environment["SESAME_URL"], !url.isEmpty else {
            throw SesameError(code: .invalidConfiguration, message: "SESAME_URL is not set; set it to the Secret Server's URL for tss:// references")
        }
        let credentials: SecretServerClient.Credentials
        if let token = environment["SESAME_TOKEN"], !token.isEmpty {
            credentials = .token(token)
        } else if let clientId = environment["SESAME_CLIENT_ID"], !clientId.isEmpty, let clientSecret = environment["SESAME_CLIENT_SECRET"],
            !clientSecret.isEmpty
        {
            credentials = .sdkClient(clientId: clientId, clientSecret: clientSecret)
        } else if let username = environment["SESAME_USERNAME"], let password = environment["SESAME_PASSWORD"] {
            credentials = .password(username: username, password: password, domain: environment["SESAME_DOMAIN"])
        } else {
            throw SesameError(
                code: .invalidConfiguration,
                message: "set SESAME_TOKEN, SESAME_CLIENT_ID and SESAME_CLIENT_SECRET, or SESAME_USERNAME and SESAME_PASSWORD, for tss:// references"
            )
        }
        var configuration = SecretServerClient.Configuration(baseURL: url, credentials: credentials)
        if let code = environment["SESAME_OTP"], !code.isEmpty { configuration.oneTimePassword = code }
        return configuration
    }
}
