import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame role list`, `sesame team list`, `sesame policy list`.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "List roles.", subcommands: [RoleListCommand.self])
}

/// `sesame role list`
struct RoleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List roles.", discussion: "Example:\n  sesame role list --inactive")
    @OptionGroup var connection: ConnectionOptions
    @Flag(name: .long, help: "Include disabled roles.") var inactive = false
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let roles = try await client.roles(includeInactive: inactive)
            try Output.render(roles, format: output.format) {
                Output.table(["ID", "NAME", "ENABLED"], roles.map { [String($0.id), $0.name, String($0.enabled)] })
            }
        }
    }
}
