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
        // `AWSConfiguration.profile` (--profile) is a choice made on purpose: that profile alone, as the AWS CLI does.
        // AWS_PROFILE names the profile but the environment's keys still come first.
        let profileName = configuration.profile ?? nonEmpty(environment["AWS_PROFILE"]) ?? "default"
        let shared = try AWSSharedConfig.load(environment: environment)
        let settings = shared.profile(profileName)
        if profileName != "default", settings == nil {
            throw AWSError(
                code: .invalidConfiguration,
                message: "the AWS profile '\(profileName)' is in neither the config nor the credentials file"
            )
        }
        let profile = settings ?? [:]
        var region = [configuration.region, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], profile["region"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        if region == nil {
            // On EC2 the instance knows its region (the AWS CLI asks it too); elsewhere this fails within a few seconds.
            region = InstanceMetadata(environment: environment, profile: profile)?.regionBlocking()
        }
        guard let region else {
            throw AWSError(
                code: .invalidConfiguration,
                message: "no AWS region: pass one, set AWS_REGION, or set region in the profile '\(profileName)'"
            )
        }
        // A region becomes part of every endpoint's host name: only letters, digits and single dashes.
        guard Self.isValidRegion(region) else {
            throw AWSError(code: .invalidConfiguration, message: "'\(region.prefix(40))' is not an AWS region name (like eu-west-1)")
        }
        self.region = region
        self.configuration = configuration
        self.profileSettings = profile
        let caBundle = configuration.caBundle ?? nonEmpty(environment["AWS_CA_BUNDLE"]) ?? nonEmpty(profile["ca_bundle"])
        self.transport = try AWSTransport(configuration: configuration, caBundle: caBundle)
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
            (provider, principal) = try AWSCredentialChain.make(
                profileName: profileName, profileChosenOnPurpose: configuration.profile != nil,
                context: .init(shared: shared, region: region, configuration: configuration, transport: transport)
            )
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

    /// Whether `region` can be an AWS region name: lower-case letters and digits in groups joined by single dashes.
    static func isValidRegion(_ region: String) -> Bool {
        guard !region.isEmpty, region.count <= 64, !region.hasPrefix("-"), !region.hasSuffix("-"), !region.contains("--") else { return false }
        return region.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        }
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
