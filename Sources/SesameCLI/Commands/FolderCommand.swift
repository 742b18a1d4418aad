import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame folder ...`
struct FolderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folder",
        abstract: "List folders.",
        subcommands: [FolderListCommand.self]
    )

    /// A folder by id or by path.
    static func resolve(_ key: String, client: SecretServerClient) async throws -> FolderModel {
        if let id = Int(key) { return try await client.folder(id: id) }
        do {
            return try await client.folder(path: key)
        } catch let error as SecretServerError where error.code == .accessDenied {
            throw CLIError("no folder at '\(key)' (or no access to it)", hint: "list folders with: sesame folder list",
                           exitCode: .notFound)
        }
    }
}

/// `sesame folder list [--parent F] [--search TEXT]`
struct FolderListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List folders, by path.",
        discussion: """
            Examples:
              sesame folder list
              sesame folder list --parent '\\Prod' --output json
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Only below this folder (id or path).")
    var parent: String?

    @Option(name: .long, help: "Only folders whose name contains this text.")
    var search: String?

    @Option(name: [.short, .long], help: "table, json, yaml, or raw=FIELD (one field, no newline).")
    var output: OutputFormat = .table

    func run() async throws {
        try await connection.withClient { client in
            var parentId: Int?
            if let parent { parentId = try await FolderCommand.resolve(parent, client: client).id }
            let folders = try await client.searchFolders(FolderSearch(text: search, parentFolderId: parentId)).collect()
            try Output.render(folders, format: output) {
                Output.table(["ID", "PATH"], folders.map { [String($0.id), $0.folderPath] })
            }
        }
    }
}
