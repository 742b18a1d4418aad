import ArgumentParser
import Foundation
import SecretServer
import Sesame

/// `sesame login`: signs in and keeps a named profile.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to a Secret Server and keep the connection as a named profile.",
        discussion: HelpText.flowing(
            """
            The profile (URL, user name, domain, TLS options) goes to config.yaml in $SESAME_CONFIG_DIR, else
            $XDG_CONFIG_HOME/sesame, else ~/.config/sesame. The password is never kept: the session's tokens go to
            an encrypted store next to it (sessions.sqlite, 0600), or nowhere with --no-store. The password comes
            from a hidden prompt, --password-stdin, --password-file, or $SESAME_PASSWORD; never from the command line.

            Examples:
              sesame login --url https://ss.example.com/SecretServer --username alice
              sesame login --profile prod --url https://ss.example.com/SecretServer --username svc --password-stdin < pw.txt
              sesame secret get 12 --profile prod     # or: SESAME_PROFILE=prod sesame secret get 12
            """)
    )

    /// Where to sign in and as whom: the options every command shares (here `--profile` names the profile to write).
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Read the password from standard input (one line).")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the password from this file (first line).", valueName: "file"))
    var passwordFile: String?

    @Flag(name: .long, help: "Keep the profile only; store no session (you will be asked for the password each time).")
    var noStore = false

    @Flag(name: .long, help: "Ask for the two-factor code (TOTP) on the terminal; $SESAME_OTP gives it without asking.")
    var otp = false

    @Flag(name: .long, help: "Onboard this machine as an SDK client with --rule and --onboarding-key, and sign in as it from now on.")
    var sdkClient = false

    @Option(name: .long, help: ArgumentHelp("The SDK client onboarding rule's name (with --sdk-client).", valueName: "name"))
    var rule: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The rule's onboarding key: - reads it from standard input, @FILE from a file (default: $SESAME_ONBOARDING_KEY, else a hidden prompt). Never on the command line.",
            valueName: "-|@file"
        ))
    var onboardingKey: String?

    @Option(name: .long, help: ArgumentHelp("The SDK client's name on the server (default: this machine's host name).", valueName: "name"))
    var clientName: String?

    func run() async throws {
        if sdkClient || rule != nil || onboardingKey != nil {
            try await onboard()
            return
        }
        let environment = ProcessEnvironment.current()
        var file = try ProfileFile.load(environment)
        let name = connection.profile ?? environment["SESAME_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let existing = file.profiles[name]
        guard let url = connection.url ?? environment["SESAME_URL"].flatMap({ $0.isEmpty ? nil : $0 }) ?? existing?.url else {
            throw CLIError("no server URL", hint: "pass --url https://host/SecretServer")
        }
        guard let username = connection.username ?? environment["SESAME_USERNAME"].flatMap({ $0.isEmpty ? nil : $0 }) ?? existing?.username else {
            throw CLIError("no user name", hint: "pass --username NAME")
        }
        let password = try readPassword(username: username, environment: environment)
        // What the profile had for its server carries over only while it is the same server; verification stays
        // off only when this sign-in asks for it again.
        let sameServer = existing.map { Profile.sameServer($0.url, url) } ?? false
        var settings = Profile(
            url: url, username: username, domain: connection.domain ?? (sameServer ? existing?.domain : nil),
            caFile: connection.caFile ?? (sameServer ? existing?.caFile : nil), insecure: connection.insecure ? true : nil
        )
        settings.proxy = connection.proxy ?? (sameServer ? existing?.proxy : nil)
        let proxy = try ConnectionOptions.proxyConfiguration(flag: connection.proxy, environment: environment, profile: settings)
        // A Platform is asked for afresh at each login (it is what the URL is now), unless the kind is given.
        let kind = try connection.serverKind(environment: environment, profile: nil)
        var configuration = SecretServerClient.Configuration(
            baseURL: url, credentials: .password(username: username, password: password, domain: settings.domain),
            tls: .init(caFile: settings.caFile, insecureSkipVerification: settings.insecure == true),
            timeouts: .init(connect: .seconds(5)), allowsPlainHTTP: connection.allowPlainHTTP, server: kind, proxy: proxy
        )
        configuration.oneTimePassword = try oneTimePassword(username: username, environment: environment)
        let (session, found) = try await SecretServerClient.withClient(configuration: configuration) { client in
            let session = try await client.session()
            // The API is reached too, so a Platform's vault is known to work before the profile is kept.
            _ = try await client.currentUser()
            return (session, await client.serverKind())
        }
        settings.server = found.rawValue
        if let existing, !Profile.sameServer(existing.url, url) || existing.username != username || existing.domain != settings.domain {
            // The profile now names another server or account: what was cached for the old one goes.
            CacheOptions.forget(profile: existing, environment: environment)
        }
        file.profiles[name] = settings
        if file.current == nil || file.profiles.count == 1 { file.current = name }
        try file.save(environment)
        let store = try SessionStore(environment)
        try await store.locked {
            if noStore {
                try store.remove(name)
            } else {
                try store.save(
                    KeptSession(
                        accessToken: session.accessToken, refreshToken: session.refreshToken,
                        expiresAt: Date().addingTimeInterval(TimeInterval(session.expiresIn.components.seconds))
                    ),
                    for: name, url: url
                )
            }
        }
        let kept =
            noStore
            ? "no session kept"
            : (session.refreshToken == nil
                ? "session kept for \(session.expiresIn.components.seconds / 60) minutes"
                : "session kept (renewed with its refresh token)")
        let what = found == .platform ? "the Delinea Platform at \(url) (its vault)" : url
        Output.write("Signed in to \(what) as \(username). Profile '\(name)' saved in \(ProfileFile.path(environment)); \(kept).")
    }

    /// The two-factor code: `SESAME_OTP`, else (with `--otp`) a prompt; nil when neither asks for one.
    private func oneTimePassword(username: String, environment: [String: String]) throws -> String? {
        if let code = environment["SESAME_OTP"], !code.isEmpty { return code }
        guard otp else { return nil }
        guard Terminal.isInteractive else { throw CLIError("no two-factor code", hint: "set SESAME_OTP, or run on a terminal to be asked") }
        guard let code = Terminal.readHidden(prompt: "Two-factor code for \(username): "), !code.isEmpty else {
            throw CLIError("no two-factor code given")
        }
        return code.trimmingCharacters(in: .whitespaces)
    }

    private func readPassword(username: String, environment: [String: String]) throws -> String {
        var password: String?
        if passwordStdin {
            password = try Terminal.readAllStandardInput(limit: Terminal.valueLimit)
        } else if let passwordFile {
            password = try SecretInputFile.firstLine(passwordFile, what: "password")
        } else if let fromEnvironment = environment["SESAME_PASSWORD"], !fromEnvironment.isEmpty {
            password = fromEnvironment
        } else if Terminal.isInteractive {
            password = Terminal.readHidden(prompt: "Password for \(username): ")
        } else {
            throw CLIError("no password", hint: "use --password-stdin or --password-file, set SESAME_PASSWORD, or run on a terminal")
        }
        guard let password, !password.isEmpty else { throw CLIError("the password is empty") }
        return password
    }
}
