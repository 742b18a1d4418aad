import ArgumentParser
import Foundation
import SecretServer
import Sesame

/// `sesame profile list|use|remove`.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "List, choose and remove profiles.",
        subcommands: [ProfileListCommand.self, ProfileUseCommand.self, ProfileRemoveCommand.self]
    )
}

/// `sesame profile list`
struct ProfileListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the profiles.", discussion: "Example:\n  sesame profile list --output json"
    )
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let file = try ProfileFile.load(environment)
        let store = try? SessionStore(environment)
        struct Row: Encodable {
            var name: String
            var url: String
            var username: String?
            var current: Bool
            var session: Bool
        }
        let rows = file.profiles.keys.sorted().map { name in
            Row(
                name: name, url: file.profiles[name]!.url, username: file.profiles[name]!.username, current: name == file.current,
                session: store?.has(name) == true)
        }
        try Output.render(rows, format: output.format) {
            Output.table(
                ["", "NAME", "URL", "USER", "SESSION"],
                rows.map {
                    [$0.current ? "*" : "", $0.name, $0.url, $0.username ?? "", $0.session ? "yes" : "no"]
                })
        }
    }
}

/// `sesame profile use`
struct ProfileUseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use", abstract: "Make a profile the current one.", discussion: "Example:\n  sesame profile use prod")
    @Argument(help: "The profile's name.") var name: String

    func run() async throws {
        var file = try ProfileFile.load()
        guard file.profiles[name] != nil else {
            throw CLIError("there is no profile '\(name)'", hint: "sesame profile list shows them", exitCode: .notFound)
        }
        file.current = name
        try file.save()
        Output.write("Profile '\(name)' is now the current one.")
    }
}

/// `sesame profile remove`
struct ProfileRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a profile and its session.", discussion: "Example:\n  sesame profile remove old")
    @Argument(help: "The profile's name.") var name: String

    func run() async throws {
        let environment = ProcessEnvironment.current()
        var file = try ProfileFile.load(environment)
        guard let removed = file.profiles.removeValue(forKey: name) else {
            throw CLIError("there is no profile '\(name)'", hint: "sesame profile list shows them", exitCode: .notFound)
        }
        if file.current == name { file.current = file.profiles.keys.sorted().first }
        try file.save(environment)
        let store = try SessionStore(environment)
        _ = try await SessionEnding.end(profile: name, settings: removed, store: store)
        CacheOptions.forget(profile: removed, environment: environment)
        Output.write("Profile '\(name)' removed, with its session and cached values.")
    }
}
