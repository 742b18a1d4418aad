import Foundation
import Sesame
import SesameCore
import SesameFiles

/// The store the reference commands (`get`, `run`, `inject`) read with: Secret Server from the connection
/// options (signing in only when a `tss://` reference is read), AWS from the AWS environment and shared files,
/// and the environment. A memory cache in front makes a reference used twice one read.
enum ReferenceStore {
    /// - Parameter access: what reads of restricted Secret Server secrets send (`RestrictedOptions`); by default
    ///   nothing, and never an automatic check-out.
    /// - Parameter visible: the variables `env://` references may read (default: `environment`). `sesame run` gives
    ///   its child's environment here, so a reference cannot copy one of sesame's own credentials into it.
    static func make(
        connection: ConnectionOptions, cache: CacheConfiguration = CacheConfiguration(strategy: .cacheThenServer),
        environment: [String: String] = ProcessEnvironment.current(), visible: [String: String]? = nil,
        access: SecretAccess = SecretAccess(automaticCheckOut: false), aws: LazyAWSSession? = nil
    ) -> SecretStore {
        // Worked out once for the scope and the client alike: the profile file is read and parsed once.
        let target = Once { try connection.target(environment: environment) }
        // `--proxy` and SESAME_PROXY are for every request; a profile's proxy is for its server only.
        let awsProxy = { @Sendable in try connection.proxyConfiguration(environment: environment, profile: nil) }
        // A read runs where the command runs: on the quick commands' own thread, which starts none.
        var cache = cache
        cache.taskExecutor = CommandExecution.ownThread
        let store = SecretStore.standard(
            environment: environment, cache: cache,
            environmentProvider: EnvironmentProvider(environment: visible ?? environment),
            secretServerScope: { connection.cacheScope(for: try target.value(), environment: environment) },
            secretServer: { try connection.configuration(for: try target.value(), environment: environment) },
            secretServerAccess: access,
            awsProxy: awsProxy,
            aws: aws ?? LazyAWSSession(environment: environment, proxy: awsProxy, engine: CommandExecution.httpEngine)
        )
        return throughAgent(store, environment: environment)
    }

    /// With `SESAME_AGENT` set, the store's providers (but `env://`, which is this process's own) read through the
    /// agent, each falling back to itself when the agent cannot be reached. The token: `SESAME_AGENT_TOKEN`, else the
    /// agent's token file in the configuration folder.
    static func throughAgent(_ store: SecretStore, environment: [String: String]) -> SecretStore {
        guard let text = environment["SESAME_AGENT"], !text.isEmpty else { return store }
        guard let endpoint = AgentClientProvider.Endpoint(text) else {
            FileHandle.standardError.write(Data("warning: SESAME_AGENT must be http://127.0.0.1:PORT (loopback) or a socket path; reading directly\n".utf8))
            return store
        }
        var token = environment["SESAME_AGENT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if token == nil, let bytes = try? SecretFile.readPrivate(ProfileFile.directory(environment) + "/agent.token", limit: 4096) {
            token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token, !token.isEmpty else {
            FileHandle.standardError.write(
                Data("warning: SESAME_AGENT is set but there is no token (SESAME_AGENT_TOKEN or the agent's token file); reading directly\n".utf8))
            return store
        }
        return SecretStore(
            providers: store.providers.map { provider in
                provider.scheme == "env" ? provider : AgentClientProvider(agent: endpoint, token: token, fallback: provider)
            })
    }

    /// Resolves `references` (at most 16 at a time), in their order; past any cache with `refresh` (which keeps
    /// the fresh values).
    static func resolve(_ references: [SecretReference], with store: SecretStore, refresh: Bool = false) async throws -> [SecretValue] {
        try await BoundedTasks.map(count: references.count, limit: 16) {
            refresh ? try await store.refresh(references[$0]) : try await store.get(references[$0])
        }
    }

    /// The store for a command that changes values: no caching of its own, but the user's disk cache (when there
    /// is one) attached, so what the change replaces is removed from it.
    static func forWriting(connection: ConnectionOptions, access: SecretAccess, environment: [String: String] = ProcessEnvironment.current())
        -> SecretStore
    {
        make(
            connection: connection, cache: CacheConfiguration(strategy: .never, disk: CacheOptions.existingDiskCache(environment)),
            environment: environment, access: access
        )
    }
}
