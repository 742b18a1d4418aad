import ArgumentParser
import Foundation
import SecretServer
import Sesame

/// `sesame logout`: forgets a profile's session.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Forget the stored session of a profile (the profile itself stays).",
        discussion: HelpText.flowing(
            """
            Examples:
              sesame logout
              sesame logout --profile prod
            """)
    )

    @Option(name: .long, help: ArgumentHelp("The profile (default: $SESAME_PROFILE, else the current one).", valueName: "name"))
    var profile: String?

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let file = try ProfileFile.load(environment)
        guard let name = profile ?? environment["SESAME_PROFILE"] ?? file.current else {
            throw CLIError("no profile to log out of", hint: "pass --profile NAME")
        }
        let store = try SessionStore(environment)
        let ended = try await SessionEnding.end(profile: name, settings: file.profiles[name], store: store)
        let forgotten = file.profiles[name].map { CacheOptions.forget(profile: $0, environment: environment) } ?? 0
        var lines = ["Logged out of profile '\(name)'" + (forgotten > 0 ? "; \(forgotten) cached value(s) of its account removed." : ".")]
        if let ended { lines.append(ended) }
        if let settings = file.profiles[name], settings.auth == Profile.sdkClientAuth {
            lines.append(
                "The SDK client's secret is forgotten here; the client \(settings.clientId ?? "") stays active on the server until an "
                    + "administrator revokes it (Admin > SDK Client Management)."
            )
        }
        Output.write(lines.joined(separator: "\n"))
    }
}
