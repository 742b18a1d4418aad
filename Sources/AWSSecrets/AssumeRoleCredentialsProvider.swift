import AWSSigV4
import Foundation

/// Credentials of an assumed role, fetched with STS `AssumeRole` using source credentials, kept until
/// shortly before they expire, and fetched again then (or at once after `invalidate`). However many
/// callers ask at the same time, one `AssumeRole` is in flight.
public actor AssumeRoleCredentialsProvider: AWSCredentialsProvider {
    private let sts: STSClient
    private let role: AWSConfiguration.AssumeRole
    private let now: @Sendable () -> Date
    private var current: STSClient.AssumedRole?
    private var inFlight: Task<STSClient.AssumedRole, any Error>?
    /// How many times a role was assumed (for tests and diagnostics).
    public private(set) var assumeCount = 0

    init(sts: STSClient, role: AWSConfiguration.AssumeRole, now: @escaping @Sendable () -> Date) {
        self.sts = sts
        self.role = role
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let current, now().addingTimeInterval(Self.seconds(role.refreshMargin)) < current.expiration {
            return current.credentials
        }
        if let inFlight { return try await inFlight.value.credentials }
        let sts = self.sts
        let role = self.role
        let task = Task {
            try await sts.assumeRole(
                roleArn: role.roleArn, sessionName: role.sessionName, externalId: role.externalId, duration: role.duration
            )
        }
        inFlight = task
        defer { inFlight = nil }
        let assumed = try await task.value
        assumeCount += 1
        current = assumed
        return assumed.credentials
    }

    public func invalidate() async {
        current = nil
    }

    /// When the held credentials expire, if any are held.
    public var expiration: Date? { current?.expiration }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
