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
            var lastError: (any Error)?
            // Twice: the agent may be starting or briefly busy.
            for attempt in 0..<2 {
                if attempt > 0 { try await Task.sleep(for: .milliseconds(200)) }
                do {
                    let response = try await MetadataHTTP.send(.GET, url, headers: headers)
                    switch response.status {
                    case 200:
                        return try CredentialDocument.decode(response.body, step: step).fetched(step: step)
                    case 400..<500:
                        throw AWSError.credentialStep(
                            step, "HTTP \(response.status)", code: .invalidCredentials,
                            hint: "check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) and the task's or pod's role"
                        )
                    default:
                        lastError = AWSError.credentialStep(step, "HTTP \(response.status)", code: .serviceError)
                    }
                } catch let error as AWSError {
                    throw error
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    lastError = AWSError.credentialStep(step, "could not reach it (\(ConnectFailure.describe(error)))", code: .transport)
                }
            }
            throw lastError ?? AWSError.credentialStep(step, "no answer", code: .transport)
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
