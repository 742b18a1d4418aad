import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

extension SecretAccessRole: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.prefix(1).uppercased() + argument.dropFirst().lowercased()) }
}

/// `sesame permission ...`
struct PermissionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permission", abstract: "List, grant and revoke access to secrets and folders.",
        subcommands: [PermissionListCommand.self, PermissionGrantCommand.self, PermissionRevokeCommand.self]
    )
}

/// `--secret ID` or `--folder FOLDER`: what a `sesame permission` command is about (exactly one of them).
struct PermissionTargetOptions: ParsableArguments {
    @Option(name: .long, help: "A secret id.") var secret: Int?
    @Option(name: .long, help: "A folder, by id or path.") var folder: String?

    func validate() throws {
        guard (secret == nil) != (folder == nil) else { throw ValidationError("name exactly one of --secret and --folder") }
    }
}

/// `sesame permission list`
struct PermissionListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List who has access.", discussion: "Example:\n  sesame permission list --secret 12")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var target: PermissionTargetOptions
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            if let secret = target.secret {
                let permissions = try await client.secretPermissions(secretId: secret)
                try Output.render(permissions, format: output.format) {
                    Output.table(["ID", "WHO", "ROLE"], permissions.map { [String($0.id), $0.knownAs ?? "", $0.secretAccessRoleName] })
                }
            } else if let folder = target.folder {
                let permissions = try await client.folderPermissions(folderId: try await FolderCommand.resolve(folder, client: client).id)
                try Output.render(permissions, format: output.format) {
                    Output.table(
                        ["ID", "WHO", "FOLDER ROLE", "SECRET ROLE"],
                        permissions.map {
                            [String($0.id), $0.knownAs ?? "", $0.folderAccessRoleName, $0.secretAccessRoleName]
                        })
                }
            }
        }
    }
}

/// `sesame permission grant`
struct PermissionGrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Give a user or group a role.",
        discussion:
            "Examples:\n  sesame permission grant --secret 12 --user alice --role view\n  sesame permission grant --folder '\\\\Prod' --group operators --role edit"
    )
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var target: PermissionTargetOptions
    @Option(name: .long, help: "A user name.") var user: String?
    @Option(name: .long, help: "A group name.") var group: String?
    @Option(name: .long, help: "list, view, edit or owner (on a folder: also on its secrets).") var role: SecretAccessRole

    func run() async throws {
        guard (user == nil) != (group == nil) else { throw CLIError("name exactly one of --user and --group") }
        try await connection.withClient { client in
            let grantee: Grantee =
                if let user { .user(try await UserCommand.resolve(user, client: client)) } else {
                    .group(try await GroupCommand.resolve(group ?? "", client: client))
                }
            if let secret = target.secret {
                let permission = try await client.grant(role, onSecret: secret, to: grantee)
                Output.write("granted \(permission.secretAccessRoleName) on secret \(secret) to \(permission.knownAs ?? "")")
            } else if let folder = target.folder {
                let folderRole: FolderAccessRole =
                    switch role {
                    case .list, .view: .view
                    case .edit: .edit
                    case .owner: .owner
                    }
                let folderId = try await FolderCommand.resolve(folder, client: client).id
                let permission = try await client.grant(folderRole, onFolder: folderId, secrets: role, to: grantee)
                Output.write("granted \(permission.folderAccessRoleName) on folder \(folderId) to \(permission.knownAs ?? "")")
            }
        }
    }
}

/// `sesame permission revoke`
struct PermissionRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Remove a permission by its id.", discussion: "Example:\n  sesame permission revoke --secret 12 7")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var target: PermissionTargetOptions
    @Argument(help: "The permission's id (from permission list).") var id: Int
    func run() async throws {
        try await connection.withClient(changing: true) { client in
            if target.secret != nil { try await client.deleteSecretPermission(id: id) } else { try await client.deleteFolderPermission(id: id) }
            Output.write("revoked permission \(id)")
        }
    }
}
