import AWSSigV4
import Foundation
import Logging
import SesameRedaction

/// The resolved AWS setup: region, credentials and one connection pool, from which the service clients are
/// made. Create one per process (or per account/region), share it, and `shutdown()` it at the end.
///
/// ```swift
/// let session = try AWSSession(configuration: AWSConfiguration(region: "eu-west-1"))
/// let value = try await session.ssm().getParameter("/prod/db/password", withDecryption: true)
/// try await session.shutdown()
/// ```
public struct AWSSession: Sendable {
    public let region: String
    /// The credentials every client of this session signs with.
    public let credentialsProvider: any AWSCredentialsProvider
    /// Whose credentials these are, without the secret: `role:ARN` for an assumed role, `key:ACCESS_KEY_ID` for
    /// long-term keys, else `profile:NAME`. Caches keep entries per principal, region and endpoint, so one account's
    /// values never answer for another's. `AWSConfiguration.principal` overrides it.
    public let principal: String
    public let configuration: AWSConfiguration
    let transport: AWSTransport
    let profileSettings: [String: String]

    public init(configuration: AWSConfiguration = AWSConfiguration()) throws {
        let environment = configuration.environment
        let explicitProfile = configuration.profile ?? environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profileName = explicitProfile ?? "default"
        let shared = try AWSSharedConfig.load(environment: environment)
        let settings = shared.profile(profileName)
        if let explicitProfile, settings == nil {
            throw AWSError(
                code: .invalidConfiguration,
                message: "the AWS profile '\(explicitProfile)' is in neither the config nor the credentials file"
            )
        }
        let profile = settings ?? [:]
        let region = [configuration.region, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], profile["region"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        guard let region else {
            throw AWSError(
                code: .invalidConfiguration,
                message: "no AWS region: pass one, set AWS_REGION, or set region in the profile '\(profileName)'"
            )
        }
        self.region = region
        self.configuration = configuration
        self.profileSettings = profile
        self.transport = try AWSTransport(configuration: configuration)
        let transport = self.transport

        var provider: any AWSCredentialsProvider
        var principal: String
        switch configuration.credentials {
        case .explicit(let credentials):
            provider = StaticCredentialsProvider(credentials)
            principal = "key:" + credentials.accessKeyId
        case .provider(let custom):
            provider = custom
            // Whose credentials a provider of your own gives is unknown here: a principal of this session alone, so
            // nothing cached under it answers another session (set AWSConfiguration.principal to share a cache).
            principal = "provider:" + String(describing: type(of: custom)) + "#" + UUID().uuidString
        case .chain:
            var chain: [any AWSCredentialsProvider] = []
            // A profile named on purpose wins over the environment's keys, as in the AWS CLI.
            let profileProvider = try Self.profileProvider(
                name: profileName, shared: shared, region: region, configuration: configuration, transport: transport, depth: 0
            )
            principal = Self.chainPrincipal(
                profileName: profileName, profileUsedAlone: explicitProfile != nil && profileProvider != nil, shared: shared,
                environment: environment
            )
            if explicitProfile != nil, let profileProvider {
                chain = [profileProvider]
            } else {
                chain.append(EnvironmentCredentialsProvider(environment: environment))
                if let profileProvider { chain.append(profileProvider) }
            }
            provider = AWSCredentialsChain(chain)
        }
        if let role = configuration.assumeRole {
            let sts = try STSClient(
                transport: transport,
                endpoint: AWSEndpoint.resolve(service: "sts", environmentSuffix: "STS", region: region, configuration: configuration, profile: profile),
                credentials: provider
            )
            provider = AssumeRoleCredentialsProvider(sts: sts, role: role, now: configuration.now)
            principal = "role:" + role.roleArn
        }
        self.credentialsProvider = provider
        self.principal = configuration.principal ?? principal
    }

    /// The principal of the default chain, as the chain picks its credentials: a profile named on purpose that has
    /// credentials is used alone (its role, its key); otherwise the environment's access key comes first, then the
    /// profile (its role, its key, or its name).
    static func chainPrincipal(profileName: String, profileUsedAlone: Bool, shared: AWSSharedConfig, environment: [String: String]) -> String {
        func fromProfile(_ name: String) -> String {
            let profile = shared.profile(name) ?? [:]
            if let role = profile["role_arn"], !role.isEmpty { return "role:" + role }
            if let key = profile["aws_access_key_id"], !key.isEmpty { return "key:" + key }
            return "profile:" + name
        }
        if !profileUsedAlone, let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty { return "key:" + key }
        return fromProfile(profileName)
    }

    /// A provider for the profile `name`: its keys, or a role assumed with its `source_profile`'s keys or the
    /// environment's (`credential_source = Environment`). Nil when the profile has neither.
    static func profileProvider(
        name: String, shared: AWSSharedConfig, region: String, configuration: AWSConfiguration, transport: AWSTransport,
        depth: Int
    ) throws -> (any AWSCredentialsProvider)? {
        guard depth < 5 else {
            throw AWSError(code: .invalidConfiguration, message: "AWS profiles refer to each other in a loop (at '\(name)')")
        }
        guard let profile = shared.profile(name) else { return nil }
        if let roleArn = profile["role_arn"] {
            let source: any AWSCredentialsProvider
            if let sourceProfile = profile["source_profile"] {
                guard let provider = try profileProvider(
                    name: sourceProfile, shared: shared, region: region, configuration: configuration, transport: transport,
                    depth: depth + 1
                ) else {
                    throw AWSError(
                        code: .invalidConfiguration,
                        message: "the AWS profile '\(name)' names source_profile '\(sourceProfile)', which has no credentials"
                    )
                }
                source = provider
            } else if profile["credential_source"]?.lowercased() == "environment" {
                source = EnvironmentCredentialsProvider(environment: configuration.environment)
            } else {
                throw AWSError(
                    code: .invalidConfiguration,
                    message: "the AWS profile '\(name)' has role_arn but neither source_profile nor credential_source = Environment"
                )
            }
            let role = AWSConfiguration.AssumeRole(
                roleArn: roleArn, sessionName: profile["role_session_name"] ?? "sesame", externalId: profile["external_id"],
                duration: .seconds(Int(profile["duration_seconds"] ?? "") ?? 3600)
            )
            let sts = STSClient(
                transport: transport,
                endpoint: try AWSEndpoint.resolve(
                    service: "sts", environmentSuffix: "STS", region: profile["region"] ?? region, configuration: configuration,
                    profile: profile
                ),
                credentials: source
            )
            return AssumeRoleCredentialsProvider(sts: sts, role: role, now: configuration.now)
        }
        if let keyId = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] {
            return StaticCredentialsProvider(
                AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: profile["aws_session_token"])
            )
        }
        return nil
    }

    /// A Secrets Manager client.
    public func secretsManager() throws -> SecretsManagerClient {
        SecretsManagerClient(transport: transport, endpoint: try endpoint("secretsmanager", "SECRETS_MANAGER"), credentials: credentialsProvider)
    }

    /// A Systems Manager (Parameter Store) client.
    public func ssm() throws -> SSMClient {
        SSMClient(transport: transport, endpoint: try endpoint("ssm", "SSM"), credentials: credentialsProvider)
    }

    /// An STS client.
    public func sts() throws -> STSClient {
        STSClient(transport: transport, endpoint: try endpoint("sts", "STS"), credentials: credentialsProvider)
    }

    private func endpoint(_ service: String, _ suffix: String) throws -> AWSEndpoint {
        try AWSEndpoint.resolve(service: service, environmentSuffix: suffix, region: region, configuration: configuration, profile: profileSettings)
    }

    /// Closes the connection pool. Call once, when done with every client of this session.
    public func shutdown() async throws {
        try await transport.shutdown()
    }
}

extension AWSSession: Redacting {
    public var redactedDescription: String { "region: \(region), principal: \(principal), credentials: <redacted>" }
}
