/// Where one service's requests go and how they are signed.
struct AWSEndpoint: Sendable {
    /// `ssm`, `secretsmanager`, `sts`: the signing name.
    let service: String
    let region: String
    /// The base URL, without a trailing slash (`https://ssm.us-east-1.amazonaws.com`).
    let url: String
    /// The Host header: the URL's host, with its port when it is not the scheme's default.
    let host: String
    /// The path of the URL (usually empty).
    let basePath: String

    init(service: String, region: String, url: String) throws {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        let parts = url.split(separator: "://", maxSplits: 1)
        guard parts.count == 2, ["http", "https"].contains(parts[0].lowercased()), !parts[1].isEmpty else {
            throw AWSError(
                code: .invalidConfiguration,
                message: "the \(service) endpoint '\(url)' is not an http(s) URL; use e.g. http://127.0.0.1:5000"
            )
        }
        let rest = parts[1]
        let authority = rest.prefix { $0 != "/" }
        self.service = service
        self.region = region
        self.url = url
        self.basePath = String(rest.dropFirst(authority.count))
        let isHTTPS = parts[0].lowercased() == "https"
        if isHTTPS, authority.hasSuffix(":443") {
            host = String(authority.dropLast(4))
        } else if !isHTTPS, authority.hasSuffix(":80") {
            host = String(authority.dropLast(3))
        } else {
            host = String(authority)
        }
    }

    /// The endpoint for `service` (its signing name) under `configuration`, with the environment variable
    /// suffix AWS uses for it (`SSM`, `SECRETS_MANAGER`, `STS`).
    static func resolve(
        service: String, environmentSuffix: String, region: String, configuration: AWSConfiguration,
        profile: [String: String]
    ) throws -> AWSEndpoint {
        let environment = configuration.environment
        let ignoreConfigured = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        var url = configuration.endpoints[service]
        if url == nil, !ignoreConfigured {
            url = [environment["AWS_ENDPOINT_URL_" + environmentSuffix], environment["AWS_ENDPOINT_URL"], profile["endpoint_url"]]
                .compactMap { $0 }.first { !$0.isEmpty }
        }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return try AWSEndpoint(service: service, region: region, url: url ?? "https://\(service).\(region).\(domain)")
    }
}
