import AWSSecrets
import Foundation
import SecretServer
import Sesame
import Synchronization

/// The store the reference commands (`get`, `run`, `inject`) read with: Secret Server from the connection
/// options (signing in only when a `tss://` reference is read), AWS from the AWS environment and shared files,
/// and the environment. A memory cache in front makes a reference used twice one read.
enum ReferenceStore {
    static func make(connection: ConnectionOptions, environment: [String: String] = ProcessInfo.processInfo.environment) -> SecretStore {
        let aws = AWSSessionHolder(environment: environment)
        let cache = CacheConfiguration(strategy: .cacheThenServer)
        let url = connection.url ?? environment["SESAME_URL"] ?? ""
        return SecretStore(providers: [
            EnvironmentProvider(environment: environment),
            CachingProvider(DeferredProvider(scheme: "aws-ps") { try ParameterStoreProvider(session: try aws.session()) }, configuration: cache),
            CachingProvider(DeferredProvider(scheme: "aws-sm") { try SecretsManagerProvider(session: try aws.session()) }, configuration: cache),
            CachingProvider(DeferredProvider(scheme: "tss", cacheScope: "tss " + url) {
                SecretServerProvider(client: try SecretServerClient(configuration: try connection.configuration(environment: environment)))
            }, configuration: cache),
        ])
    }

    /// Resolves `references` (at most 16 at a time), in their order.
    static func resolve(_ references: [SecretReference], with store: SecretStore) async throws -> [SecretValue] {
        var values = [SecretValue?](repeating: nil, count: references.count)
        try await withThrowingTaskGroup(of: (Int, SecretValue).self) { group in
            var next = 0
            func addNext() {
                let index = next
                next += 1
                group.addTask { (index, try await store.get(references[index])) }
            }
            for _ in 0..<min(16, references.count) { addNext() }
            while let (index, value) = try await group.next() {
                values[index] = value
                if next < references.count { addNext() }
            }
        }
        return values.map { $0! }
    }
}

/// One AWS session for the command, made when an AWS reference is first read.
final class AWSSessionHolder: Sendable {
    private let environment: [String: String]
    private let made = Mutex<AWSSession?>(nil)

    init(environment: [String: String]) {
        self.environment = environment
    }

    func session() throws -> AWSSession {
        try made.withLock { made in
            if let made { return made }
            let session = try AWSSession(configuration: AWSConfiguration(environment: environment))
            made = session
            return session
        }
    }
}
