import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame script list|show|pull|push|watch`.
struct ScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script", abstract: "List, read, pull, push and watch user scripts (PowerShell, SQL, SSH).",
        subcommands: [ScriptListCommand.self, ScriptGetCommand.self, ScriptPullCommand.self, ScriptPushCommand.self, ScriptWatchCommand.self]
    )
}

/// `sesame script list`
struct ScriptListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List scripts.", discussion: "Example:\n  sesame script list")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let scripts = try await client.searchScripts().collect()
            try Output.render(scripts, format: output.format) {
                Output.table(["ID", "NAME", "TYPE"], scripts.map { [String($0.scriptId), $0.name, $0.scriptType] })
            }
        }
    }
}

/// `sesame script get`
struct ScriptGetCommand: AsyncParsableCommand {
    // `get`, as for secrets (`show`, its first name, still works).
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Print a script's text.", discussion: "Example:\n  sesame script get 3", aliases: ["show"]
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The script id.") var id: Int
    func run() async throws {
        try await connection.withClient { client in
            FileHandle.standardOutput.write(Data(try await client.script(id: id).script.utf8))
        }
    }
}
