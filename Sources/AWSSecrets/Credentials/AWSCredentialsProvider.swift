import AWSSigV4
import Foundation
import SesameRedaction

/// A source of AWS credentials. Providers that hold temporary credentials refresh them before they expire
/// and again when AWS says they have (`invalidate`).
public protocol AWSCredentialsProvider: Sendable {
    /// Credentials to sign the next request with.
    func credentials() async throws -> AWSCredentials
    /// Forgets cached credentials (AWS answered `ExpiredToken`); the next `credentials()` fetches new ones.
    func invalidate() async
}

extension AWSCredentialsProvider {
    public func invalidate() async {}
}

/// Fixed credentials.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    let value: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        self.value = credentials
    }

    public func credentials() async throws -> AWSCredentials { value }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the environment.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
    let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The credentials, or nil when the environment has none.
    public func resolve() throws -> AWSCredentials? {
        let keyId = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyId, secret) {
        case (nil, nil):
            return nil
        case let (keyId?, secret?):
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
        case (nil, _):
            throw AWSError(
                code: .noCredentials, message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both"
            )
        case (_, nil):
            throw AWSError(
                code: .noCredentials, message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both"
            )
        }
    }

    public func credentials() async throws -> AWSCredentials {
        guard let credentials = try resolve() else {
            throw AWSError(code: .noCredentials, message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        }
        return credentials
    }
}

/// Tries each provider in turn and keeps the first that has credentials.
public actor AWSCredentialsChain: AWSCredentialsProvider {
    private let providers: [any AWSCredentialsProvider]
    private var chosen: (any AWSCredentialsProvider)?

    public init(_ providers: [any AWSCredentialsProvider]) {
        self.providers = providers
    }

    public func credentials() async throws -> AWSCredentials {
        if let chosen { return try await chosen.credentials() }
        var reasons: [String] = []
        for provider in providers {
            do {
                let credentials = try await provider.credentials()
                chosen = provider
                return credentials
            } catch let error as AWSError where error.code == .noCredentials {
                reasons.append(error.message)
            }
        }
        throw AWSError(
            code: .noCredentials,
            message: "no AWS credentials found, tried in order: " + reasons.joined(separator: "; ")
                + ". Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, "
                + "or run on EC2, ECS or EKS with a role"
        )
    }

    public func invalidate() async {
        await chosen?.invalidate()
    }
}

extension StaticCredentialsProvider: Redacting {
    public var redactedDescription: String { "\(value)" }
}

extension EnvironmentCredentialsProvider: Redacting {
    public var redactedDescription: String { "environment: <redacted>" }
}

extension AWSCredentialsChain: Redacting {
    public nonisolated var redactedDescription: String { "providers: \(providers.map { "\(type(of: $0))" }), credentials: <redacted>" }
}
