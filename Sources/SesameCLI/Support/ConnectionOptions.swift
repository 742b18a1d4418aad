import ArgumentParser
import Foundation
import Logging
import SecretServer

/// Where and how to connect: flags, else the environment, else the profile (`sesame login`); credentials from
/// `SESAME_TOKEN`, `SESAME_PASSWORD`, the profile's stored session, or a hidden prompt. Never from the command line.
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

    @Flag(name: .customLong("insecure-skip-tls-verify"),
          help: "Do NOT verify the server's TLS certificate: anyone on the network can impersonate it. Prefer --ca-file.")
    var insecure = false

    /// The profile in use and its settings: `--profile`, `SESAME_PROFILE`, or the file's current profile.
    func selectedProfile(environment: [String: String]) throws -> (name: String, profile: Profile)? {
        let file = try ProfileFile.load(environment)
        let requested = profile ?? environment["SESAME_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let requested {
            guard let found = file.profiles[requested] else {
                throw CLIError(
                    "there is no profile '\(requested)'",
                    hint: file.profiles.isEmpty ? "create it with: sesame login --profile \(requested) --url URL --username NAME"
                        : "known profiles: \(file.profiles.keys.sorted().joined(separator: ", "))"
                )
            }
            return (requested, found)
        }
        if let current = file.current, let found = file.profiles[current] { return (current, found) }
        return nil
    }

    /// The client configuration these options and `environment` describe, and the profile whose stored session
    /// it signs in with (to keep the renewed session afterwards).
    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (configuration: SecretServerClient.Configuration, sessionProfile: String?)
    {
        let selected = try selectedProfile(environment: environment)
        let settings = selected?.profile
        guard let url = url ?? environment["SESAME_URL"].flatMap({ $0.isEmpty ? nil : $0 }) ?? settings?.url else {
            throw CLIError("no server URL", hint: "set SESAME_URL (e.g. http://127.0.0.1:5000/SecretServer), pass --url, or run sesame login")
        }
        let username = username ?? environment["SESAME_USERNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? settings?.username
        let domain = domain ?? environment["SESAME_DOMAIN"] ?? settings?.domain
        var sessionProfile: String?
        let credentials: SecretServerClient.Credentials
        if let token = environment["SESAME_TOKEN"], !token.isEmpty {
            credentials = .token(token)
        } else if let password = environment["SESAME_PASSWORD"], !password.isEmpty {
            guard let username else { throw CLIError("no user name", hint: "set SESAME_USERNAME or pass --username") }
            credentials = .password(username: username, password: password, domain: domain)
        } else if let selected, selected.profile.url == url, let stored = try? SessionStore(environment).load(selected.name),
            stored.expiresAt > Date().timeIntervalSince1970 + 30 || stored.refreshToken != nil
        {
            sessionProfile = selected.name
            credentials = stored.expiresAt > Date().timeIntervalSince1970 + 30 ? .token(stored.accessToken) : .refreshToken(stored.refreshToken!)
        } else {
            guard let username else {
                throw CLIError("no user name", hint: "set SESAME_USERNAME, pass --username, or run sesame login (or set SESAME_TOKEN)")
            }
            guard Terminal.isInteractive else {
                throw CLIError("no password", hint: "set SESAME_PASSWORD, run sesame login, or run on a terminal to be asked for it")
            }
            guard let password = Terminal.readHidden(prompt: "Password for \(username): "), !password.isEmpty else {
                throw CLIError("no password given")
            }
            credentials = .password(username: username, password: password, domain: domain)
        }
        var connectTimeout = Duration.seconds(5)
        if let text = environment["SESAME_CONNECT_TIMEOUT"] {
            guard let seconds = Double(text), seconds > 0 else {
                throw CLIError("SESAME_CONNECT_TIMEOUT must be a number of seconds; found '\(text)'")
            }
            connectTimeout = .milliseconds(Int64(seconds * 1000))
        }
        var logger = Logger(label: "sesame")
        logger.logLevel = environment["SESAME_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let configuration = SecretServerClient.Configuration(
            baseURL: url, credentials: credentials,
            tls: .init(caFile: caFile ?? environment["SESAME_CA_FILE"] ?? settings?.caFile,
                       insecureSkipVerification: insecure || settings?.insecure == true),
            timeouts: .init(connect: connectTimeout),
            logger: logger
        )
        return (configuration, sessionProfile)
    }

    /// The client configuration these options and `environment` describe.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SecretServerClient.Configuration {
        try resolved(environment: environment).configuration
    }

    /// Runs `body` with a connected client.
    /// Runs `body` with a connected client. A session from the profile's store is kept up to date afterwards
    /// (the server may have issued new tokens).
    func withClient<Result: Sendable>(_ body: (SecretServerClient) async throws -> Result) async throws -> Result {
        let (configuration, sessionProfile) = try resolved()
        return try await SecretServerClient.withClient(configuration: configuration) { client in
            let result = try await body(client)
            if let sessionProfile, let session = try? await client.session(), session.refreshToken != nil {
                try? SessionStore().save(session, for: sessionProfile)
            }
            return result
        }
    }
}
