import Foundation
import NIOHTTP1
import SesameHTTP
import Synchronization

/// The EC2 instance metadata service, IMDSv2: a session token by `PUT /latest/api/token`, then the role's
/// credentials from `/latest/meta-data/iam/security-credentials/`, and the region from the instance identity
/// document. Off with `AWS_EC2_METADATA_DISABLED=true`; the endpoint from `AWS_EC2_METADATA_SERVICE_ENDPOINT` or
/// the profile's `ec2_metadata_service_endpoint` (IPv6 with `..._ENDPOINT_MODE=IPv6`). A 1-second connect timeout
/// keeps machines that are not on EC2 from waiting. When the token route is missing (404, 405, or 403 from a
/// service that has it off), IMDSv1 is used, unless `AWS_EC2_METADATA_V1_DISABLED=true`.
struct InstanceMetadata: Sendable {
    let endpoint: String
    let allowsV1: Bool
    /// Each request's time limit: `AWS_METADATA_SERVICE_TIMEOUT` (seconds, as the AWS CLI reads it), else 2 s.
    let timeout: Duration
    static let tokenLifetime = 21_600

    /// Nil when it is disabled.
    init?(environment: [String: String], profile: [String: String]) {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        var endpoint = nonEmpty(environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]) ?? nonEmpty(profile["ec2_metadata_service_endpoint"])
        if endpoint == nil {
            let mode = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] ?? profile["ec2_metadata_service_endpoint_mode"] ?? "IPv4"
            endpoint = mode.lowercased() == "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254"
        }
        var base = endpoint ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base
        // Bounded before it becomes milliseconds (a NaN or infinity from the environment would trap the conversion).
        let seconds = environment["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init).flatMap { $0.isFinite ? min(max($0, 0.1), 60) : nil } ?? 2
        self.timeout = .milliseconds(Int(seconds * 1000))
        self.allowsV1 =
            environment["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() != "true"
            && profile["ec2_metadata_v1_disabled"]?.lowercased() != "true"
    }

    static let step = "instance metadata (IMDSv2)"

    /// A session token, or nil to go on with IMDSv1.
    func token() async throws -> String? {
        let response: MetadataHTTP.Response
        do {
            response = try await MetadataHTTP.send(
                .PUT, endpoint + "/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenLifetime))],
                timeout: timeout
            )
        } catch {
            throw AWSError.credentialStep(
                Self.step, "could not reach \(endpoint) (not on EC2?)",
                hint: "set AWS_EC2_METADATA_DISABLED=true off EC2, or give credentials another way"
            )
        }
        switch response.status {
        case 200:
            return response.body.trimmingCharacters(in: .whitespacesAndNewlines)
        case 403, 404, 405:
            // No token route (or IMDSv2 off): IMDSv1, unless it is turned off too.
            guard allowsV1 else {
                throw AWSError.credentialStep(
                    Self.step, "the token request answered HTTP \(response.status) and IMDSv1 is turned off (AWS_EC2_METADATA_V1_DISABLED)",
                    code: .serviceError
                )
            }
            return nil
        default:
            throw AWSError.credentialStep(Self.step, "the token request answered HTTP \(response.status)", code: .serviceError)
        }
    }

    func get(_ path: String, token: String?) async throws -> MetadataHTTP.Response {
        do {
            return try await MetadataHTTP.send(.GET, endpoint + path, headers: token.map { [("X-aws-ec2-metadata-token", $0)] } ?? [], timeout: timeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AWSError.credentialStep(Self.step, "\(path) could not be read (\(ConnectFailure.describe(error)))", code: .transport)
        }
    }

    func fetchCredentials() async throws -> RefreshingCredentialsProvider.Fetched {
        let token = try await token()
        let base = "/latest/meta-data/iam/security-credentials/"
        let roles = try await get(base, token: token)
        guard roles.status == 200, let role = roles.body.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw AWSError.credentialStep(
                Self.step, roles.status == 404 ? "the instance has no IAM role (instance profile)" : "the role list answered HTTP \(roles.status)",
                hint: "attach an instance profile to the instance"
            )
        }
        let answer = try await get(base + role, token: token)
        guard answer.status == 200 else {
            throw AWSError.credentialStep(Self.step, "the role \(role) answered HTTP \(answer.status)", code: .serviceError)
        }
        let document = try CredentialDocument.decode(answer.body, step: Self.step)
        if let code = document.code, code != "Success" {
            throw AWSError.credentialStep(Self.step, "the role \(role) answered Code \(code)", code: .serviceError)
        }
        return try document.fetched(step: Self.step)
    }

    func provider(now: @escaping @Sendable () -> Date) -> RefreshingCredentialsProvider {
        // Instance credentials are renewed by EC2 from five minutes before expiry: asking from ten minutes before
        // (with jitter) keeps at most one refresh per window.
        RefreshingCredentialsProvider(step: Self.step, timing: .init(refreshMargin: .seconds(600), jitter: .seconds(120)), now: now) {
            try await fetchCredentials()
        }
    }

    /// The instance's region from its identity document, asked once when nothing else names a region (blocking,
    /// for at most a few seconds: a 1-second connect timeout, `timeout` for each answer).
    func regionBlocking() -> String? {
        do {
            var token: String?
            let tokenResponse = try MetadataHTTP.sendBlocking(
                .PUT, endpoint + "/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", "60")], timeout: timeout
            )
            if tokenResponse.status == 200 {
                token = tokenResponse.body.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if !allowsV1 {
                return nil
            }
            let document = try MetadataHTTP.sendBlocking(
                .GET, endpoint + "/latest/dynamic/instance-identity/document", headers: token.map { [("X-aws-ec2-metadata-token", $0)] } ?? [],
                timeout: timeout
            )
            guard document.status == 200,
                let object = try? JSONSerialization.jsonObject(with: Data(document.body.utf8)) as? [String: Any],
                let region = object["region"] as? String, AWSSession.isValidRegion(region)
            else { return nil }
            return region
        } catch {
            return nil
        }
    }
}
