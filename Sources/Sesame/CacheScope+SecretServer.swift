import SecretServer
import SesameCore

extension CacheScope {
    /// The scope of a client `configuration`: its server and the principal it names (or its credentials' own).
    public static func secretServer(_ configuration: SecretServerClient.Configuration) -> String {
        secretServer(baseURL: configuration.baseURL, principal: configuration.principal ?? configuration.credentials.principal)
    }
}
