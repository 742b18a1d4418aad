import Foundation
import SecretServer
import SecretServerModels
import SesameFiles
import Sesame

extension LoginCommand {
    /// `sesame login --sdk-client --rule NAME --onboarding-key -`: onboards this machine as an SDK client (as
    /// Delinea's `tss init` does), keeps the client's id in the profile and its secret in the encrypted session
    /// store, and signs in with `client_credentials` from then on.
    func onboard() async throws {
        let environment = ProcessEnvironment.current()
        guard sdkClient else { throw CLIError("--rule and --onboarding-key go with --sdk-client", hint: "add --sdk-client") }
        var file = try ProfileFile.load(environment)
        let name = connection.profile ?? environment["SESAME_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let existing = file.profiles[name]
        guard let url = connection.url ?? environment["SESAME_URL"].flatMap({ $0.isEmpty ? nil : $0 }) ?? existing?.url else {
            throw CLIError("no server URL", hint: "pass --url https://host/SecretServer")
        }
        guard let rule, !rule.isEmpty else { throw CLIError("no onboarding rule", hint: "pass --rule NAME (Admin > SDK Client Management)") }
        let key = try readOnboardingKey(environment: environment)
        let sameServer = existing.map { Profile.sameServer($0.url, url) } ?? false
        var settings = Profile(
            url: url, username: nil, domain: nil, caFile: connection.caFile ?? (sameServer ? existing?.caFile : nil),
            insecure: connection.insecure ? true : nil
        )
        settings.proxy = connection.proxy ?? (sameServer ? existing?.proxy : nil)
        let proxy = try ConnectionOptions.proxyConfiguration(flag: connection.proxy, environment: environment, profile: settings)
        let tls = SecretServerClient.TLS(caFile: settings.caFile, insecureSkipVerification: settings.insecure == true)
        let host = ProcessInfo.processInfo.hostName
        let account = try await SecretServerClient.onboardSdkClient(
            baseURL: url, ruleName: rule, onboardingKey: key, name: clientName ?? host, description: "sesame on \(host)", tls: tls, proxy: proxy,
            allowsPlainHTTP: connection.allowPlainHTTP
        )
        guard let clientSecret = account.clientSecret, !clientSecret.isEmpty else {
            throw CLIError("the server onboarded the client but sent no client secret")
        }
        let clientId = account.clientId
        // Signing in as the client proves the secret works before the profile is kept.
        let configuration = SecretServerClient.Configuration(
            baseURL: url, credentials: .sdkClient(clientId: clientId, clientSecret: clientSecret), tls: tls,
            timeouts: .init(connect: .seconds(5)), allowsPlainHTTP: connection.allowPlainHTTP, server: .secretServer, proxy: proxy
        )
        let user = try await SecretServerClient.withClient(configuration: configuration) { client in try await client.currentUser() }
        settings.username = user.userName
        settings.auth = Profile.sdkClientAuth
        settings.clientId = clientId
        settings.server = SecretServerClient.ServerKind.secretServer.rawValue
        if let existing, !Profile.sameServer(existing.url, url) || existing.username != settings.username {
            CacheOptions.forget(profile: existing, environment: environment)
        }
        let store = try SessionStore(environment)
        // A session the profile kept (a user's) is ended on the server, not only forgotten here.
        _ = try await SessionEnding.end(profile: name, settings: existing, store: store)
        try await store.locked {
            try store.saveClientSecret(clientSecret, for: name, url: url)
        }
        file.profiles[name] = settings
        if file.current == nil || file.profiles.count == 1 { file.current = name }
        try file.save(environment)
        Output.write(
            "Onboarded SDK client \(clientId) (rule '\(rule)', acting as \(user.userName)) at \(url). Profile '\(name)' saved in "
                + "\(ProfileFile.path(environment)); its secret is kept in the encrypted session store."
        )
    }

    /// `-` (standard input), `@FILE`, `SESAME_ONBOARDING_KEY`, or a hidden prompt; never a key on the command line.
    private func readOnboardingKey(environment: [String: String]) throws -> String {
        var key: String?
        if let onboardingKey {
            if onboardingKey == "-" {
                key = try Terminal.readAllStandardInput(limit: 64 * 1024)
            } else if onboardingKey.hasPrefix("@") {
                key = try SecretInputFile.firstLine(String(onboardingKey.dropFirst()), what: "onboarding key", requirePrivate: true)
            } else {
                throw CLIError(
                    "an onboarding key on the command line can be read by anyone on this machine",
                    hint: "use --onboarding-key - (standard input), --onboarding-key @FILE, or SESAME_ONBOARDING_KEY"
                )
            }
        } else if let fromEnvironment = environment["SESAME_ONBOARDING_KEY"], !fromEnvironment.isEmpty {
            key = fromEnvironment
        } else if Terminal.isInteractive {
            key = Terminal.readHidden(prompt: "Onboarding key for rule '\(rule ?? "")': ")
        } else {
            throw CLIError("no onboarding key", hint: "use --onboarding-key - or @FILE, set SESAME_ONBOARDING_KEY, or run on a terminal")
        }
        guard let key = key?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else { throw CLIError("the onboarding key is empty") }
        return key
    }
}
