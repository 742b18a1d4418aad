import Foundation
import NIOHTTP1
import SesameHTTP

/// Credentials from the container credentials endpoint, as ECS tasks and EKS Pod Identity provide them:
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (below `http://169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`
/// (https, or http to a loopback address or to the ECS and EKS link-local hosts only), with the
/// `Authorization` header from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read again at each refresh: EKS rotates
/// it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
enum ContainerCredentials {
    static let ecsHost = "http://169.254.170.2"
    /// The hosts a plain-http full URI may name: the ECS and EKS agents' link-local addresses.
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    /// Whether the environment names a container endpoint.
    static func isConfigured(_ environment: [String: String]) -> Bool {
        nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) != nil
            || nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) != nil
    }

    /// The URL to ask, checked; nil when the environment names none.
    static func endpoint(_ environment: [String: String]) throws -> String? {
        if let relative = nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            guard relative.hasPrefix("/") else {
                throw AWSError.credentialStep(
                    "the container endpoint", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'", code: .invalidConfiguration
                )
            }
            return ecsHost + relative
        }
        guard let full = nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) else { return nil }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw AWSError.credentialStep("the container endpoint", "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL", code: .invalidConfiguration)
        }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let allowed = scheme == "https" || (scheme == "http" && (allowedHTTPHosts.contains(bare) || Loopback.contains(bare)))
        guard allowed else {
            throw AWSError.credentialStep(
                "the container endpoint",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address or the ECS/EKS agent (169.254.170.2, 169.254.170.23, fd00:ec2::23); found host \(host)",
                code: .invalidConfiguration
            )
        }
        return full
    }

    static func provider(environment: [String: String], now: @escaping @Sendable () -> Date) throws -> RefreshingCredentialsProvider? {
        guard let url = try endpoint(environment) else { return nil }
        let step = "the container endpoint (\(url.split(separator: "?").first ?? ""))"
        return RefreshingCredentialsProvider(step: step, now: now) {
            var headers: [(String, String)] = []
            if let token = try authorizationToken(environment) { headers.append(("Authorization", token)) }
            // Twice: the agent may be starting (refusing connections) or briefly busy. The GET changes nothing, so
            // every failure but a refusal (4xx) goes again, a connection that could not be made included.
            return try await AttemptLoop(policy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(200), maxDelay: .milliseconds(200))).run(
                idempotent: true
            ) { () -> AttemptLoop.Attempt<RefreshingCredentialsProvider.Fetched> in
                let response: MetadataHTTP.Response
                do {
                    response = try await MetadataHTTP.send(.GET, url, headers: headers)
                } catch let error as AWSError {
                    throw error
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    return .failure(
                        .interrupted, AWSError.credentialStep(step, "could not reach it (\(ExchangeFailure(classifying: error).reason))", code: .transport))
                }
                switch response.status {
                case 200:
                    return .success(try CredentialDocument.decode(response.body, step: step).fetched(step: step))
                case 400..<500:
                    throw AWSError.credentialStep(
                        step, "HTTP \(response.status)", code: .invalidCredentials,
                        hint: "check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) and the task's or pod's role"
                    )
                default:
                    return .failure(.serverError(retryAfter: nil), AWSError.credentialStep(step, "HTTP \(response.status)", code: .serviceError))
                }
            }
        }
    }

    static func authorizationToken(_ environment: [String: String]) throws -> String? {
        var token: String?
        if let path = nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) {
            guard let data = FileManager.default.contents(atPath: path), data.count <= 16 * 1024, let text = String(data: data, encoding: .utf8)
            else {
                throw AWSError.credentialStep(
                    "the container endpoint", "could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (\(path))", code: .invalidConfiguration
                )
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        }
        if let token, token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw AWSError.credentialStep("the container endpoint", "the authorization token has a control character in it", code: .invalidConfiguration)
        }
        return token
    }

}

func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    return text
}
