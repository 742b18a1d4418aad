import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame folder ...`
struct FolderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folder",
        abstract: "List, create, move and delete folders.",
        subcommands: [FolderListCommand.self, FolderCreateCommand.self, FolderMoveCommand.self, FolderDeleteCommand.self]
    )

    /// `\A\B\C` as its parent's path (`\A\B`, or nil at the root) and its name (`C`).
    static func split(_ path: String) throws -> (parent: String?, name: String) {
        let names = FolderPath.names(path)
        guard let name = names.last else { throw CLIError("'\(path)' names no folder", hint: "a folder path looks like \\Prod\\Databases") }
        return (names.count > 1 ? "\\" + names.dropLast().joined(separator: "\\") : nil, name)
    }

    /// A folder by id or by path.
    static func resolve(_ key: String, client: SecretServerClient) async throws -> FolderModel {
        if let id = Int(key) { return try await client.folder(id: id) }
        do {
            return try await client.folder(path: key)
        } catch let error as SecretServerError where error.code == .accessDenied {
            throw CLIError(
                "no folder at '\(key)' (or no access to it)", hint: "list folders with: sesame folder list",
                exitCode: .notFound)
        }
    }
}

/// `sesame folder list [--parent F] [--search TEXT]`
struct FolderListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List folders, by path.",
        discussion: HelpText.flowing(
            """
            Examples:
              sesame folder list
              sesame folder list --parent '\\Prod' --output json
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Only below this folder (id or path).")
    var parent: String?

    @Option(name: .long, help: "Only folders whose name contains this text.")
    var search: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await connection.withClient { client in
            var parentId: Int?
            if let parent { parentId = try await FolderCommand.resolve(parent, client: client).id }
            let folders = try await client.searchFolders(FolderSearch(text: search, parentFolderId: parentId)).collect()
            try Output.render(folders, format: output.format) {
                Output.table(["ID", "PATH"], folders.map { [String($0.id), $0.folderPath] })
            }
        }
    }
}

/// `sesame folder create PATH [--parents]`
struct FolderCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a folder; with --parents, every missing folder of the path (like mkdir -p).",
        discussion: "Examples:\n  sesame folder create '\\Prod\\Databases'\n  sesame folder create '\\Teams\\Ops\\Keys' --parents"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder's path (\\Parent\\Name).") var path: String
    @Flag(name: .long, help: "Create the missing parent folders too, and succeed when the folder exists.") var parents = false

    func run() async throws {
        let (parentPath, name) = try FolderCommand.split(path)
        let made = try await connection.withClient { client -> FolderModel in
            if parents { return try await client.createFolders(path: path) }
            if (try? await client.folder(path: path)) != nil {
                throw CLIError("the folder \(path) exists already", hint: "pass --parents to accept a folder that exists")
            }
            var parentId = -1
            if let parentPath { parentId = try await FolderCommand.resolve(parentPath, client: client).id }
            return try await client.createFolder(FolderCreateArgs(folderName: name, parentFolderId: parentId))
        }
        Output.write("folder \(made.id): \(made.folderPath)")
    }
}

/// `sesame folder move PATH --to PARENT`
struct FolderMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a folder (with what it holds) under another folder, or to the root with --to '\\'.",
        discussion: "Example:\n  sesame folder move '\\Staging\\Databases' --to '\\Prod'"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder (id or path).") var folder: String
    @Option(name: .long, help: "The new parent folder (id or path; \\ for the root).") var to: String

    func run() async throws {
        let moved = try await connection.withClient(changing: true) { client -> FolderModel in
            let source = try await FolderCommand.resolve(folder, client: client)
            let root = to.trimmingCharacters(in: CharacterSet(charactersIn: "\\/")).isEmpty
            let parentId = root ? -1 : try await FolderCommand.resolve(to, client: client).id
            if parentId == source.id { throw CLIError("a folder cannot be moved into itself") }
            var changes = FolderUpdateArgs(source)
            changes.parentFolderId = parentId
            return try await client.updateFolder(changes)
        }
        Output.write("moved folder \(moved.id) to \(moved.folderPath)")
    }
}

/// `sesame folder delete PATH`
struct FolderDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an empty folder.",
        discussion: "Example:\n  sesame folder delete '\\Prod\\Old'"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder (id or path).") var folder: String

    func run() async throws {
        try await connection.withClient(changing: true) { client in
            let target = try await FolderCommand.resolve(folder, client: client)
            try await client.deleteFolder(id: target.id)
            Output.write("deleted folder \(target.id): \(target.folderPath)")
        }
    }
}
