import AWSSigV4
import Crypto
import Foundation

/// The default credential chain, in the AWS CLI's order: the environment's keys; web identity from the environment
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`); the profile (a role it assumes with `source_profile`,
/// `credential_source` or `web_identity_token_file`, SSO, its keys, `credential_process`); the container endpoint
/// (ECS, EKS Pod Identity); instance metadata (EC2). `AWS_PROFILE` chooses the profile but does not outrank the
/// environment's keys; a profile named in `AWSConfiguration.profile` (`--profile`) is used without them.
enum AWSCredentialChain {
    struct Context {
        var shared: AWSSharedConfig
        var region: String
        var configuration: AWSConfiguration
        var transport: AWSTransport
        var environment: [String: String] { configuration.environment }
    }

    /// The chain's provider and its principal (whose credentials, for cache scopes).
    static func make(profileName: String, profileChosenOnPurpose: Bool, context: Context) throws -> (any AWSCredentialsProvider, String) {
        var providers: [any AWSCredentialsProvider] = []
        var principals: [String] = []
        let environment = context.environment
        let profileSettings = context.shared.profile(profileName) ?? [:]
        let profile = try profileProvider(name: profileName, context: context, depth: 0)
        // As botocore: a role the profile assumes from a source comes before web identity from the environment.
        let profileAssumesARole = nonEmpty(profileSettings["role_arn"]) != nil && nonEmpty(profileSettings["web_identity_token_file"]) == nil
        var profileAdded = false
        if !profileChosenOnPurpose {
            let keys = EnvironmentCredentialsProvider(environment: environment)
            providers.append(keys)
            // Only keys that are used name the principal: a key id without its secret falls through to the next source.
            if let key = nonEmpty(environment["AWS_ACCESS_KEY_ID"]), nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) != nil {
                principals.append("key:" + key)
            }
            if profileAssumesARole, let (provider, principal) = profile {
                providers.append(provider)
                principals.append(principal)
                profileAdded = true
            }
            if let (provider, principal) = try webIdentityFromEnvironment(context: context) {
                providers.append(provider)
                principals.append(principal)
            }
        }
        if !profileAdded, let (provider, principal) = profile {
            providers.append(provider)
            principals.append(principal)
        }
        if let container = try ContainerCredentials.provider(environment: environment, now: context.configuration.now) {
            providers.append(container)
            principals.append("container:" + (try ContainerCredentials.endpoint(environment) ?? ""))
        }
        if let metadata = InstanceMetadata(environment: environment, profile: profileSettings) {
            providers.append(metadata.provider(now: context.configuration.now))
            principals.append("instance-metadata:" + metadata.endpoint)
        }
        return (AWSCredentialsChain(providers), principals.first ?? "profile:" + profileName)
    }

    /// Web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (EKS IRSA, GitHub Actions OIDC).
    static func webIdentityFromEnvironment(context: Context) throws -> (any AWSCredentialsProvider, String)? {
        let environment = context.environment
        let tokenFile = nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"])
        let roleArn = nonEmpty(environment["AWS_ROLE_ARN"])
        switch (tokenFile, roleArn) {
        case (nil, nil):
            return nil
        case let (tokenFile?, roleArn?):
            let provider = try webIdentity(
                roleArn: roleArn, tokenFile: tokenFile, sessionName: nonEmpty(environment["AWS_ROLE_SESSION_NAME"]),
                source: "AWS_WEB_IDENTITY_TOKEN_FILE", context: context, profile: [:]
            )
            return (provider, "role:" + roleArn)
        case (nil, _):
            throw AWSError.credentialStep(
                "web identity", "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not", code: .invalidConfiguration,
                hint: "set both (EKS and GitHub Actions set them for you), or neither"
            )
        case (_, nil):
            throw AWSError.credentialStep(
                "web identity", "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not", code: .invalidConfiguration,
                hint: "set AWS_ROLE_ARN to the role to assume"
            )
        }
    }

    static func webIdentity(
        roleArn: String, tokenFile: String, sessionName: String?, source: String, context: Context, profile: [String: String]
    ) throws -> RefreshingCredentialsProvider {
        let sts = try stsClient(
            context: context, profile: profile, credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "", secretAccessKey: "")))
        let step = "web identity (role \(roleArn), token file \(tokenFile))"
        let session = sessionName ?? "sesame-\(Int(context.configuration.now().timeIntervalSince1970))"
        return RefreshingCredentialsProvider(step: step, now: context.configuration.now) {
            // Read at each refresh: EKS and CI runners replace the token before it expires.
            guard let data = FileManager.default.contents(atPath: tokenFile), data.count <= 64 * 1024,
                let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
            else {
                throw AWSError.credentialStep(
                    step, "could not read a token from the file (\(source))", code: .invalidConfiguration,
                    hint: "check that the file exists and is readable (in GitHub Actions, give the job id-token: write)"
                )
            }
            do {
                let assumed = try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: session, webIdentityToken: token)
                return .init(credentials: assumed.credentials, expiration: assumed.expiration)
            } catch let error as AWSError {
                throw error.inCredentialStep(step, hint: "check the role's trust policy for this token's issuer and subject")
            }
        }
    }

    static func stsClient(context: Context, profile: [String: String], credentials: any AWSCredentialsProvider) throws -> STSClient {
        STSClient(
            transport: context.transport,
            endpoint: try AWSEndpoint.resolve(
                service: "sts", environmentSuffix: "STS", region: profile["region"] ?? context.region, configuration: context.configuration,
                profile: profile
            ),
            credentials: credentials
        )
    }

    /// A provider for the profile `name` and its principal; nil when the profile has no credentials of its own.
    static func profileProvider(name: String, context: Context, depth: Int) throws -> (any AWSCredentialsProvider, String)? {
        guard depth < 5 else {
            throw AWSError(code: .invalidConfiguration, message: "AWS profiles refer to each other in a loop (at '\(name)')")
        }
        guard let profile = context.shared.profile(name) else { return nil }
        let configuration = context.configuration
        if let roleArn = nonEmpty(profile["role_arn"]) {
            let sessionName = nonEmpty(profile["role_session_name"])
            if let tokenFile = nonEmpty(profile["web_identity_token_file"]) {
                let provider = try webIdentity(
                    roleArn: roleArn, tokenFile: tokenFile, sessionName: sessionName, source: "web_identity_token_file of the profile '\(name)'",
                    context: context, profile: profile
                )
                return (provider, "role:" + roleArn)
            }
            let source: any AWSCredentialsProvider
            if let sourceProfile = nonEmpty(profile["source_profile"]) {
                guard let (provider, _) = try profileProvider(name: sourceProfile, context: context, depth: depth + 1) else {
                    throw AWSError(
                        code: .invalidConfiguration,
                        message: "the AWS profile '\(name)' names source_profile '\(sourceProfile)', which has no credentials"
                    )
                }
                source = provider
            } else if let credentialSource = nonEmpty(profile["credential_source"]) {
                switch credentialSource.lowercased() {
                case "environment":
                    source = EnvironmentCredentialsProvider(environment: context.environment)
                case "ec2instancemetadata":
                    guard let metadata = InstanceMetadata(environment: context.environment, profile: profile) else {
                        throw AWSError(
                            code: .invalidConfiguration,
                            message: "the AWS profile '\(name)' has credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true"
                        )
                    }
                    source = metadata.provider(now: configuration.now)
                case "ecscontainer":
                    guard let container = try ContainerCredentials.provider(environment: context.environment, now: configuration.now) else {
                        throw AWSError(
                            code: .invalidConfiguration,
                            message:
                                "the AWS profile '\(name)' has credential_source = EcsContainer, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"
                        )
                    }
                    source = container
                default:
                    throw AWSError(
                        code: .invalidConfiguration,
                        message: "the AWS profile '\(name)' has credential_source = \(credentialSource); use Environment, Ec2InstanceMetadata or EcsContainer"
                    )
                }
            } else {
                throw AWSError(
                    code: .invalidConfiguration,
                    message: "the AWS profile '\(name)' has role_arn but no source_profile, credential_source or web_identity_token_file"
                )
            }
            var mfa: (serial: String, code: String)?
            if let serial = nonEmpty(profile["mfa_serial"]) {
                guard let code = configuration.mfaCode ?? nonEmpty(context.environment["SESAME_AWS_MFA_CODE"]) else {
                    throw AWSError(
                        code: .invalidConfiguration,
                        message: "the AWS profile '\(name)' needs an MFA code (mfa_serial = \(serial)): set SESAME_AWS_MFA_CODE to the device's "
                            + "current code (or AWSConfiguration.mfaCode); sesame does not prompt for it"
                    )
                }
                guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else {
                    throw AWSError(code: .invalidConfiguration, message: "the MFA code must be the device's 6 digits")
                }
                mfa = (serial, code)
            }
            let role = AWSConfiguration.AssumeRole(
                roleArn: roleArn, sessionName: sessionName ?? "sesame", externalId: nonEmpty(profile["external_id"]),
                duration: .seconds(Int(profile["duration_seconds"] ?? "") ?? 3600)
            )
            let sts = try stsClient(context: context, profile: profile, credentials: source)
            return (AssumeRoleCredentialsProvider(sts: sts, role: role, mfa: mfa, now: configuration.now), "role:" + roleArn)
        }
        if let sso = try SSOCredentials(profileName: name, profile: profile, shared: context.shared) {
            let provider = try sso.provider(transport: context.transport, environment: context.environment, configuration: configuration)
            return (provider, "sso:\(sso.accountId)/\(sso.roleName)")
        }
        if let keyId = nonEmpty(profile["aws_access_key_id"]), let secret = nonEmpty(profile["aws_secret_access_key"]) {
            let provider = StaticCredentialsProvider(
                AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: profile["aws_session_token"])
            )
            return (provider, "key:" + keyId)
        }
        if let command = nonEmpty(profile["credential_process"]) {
            // The command names the principal, not only the profile's name: two config files' `default` profiles that run
            // different helpers (different accounts) never share a cache scope.
            let digest = SHA256.hash(data: Data(command.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            return (
                ProcessCredentials.provider(command: command, profile: name, environment: context.environment, now: configuration.now),
                "process:\(name):\(digest)"
            )
        }
        return nil
    }
}
