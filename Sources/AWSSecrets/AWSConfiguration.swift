import AWSSigV4
import Foundation
import Logging
import SesameHTTP
import SesameRedaction
@_exported import struct SesameHTTP.ProxyConfiguration
@_exported import enum SesameHTTP.HTTPEngine

/// How the AWS clients find their region, credentials and endpoints. Everything has a default that
/// follows the AWS CLI: the environment, then the shared files' profile.
public struct AWSConfiguration: Sendable {
    /// The region; when nil: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    public var region: String?
    /// The profile of the shared files; when nil: `AWS_PROFILE`, then `default`.
    public var profile: String?
    /// Where credentials come from; `.chain` (the default) tries the environment, then the profile.
    public var credentials: CredentialSource
    /// A role to assume on top of those credentials (refreshed before it expires).
    public var assumeRole: AssumeRole?
    /// Endpoint overrides by service (`ssm`, `secretsmanager`, `sts`); when absent: `AWS_ENDPOINT_URL_SSM`
    /// (`_SECRETS_MANAGER`, `_STS`), `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, then AWS's regional endpoint.
    public var endpoints: [String: String]
    public var timeouts: Timeouts
    /// Attempts in all for a request that failed with throttling, a 5xx or a dropped connection.
    public var maxAttempts: Int
    /// The environment to read; injected so tests need not change the process's.
    public var environment: [String: String]
    /// Whose credentials these are, for scoping caches (`AWSSession.principal`); `nil` derives it.
    public var principal: String?
    /// Which proxy requests go through; `nil` reads `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (and the lower-case
    /// forms) from `environment`. `.none` connects directly whatever it says. Instance metadata and container
    /// credentials (link-local and loopback addresses) never go through a proxy.
    public var proxy: ProxyConfiguration?
    /// Extra CA certificates (PEM) to trust, as behind a proxy that inspects TLS; when nil: `AWS_CA_BUNDLE`, then
    /// the profile's `ca_bundle`. Instance metadata and container endpoints (plain http on link-local addresses)
    /// do not use it.
    public var caBundle: String?
    /// The current code of the MFA device a profile's `mfa_serial` names, for the role it assumes; when nil,
    /// `SESAME_AWS_MFA_CODE`. Without one, such a profile is refused with a message saying so.
    public var mfaCode: String?
    /// The wall clock used to sign requests and to judge when temporary credentials expire.
    public var now: @Sendable () -> Date
    public var logger: Logger
    /// How requests reach AWS: a connection pool (`.pooled`, the default), or `.blocking` for a process that makes a
    /// request or two on a thread of its own and exits (see `HTTPEngine`).
    public var engine: HTTPEngine = .pooled

    public init(
        region: String? = nil, profile: String? = nil, credentials: CredentialSource = .chain,
        assumeRole: AssumeRole? = nil, endpoints: [String: String] = [:], timeouts: Timeouts = Timeouts(),
        maxAttempts: Int = 3, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "sesame.aws"),
        principal: String? = nil, proxy: ProxyConfiguration? = nil
    ) {
        self.principal = principal
        self.proxy = proxy
        self.region = region
        self.profile = profile
        self.credentials = credentials
        self.assumeRole = assumeRole
        self.endpoints = endpoints
        self.timeouts = timeouts
        self.maxAttempts = maxAttempts
        self.environment = environment
        self.now = now
        self.logger = logger
    }

    /// Where credentials come from.
    public enum CredentialSource: Sendable {
        /// The environment, then the shared files' profile (which may itself assume a role).
        case chain
        /// These credentials.
        case explicit(AWSCredentials)
        /// A provider of your own.
        case provider(any AWSCredentialsProvider)
    }

    /// A role to assume with STS.
    public struct AssumeRole: Sendable {
        public var roleArn: String
        public var sessionName: String
        public var externalId: String?
        public var duration: Duration
        /// How long before expiry the credentials are renewed.
        public var refreshMargin: Duration

        public init(
            roleArn: String, sessionName: String = "sesame", externalId: String? = nil, duration: Duration = .seconds(3600),
            refreshMargin: Duration = .seconds(300)
        ) {
            self.roleArn = roleArn
            self.sessionName = sessionName
            self.externalId = externalId
            self.duration = duration
            self.refreshMargin = refreshMargin
        }
    }

    public struct Timeouts: Sendable {
        public var connect: Duration
        public var request: Duration

        public init(connect: Duration = .seconds(5), request: Duration = .seconds(10)) {
            self.connect = connect
            self.request = request
        }
    }
}

extension AWSConfiguration: Redacting {
    /// The region, profile and endpoints; never the environment (it holds credentials) nor explicit credentials.
    public var redactedDescription: String {
        "region: \(region ?? "default"), profile: \(profile ?? "default"), credentials: \(credentials), "
            + "endpoints: \(endpoints.keys.sorted()), environment: <redacted>"
    }
}

extension AWSConfiguration.CredentialSource: Redacting {
    public var redactedDescription: String {
        switch self {
        case .chain: "chain"
        case .explicit(let credentials): "explicit(accessKeyId: \(credentials.accessKeyId), secret: <redacted>)"
        case .provider(let provider): "provider(\(type(of: provider)))"
        }
    }
}
