import AWSSigV4
import Crypto
import Foundation
import SesameRedaction

/// Credentials of an IAM Identity Center (SSO) profile, from the token `aws sso login` cached in
/// `~/.aws/sso/cache/` (named by the SHA-1 of the `sso_session` name, or of the start URL for the legacy form),
/// exchanged at the portal's `GetRoleCredentials` for the account and role the profile names. The portal endpoint
/// is `https://portal.sso.{sso_region}.amazonaws.com`, or `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL`. When the
/// cached token has expired, sign in again with `aws sso login`; Sesame does not refresh it.
struct SSOCredentials: Sendable {
    var profileName: String
    var startURL: String
    var region: String
    var accountId: String
    var roleName: String
    /// The cache file's key: the `sso_session` name, or the start URL.
    var cacheKey: String

    /// The settings of `profile` (and its `[sso-session]`), or nil when it is not an SSO profile.
    init?(profileName: String, profile: [String: String], shared: AWSSharedConfig) throws {
        let sessionName = nonEmpty(profile["sso_session"])
        guard sessionName != nil || nonEmpty(profile["sso_start_url"]) != nil else { return nil }
        let session = sessionName.flatMap { shared.ssoSessions[$0] } ?? [:]
        if let sessionName, shared.ssoSessions[sessionName] == nil {
            throw AWSError.credentialStep(
                "SSO (profile '\(profileName)')", "sso_session '\(sessionName)' has no [sso-session \(sessionName)] section",
                code: .invalidConfiguration
            )
        }
        func setting(_ key: String) throws -> String {
            guard let value = nonEmpty(session[key]) ?? nonEmpty(profile[key]) else {
                throw AWSError.credentialStep(
                    "SSO (profile '\(profileName)')", "\(key) is not set", code: .invalidConfiguration,
                    hint: "run aws configure sso, or set it in the profile"
                )
            }
            return value
        }
        self.profileName = profileName
        startURL = try setting("sso_start_url")
        region = try setting("sso_region")
        accountId = try setting("sso_account_id")
        roleName = try setting("sso_role_name")
        cacheKey = sessionName ?? startURL
    }

    var step: String { "SSO (profile '\(profileName)', account \(accountId), role \(roleName))" }

    /// `~/.aws/sso/cache/<sha1 of the key>.json`.
    func cacheFile(home: String) -> String {
        let digest = Insecure.SHA1.hash(data: Data(cacheKey.utf8)).map { String(format: "%02x", $0) }.joined()
        return home + "/.aws/sso/cache/" + digest + ".json"
    }

    /// The cached access token, if it is still valid.
    func accessToken(home: String, now: Date) throws -> String {
        let path = cacheFile(home: home)
        let login = "run: aws sso login --profile \(profileName)"
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            // A profile set up for SSO fails here rather than falling through to another source (whose values a
            // cache would file under this profile's account and role).
            throw AWSError.credentialStep(step, "no cached sign-in at \(path)", code: .expiredToken, hint: login)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["accessToken"] as? String,
            !token.isEmpty, let expiresText = object["expiresAt"] as? String
        else {
            throw AWSError.credentialStep(step, "the cached sign-in at \(path) has no accessToken or expiresAt", code: .invalidConfiguration, hint: login)
        }
        // The CLI writes `2026-11-30T12:00:00Z` (older ones `...UTC`).
        let normalized = expiresText.hasSuffix("UTC") ? String(expiresText.dropLast(3)) + "Z" : expiresText
        guard let expires = STSClient.parseDate(normalized) else {
            throw AWSError.credentialStep(step, "the cached sign-in's expiresAt is not a time", code: .invalidConfiguration, hint: login)
        }
        guard expires > now else {
            throw AWSError.credentialStep(step, "the SSO sign-in expired at \(expiresText)", code: .expiredToken, hint: login)
        }
        return token
    }

    func provider(transport: AWSTransport, environment: [String: String], configuration: AWSConfiguration) throws -> RefreshingCredentialsProvider {
        let endpoint = try AWSEndpoint.resolve(
            service: "portal.sso", environmentSuffix: "SSO", region: region, configuration: configuration, profile: [:]
        )
        let home = environment["HOME"] ?? NSHomeDirectory()
        let now = configuration.now
        let me = self
        return RefreshingCredentialsProvider(step: step, now: now) {
            let token = try me.accessToken(home: home, now: now())
            var components = URLComponents(string: endpoint.url + "/federation/credentials")
            components?.queryItems = [URLQueryItem(name: "account_id", value: me.accountId), URLQueryItem(name: "role_name", value: me.roleName)]
            guard let url = components?.string else {
                throw AWSError.credentialStep(me.step, "the portal URL cannot be made", code: .invalidConfiguration)
            }
            let response: (status: Int, body: String)
            do {
                response = try await transport.get(url, headers: [("x-amz-sso_bearer_token", token)])
            } catch let error as AWSError {
                throw error.inCredentialStep(me.step)
            }
            guard response.status == 200 else {
                let hint =
                    response.status == 401 || response.status == 403
                    ? "the sign-in may have ended or the role is not assigned to you; run: aws sso login --profile \(me.profileName)" : nil
                throw AWSError.credentialStep(me.step, "GetRoleCredentials answered HTTP \(response.status)", code: .invalidCredentials, hint: hint)
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
                let role = object["roleCredentials"] as? [String: Any], let keyId = role["accessKeyId"] as? String,
                let secret = role["secretAccessKey"] as? String
            else {
                throw AWSError.credentialStep(me.step, "GetRoleCredentials answered without roleCredentials", code: .invalidResponse)
            }
            let expiration = (role["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
            return .init(
                credentials: AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: role["sessionToken"] as? String),
                expiration: expiration
            )
        }
    }
}

extension SSOCredentials: Redacting {
    var redactedDescription: String { "profile: \(profileName), account: \(accountId), role: \(roleName), start URL: \(startURL), token: <redacted>" }
}
