import AWSSigV4
import Foundation
import SesameRedaction

/// Credentials of an assumed role, fetched with STS `AssumeRole` using source credentials, kept until shortly
/// before they expire (with jitter), and fetched again then (or at once after `invalidate`). However many callers
/// ask at the same time, one `AssumeRole` is in flight.
public actor AssumeRoleCredentialsProvider: AWSCredentialsProvider {
    private let refreshing: RefreshingCredentialsProvider

    init(sts: STSClient, role: AWSConfiguration.AssumeRole, mfa: (serial: String, code: String)? = nil, now: @escaping @Sendable () -> Date) {
        refreshing = RefreshingCredentialsProvider(
            step: "assume role \(role.roleArn)", timing: .init(refreshMargin: role.refreshMargin), now: now
        ) {
            let assumed = try await sts.assumeRole(
                roleArn: role.roleArn, sessionName: role.sessionName, externalId: role.externalId, duration: role.duration,
                mfa: mfa
            )
            return .init(credentials: assumed.credentials, expiration: assumed.expiration)
        }
    }

    public func credentials() async throws -> AWSCredentials {
        try await refreshing.credentials()
    }

    public func invalidate() async {
        await refreshing.invalidate()
    }

    /// How many times a role was assumed (for tests and diagnostics).
    public var assumeCount: Int { get async { await refreshing.fetchCount } }

    /// When the held credentials expire, if any are held.
    public var expiration: Date? { get async { await refreshing.expiration } }
}

extension AssumeRoleCredentialsProvider: Redacting {
    public nonisolated var redactedDescription: String { "\(refreshing.step), credentials: <redacted>" }
}
