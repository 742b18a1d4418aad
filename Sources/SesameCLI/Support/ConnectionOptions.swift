import ArgumentParser
import Foundation
import Logging
import SecretServer

/// Where and how to connect: flags, else the environment, else a hidden prompt for the password.
/// Credentials are never taken from the command line.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The server's base URL (default: $SESAME_URL).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("The user to sign in as (default: $SESAME_USERNAME).", valueName: "name"))
    var username: String?

    @Option(name: .long, help: ArgumentHelp("The Active Directory domain (default: $SESAME_DOMAIN).", valueName: "domain"))
    var domain: String?

    @Option(name: .long, help: ArgumentHelp("Extra CA certificates to trust, PEM (default: $SESAME_CA_FILE).", valueName: "file"))
    var caFile: String?

    @Flag(name: .long, help: "Do not verify the server's TLS certificate. Only for a server you control.")
    var insecure = false

    /// The client configuration these options and `environment` describe.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SecretServerClient.Configuration {
        guard let url = url ?? environment["SESAME_URL"], !url.isEmpty else {
            throw CLIError("no server URL", hint: "set SESAME_URL (e.g. http://127.0.0.1:5000/SecretServer) or pass --url")
        }
        let credentials: SecretServerClient.Credentials
        if let token = environment["SESAME_TOKEN"], !token.isEmpty {
            credentials = .token(token)
        } else {
            guard let username = username ?? environment["SESAME_USERNAME"], !username.isEmpty else {
                throw CLIError("no user name", hint: "set SESAME_USERNAME or pass --username (or set SESAME_TOKEN)")
            }
            var password = environment["SESAME_PASSWORD"]
            if password == nil || password?.isEmpty == true {
                guard Terminal.isInteractive else {
                    throw CLIError("no password", hint: "set SESAME_PASSWORD, or run on a terminal to be asked for it")
                }
                password = Terminal.readHidden(prompt: "Password for \(username): ")
            }
            guard let password, !password.isEmpty else { throw CLIError("no password given") }
            credentials = .password(username: username, password: password, domain: domain ?? environment["SESAME_DOMAIN"])
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
        return SecretServerClient.Configuration(
            baseURL: url, credentials: credentials,
            tls: .init(caFile: caFile ?? environment["SESAME_CA_FILE"], insecureSkipVerification: insecure),
            timeouts: .init(connect: connectTimeout),
            logger: logger
        )
    }

    /// Runs `body` with a connected client.
    func withClient<Result: Sendable>(_ body: (SecretServerClient) async throws -> Result) async throws -> Result {
        try await SecretServerClient.withClient(configuration: try configuration(), body)
    }
}
