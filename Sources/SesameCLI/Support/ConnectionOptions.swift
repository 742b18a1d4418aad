import ArgumentParser
import Foundation
import Logging
import SecretServer
import Sesame

/// Where and how to connect: flags, else the environment, else the profile (`sesame login`); credentials from
/// `SESAME_TOKEN`, `SESAME_PASSWORD`, the profile's stored session, or a hidden prompt. Never from the command line.
///
/// A profile's settings (user, domain, CA file, `insecure`, session) belong to its server: when `--url` or
/// `SESAME_URL` names another one, none of them apply there.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The profile to use (default: $SESAME_PROFILE, else the current one).", valueName: "name"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("The server's base URL (default: $SESAME_URL).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("The user to sign in as (default: $SESAME_USERNAME).", valueName: "name"))
    var username: String?

    @Option(name: .long, help: ArgumentHelp("The Active Directory domain (default: $SESAME_DOMAIN).", valueName: "domain"))
    var domain: String?

    @Option(name: .long, help: ArgumentHelp("Extra CA certificates to trust, PEM (default: $SESAME_CA_FILE).", valueName: "file"))
    var caFile: String?

    @Flag(
        name: .customLong("insecure-skip-tls-verify"),
        help: "Do NOT verify the server's TLS certificate: anyone on the network can impersonate it. Prefer --ca-file.")
    var insecure = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "What the URL is: auto (ask it, as Delinea's SDKs do), secret-server or platform (default: $SESAME_SERVER_KIND, else what sesame login found, else auto).",
            valueName: "kind"
        ))
    var serverKind: SecretServerClient.ServerKind?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The proxy for every request, http://[user@]host:port, or none (default: $SESAME_PROXY, else the profile's, else $HTTPS_PROXY/$HTTP_PROXY with $NO_PROXY). A proxy password comes from $SESAME_PROXY_PASSWORD, never the command line.",
            valueName: "url"
        ))
    var proxy: String?

    @Flag(
        name: .customLong("allow-plain-http"),
        help: "Send the password or token over plain http:// to a server that is not on this machine (anyone on the way can read it).")
    var allowPlainHTTP = false

    /// The profile in use and its settings: `--profile`, `SESAME_PROFILE`, or the file's current profile.
    func selectedProfile(environment: [String: String]) throws -> (name: String, profile: Profile)? {
        let file = try ProfileFile.load(environment)
        let requested = profile ?? environment["SESAME_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let requested {
            guard let found = file.profiles[requested] else {
                throw CLIError(
                    "there is no profile '\(requested)'",
                    hint: file.profiles.isEmpty
                        ? "create it with: sesame login --profile \(requested) --url URL --username NAME"
                        : "known profiles: \(file.profiles.keys.sorted().joined(separator: ", "))"
                )
            }
            return (requested, found)
        }
        if let current = file.current, let found = file.profiles[current] { return (current, found) }
        return nil
    }

    /// Where to connect and as whom, worked out without asking for anything.
    struct Target {
        var url: String
        var username: String?
        var domain: String?
        var caFile: String?
        var insecure: Bool
        /// Secret Server, Platform, or to be found out.
        var server: SecretServerClient.ServerKind
        /// The profile whose stored session may sign in: only one whose URL is the one in use, and whose user is
        /// the one asked for.
        var sessionProfile: String?
        /// The proxy setting: `--proxy`, `SESAME_PROXY` or the profile's; nil for the standard environment variables.
        var proxy: ProxyConfiguration?
        /// The SDK client id of a profile onboarded with `sesame login --sdk-client`.
        var clientId: String?
    }

    /// The session store, when there is one to read: a store sealed with a passphrase that is not given is an error
    /// (saying what to set), not a reason to ask for the account's password instead.
    static func sessionStore(_ environment: [String: String]) throws -> SessionStore? {
        let directory = ProfileFile.directory(environment)
        guard FileManager.default.fileExists(atPath: directory + "/sessions.sqlite") else { return nil }
        return try SessionStore(environment)
    }

    /// `SESAME_CLIENT_ID` and `SESAME_CLIENT_SECRET` (an SDK client, for CI), or nil when neither is set.
    static func environmentClient(_ environment: [String: String]) throws -> (id: String, secret: String)? {
        let id = environment["SESAME_CLIENT_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["SESAME_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        switch (id, secret) {
        case (nil, nil): return nil
        case let (id?, secret?): return (id, secret)
        case (nil, _): throw CLIError("SESAME_CLIENT_SECRET is set but SESAME_CLIENT_ID is not", hint: "set both (an SDK client's id and secret)")
        case (_, nil): throw CLIError("SESAME_CLIENT_ID is set but SESAME_CLIENT_SECRET is not", hint: "set both (an SDK client's id and secret)")
        }
    }

    func target(environment: [String: String]) throws -> Target {
        let selected = try selectedProfile(environment: environment)
        let explicitURL = url ?? environment["SESAME_URL"].flatMap { $0.isEmpty ? nil : $0 }
        guard let url = explicitURL ?? selected?.profile.url else {
            throw CLIError("no server URL", hint: "set SESAME_URL (e.g. http://127.0.0.1:5000/SecretServer), pass --url, or run sesame login")
        }
        let applies = selected.map { explicitURL == nil || Profile.sameServer($0.profile.url, url) } ?? false
        let settings = applies ? selected?.profile : nil
        let user = username ?? environment["SESAME_USERNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? settings?.username
        let userDomain = domain ?? environment["SESAME_DOMAIN"].flatMap { $0.isEmpty ? nil : $0 } ?? settings?.domain
        // The stored session is the profile's user's: asked for another user, it is not used (nor cached under them).
        let sameUser = user?.lowercased() == settings?.username?.lowercased() && userDomain?.lowercased() == settings?.domain?.lowercased()
        return Target(
            url: url, username: user, domain: userDomain,
            caFile: caFile ?? environment["SESAME_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? settings?.caFile,
            insecure: insecure || settings?.insecure == true,
            server: try serverKind(environment: environment, profile: settings),
            sessionProfile: applies && sameUser ? selected?.name : nil,
            proxy: try proxyConfiguration(environment: environment, profile: settings),
            clientId: settings?.auth == Profile.sdkClientAuth ? settings?.clientId : nil
        )
    }

    /// `--proxy`, else `SESAME_PROXY`, else the profile's `proxy` (for its server only); nil leaves it to the standard
    /// variables (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, lower case too). A password never comes from the command
    /// line or the profile file: `SESAME_PROXY_PASSWORD` supplies it for a proxy URL with a user.
    func proxyConfiguration(environment: [String: String], profile: Profile?) throws -> ProxyConfiguration? {
        try Self.proxyConfiguration(flag: proxy, environment: environment, profile: profile)
    }

    /// The proxies the standard variables name (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), read from the
    /// environment the command has (the client would otherwise read the process's environment once more).
    static func standardProxies(_ environment: [String: String]) throws -> ProxyConfiguration {
        do {
            return try ProxyConfiguration.environment(environment)
        } catch let error as ProxyError {
            // As the client says it when it reads them itself (and so the same exit status through a provider).
            throw SecretServerError(code: .invalidConfiguration, message: error.description)
        }
    }

    static func proxyConfiguration(flag: String?, environment: [String: String], profile: Profile?) throws -> ProxyConfiguration? {
        let setting: (text: String, source: String)?
        if let flag {
            setting = (flag, "--proxy")
        } else if let text = environment["SESAME_PROXY"], !text.isEmpty {
            setting = (text, "SESAME_PROXY")
        } else if let text = profile?.proxy, !text.isEmpty {
            setting = (text, "the profile's proxy")
        } else {
            setting = nil
        }
        guard let setting else { return nil }
        do {
            var configuration = try ProxyConfiguration.explicit(setting.text, source: setting.source, environment: environment)
            if [configuration.http, configuration.https].contains(where: { $0?.password != nil }) {
                throw CLIError(
                    "\(setting.source) holds a proxy password, where others can read it",
                    hint: "give the URL with the user only (http://user@host:port) and the password in SESAME_PROXY_PASSWORD"
                )
            }
            if let password = environment["SESAME_PROXY_PASSWORD"], !password.isEmpty, !configuration.isEmpty {
                guard configuration.http?.username != nil else {
                    throw CLIError("SESAME_PROXY_PASSWORD is set but the proxy URL (\(setting.source)) names no user", hint: "use http://user@host:port")
                }
                configuration.http?.password = password
                configuration.https?.password = password
            }
            return configuration
        } catch let error as ProxyError {
            throw CLIError(error.message, hint: "use http://[user@]host:port, or none")
        }
    }

    /// `--server-kind`, else `SESAME_SERVER_KIND`, else what the profile (of this server) found, else `.automatic`.
    func serverKind(environment: [String: String], profile: Profile?) throws -> SecretServerClient.ServerKind {
        if let serverKind { return serverKind }
        if let text = environment["SESAME_SERVER_KIND"], !text.isEmpty {
            guard let kind = SecretServerClient.ServerKind(rawValue: text.lowercased() == "auto" ? "automatic" : text.lowercased()) else {
                throw CLIError("SESAME_SERVER_KIND must be auto, secret-server or platform; found '\(text.prefix(40))'")
            }
            return kind
        }
        return profile?.server.flatMap(SecretServerClient.ServerKind.init(rawValue:)) ?? .automatic
    }

    /// Who signs in, without the secret (see `Credentials.principal`): caches keep entries per server and principal.
    func principal(_ target: Target, environment: [String: String]) -> String {
        if let token = environment["SESAME_TOKEN"], !token.isEmpty { return SecretServerClient.Credentials.token(token).principal }
        if let client = try? Self.environmentClient(environment) {
            return SecretServerClient.Credentials.sdkClient(clientId: client.id, clientSecret: "").principal
        }
        if target.sessionProfile != nil, let clientId = target.clientId {
            return SecretServerClient.Credentials.sdkClient(clientId: clientId, clientSecret: "").principal
        }
        if let username = target.username {
            return SecretServerClient.Credentials.password(username: username, password: "", domain: target.domain).principal
        }
        return "profile:" + (target.sessionProfile ?? "none")
    }

    /// The cache scope of the server and principal these options name (`CacheScope.secretServer`), worked out
    /// without signing in or prompting.
    func cacheScope(environment: [String: String] = ProcessEnvironment.current()) throws -> String {
        cacheScope(for: try target(environment: environment), environment: environment)
    }

    /// The cache scope of `target` (see `cacheScope(environment:)`).
    func cacheScope(for target: Target, environment: [String: String]) -> String {
        CacheScope.secretServer(baseURL: target.url, principal: principal(target, environment: environment))
    }

    /// The client configuration these options and `environment` describe. It may prompt for a password.
    func configuration(environment: [String: String] = ProcessEnvironment.current()) throws -> SecretServerClient.Configuration {
        try configuration(for: try target(environment: environment), environment: environment)
    }

    /// The client configuration for `target` (see `configuration(environment:)`). It may prompt for a password.
    func configuration(for target: Target, environment: [String: String]) throws -> SecretServerClient.Configuration {
        let credentials: SecretServerClient.Credentials
        if let token = environment["SESAME_TOKEN"], !token.isEmpty {
            credentials = .token(token)
        } else if let client = try Self.environmentClient(environment) {
            credentials = .sdkClient(clientId: client.id, clientSecret: client.secret)
        } else if let profile = target.sessionProfile, let clientId = target.clientId {
            // An onboarded SDK client: its secret is in the session store, and it signs in with it each time.
            guard let secret = try SessionStore(environment).clientSecret(profile, url: target.url) else {
                throw CLIError(
                    "the profile '\(profile)' is an SDK client, but its secret is not in the session store",
                    hint: "onboard it again: sesame login --profile \(profile) --sdk-client --rule NAME --onboarding-key -"
                )
            }
            credentials = .sdkClient(clientId: clientId, clientSecret: secret)
        } else if let password = environment["SESAME_PASSWORD"], !password.isEmpty {
            guard let username = target.username else { throw CLIError("no user name", hint: "set SESAME_USERNAME or pass --username") }
            credentials = .password(username: username, password: password, domain: target.domain)
        } else if let profile = target.sessionProfile, let store = try Self.sessionStore(environment),
            let kept = store.load(profile, url: target.url), kept.refreshToken != nil || kept.expiresAt.timeIntervalSinceNow > 30
        {
            credentials = .kept(
                ProfileSessionKeeper(
                    store: store, profile: profile, url: target.url, principal: principal(target, environment: environment), initial: kept
                ))
        } else {
            guard let username = target.username else {
                throw CLIError("no user name", hint: "set SESAME_USERNAME, pass --username, or run sesame login (or set SESAME_TOKEN)")
            }
            guard Terminal.isInteractive else {
                throw CLIError("no password", hint: "set SESAME_PASSWORD, run sesame login, or run on a terminal to be asked for it")
            }
            guard let password = Terminal.readHidden(prompt: "Password for \(username): "), !password.isEmpty else {
                throw CLIError("no password given")
            }
            credentials = .password(username: username, password: password, domain: target.domain)
        }
        var connectTimeout = Duration.seconds(5)
        if let text = environment["SESAME_CONNECT_TIMEOUT"] {
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw CLIError("SESAME_CONNECT_TIMEOUT must be a number of seconds between 0 and 3600; found '\(text.prefix(40))'")
            }
            connectTimeout = .milliseconds(Int64(seconds * 1000))
        }
        var logger = Logger(label: "sesame")
        logger.logLevel = environment["SESAME_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        var configuration = SecretServerClient.Configuration(
            baseURL: target.url, credentials: credentials,
            tls: .init(caFile: target.caFile, insecureSkipVerification: target.insecure),
            timeouts: .init(connect: connectTimeout),
            logger: logger,
            principal: principal(target, environment: environment),
            allowsPlainHTTP: allowPlainHTTP,
            server: target.server,
            proxy: try target.proxy ?? Self.standardProxies(environment)
        )
        // A two-factor code, sent with a password sign-in only (a stored session or a token needs none).
        if let code = environment["SESAME_OTP"], !code.isEmpty { configuration.oneTimePassword = code }
        configuration.engine = CommandExecution.httpEngine
        configuration.taskExecutor = CommandExecution.ownThread
        return configuration
    }

    /// Runs `body` with a connected client. A stored session that the client renews is kept at once, by the
    /// session store's keeper (see `ProfileSessionKeeper`), whether `body` then succeeds or not.
    ///
    /// The client is closed without waiting for it: a command ends, and the process exits, right after `body`, and a
    /// longer one lets the close finish by itself. (Waiting for the connection pool to wind down and the session
    /// store's SQLite file to close was about 0.8 ms of a 16-ms `sesame secret get` with a stored session.)
    /// - Parameter changing: `body` changes secrets or folders. Afterwards (also when it fails part way) every value
    ///   the disk cache holds for this account goes: a cached copy under any of a field's names (by id or path, slug
    ///   or field name) may now be wrong, and the cache cannot tell which.
    /// - Parameter environment: the process's environment, when the caller has it already (each read of it builds a
    ///   dictionary of every variable).
    func withClient<Result: Sendable>(
        changing: Bool = false, environment: [String: String] = ProcessEnvironment.current(),
        _ body: (SecretServerClient) async throws -> Result
    ) async throws -> Result {
        defer { if changing { forgetCachedValues(environment: environment) } }
        let client = try SecretServerClient(configuration: try configuration(environment: environment))
        defer { Task(executorPreference: CommandExecution.ownThread) { try? await client.shutdown() } }
        return try await body(client)
    }

    /// Removes what the user's disk cache holds for the account these options name (nothing when there is no cache).
    func forgetCachedValues(environment: [String: String] = ProcessEnvironment.current()) {
        guard let disk = CacheOptions.existingDiskCache(environment), let scope = try? cacheScope(environment: environment) else { return }
        _ = try? disk.removeAll(scope: scope)
    }
}

extension SecretServerClient.ServerKind: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased() == "auto" ? "automatic" : argument.lowercased())
    }

    public static var allValueStrings: [String] { ["auto", "secret-server", "platform"] }
}

extension ConnectionOptions: QuickParsable {
    static let quickOptions: Set<String> = ["profile", "url", "username", "domain", "ca-file", "server-kind", "proxy"]
    static let quickFlags: Set<String> = ["insecure-skip-tls-verify", "allow-plain-http"]

    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp) {
        var parsed = Self()
        parsed.profile = try arguments.option("profile")
        parsed.url = try arguments.option("url")
        parsed.username = try arguments.option("username")
        parsed.domain = try arguments.option("domain")
        parsed.caFile = try arguments.option("ca-file")
        parsed.insecure = arguments.flag("insecure-skip-tls-verify")
        parsed.serverKind = try arguments.option("server-kind")
        parsed.proxy = try arguments.option("proxy")
        parsed.allowPlainHTTP = arguments.flag("allow-plain-http")
        self = parsed
    }
}
