import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "team", abstract: "List teams.", subcommands: [TeamListCommand.self])
}

/// `sesame team list`
struct TeamListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List teams.", discussion: "Example:\n  sesame team list")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let teams = try await client.teams()
            try Output.render(teams, format: output.format) { Output.table(["ID", "NAME"], teams.map { [String($0.teamId), $0.teamName] }) }
        }
    }
}
