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

/// `sesame checkout ID` and `sesame checkin ID`.
struct CheckoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout", abstract: "Check a secret out to yourself.", discussion: "Example:\n  sesame checkout 12 --minutes 30"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Option(name: .long, help: "Extend an existing check-out by this many minutes.") var minutes: Int?
    func run() async throws {
        try await connection.withClient(changing: true) { client in
            if let minutes {
                let until = try await client.extendCheckOut(secretId: secret, minutes: minutes)
                Output.write("check-out of secret \(secret) extended\(until.map { " until \(WireDate.string(from: $0)) UTC" } ?? "")")
            } else {
                try await client.checkOut(secretId: secret)
                let state = try await client.secretState(id: secret)
                Output.write("checked out secret \(secret) for \(state.checkOutMinutesRemaining) minutes")
            }
        }
    }
}

struct CheckinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Check a secret in.", discussion: "Example:\n  sesame checkin 12\n  sesame checkin 12 --force"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Flag(name: .long, help: "End someone else's check-out (as Owner).") var force = false
    func run() async throws {
        try await connection.withClient(changing: true) { client in
            try await client.checkIn(secretId: secret, access: SecretRestrictedArgs(forceCheckIn: force ? true : nil))
            Output.write("checked in secret \(secret)")
        }
    }
}

/// `sesame access ...`: requests for secrets that require approval.
struct AccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "Request, approve and deny access to secrets that require approval.",
        subcommands: [AccessRequestCommand.self, AccessListCommand.self, AccessApproveCommand.self, AccessDenyCommand.self]
    )
}

/// `sesame access request`
struct AccessRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Ask for access.", discussion: "Example:\n  sesame access request 12 --comment 'INC-7 outage'")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret id.") var secret: Int
    @Option(name: .long, help: "Why you need it.") var comment: String
    @Option(name: .long, help: "A ticket number.") var ticket: String?
    func run() async throws {
        try await connection.withClient { client in
            let request = try await client.requestAccess(secretId: secret, comment: comment, ticketNumber: ticket)
            Output.write("requested access to secret \(secret): request \(request.secretAccessRequestId) is \(request.status)")
        }
    }
}

/// `sesame access list`
struct AccessListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Requests to review (or your own with --mine).", discussion: "Example:\n  sesame access list --status Pending")
    @OptionGroup var connection: ConnectionOptions
    @Flag(name: .long, help: "Your own requests.") var mine = false
    @Option(name: .long, help: "Pending, Approved, Denied, Canceled.") var status: String?
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let requests = try await client.accessRequests(mine: mine, status: status)
            try Output.render(requests, format: output.format) {
                Output.table(
                    ["ID", "SECRET", "BY", "STATUS", "COMMENT"],
                    requests.map {
                        [
                            String($0.secretAccessRequestId), $0.secretName ?? String($0.secretId), $0.requestUsername ?? "", $0.status,
                            $0.requestComment ?? "",
                        ]
                    })
            }
        }
    }
}

/// `sesame access approve`
struct AccessApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a request.", discussion: "Example:\n  sesame access approve 3 --comment ok")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The request id.") var request: Int
    @Option(name: .long, help: "A reply.") var comment: String?
    func run() async throws {
        try await connection.withClient { client in
            let decided = try await client.decideAccessRequest(id: request, .approve, comment: comment)
            Output.write("request \(request) \(decided.status.lowercased()) until \(decided.expirationDate ?? "") UTC")
        }
    }
}

/// `sesame access deny`
struct AccessDenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny", abstract: "Deny a request.", discussion: "Example:\n  sesame access deny 3 --comment 'not now'")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The request id.") var request: Int
    @Option(name: .long, help: "A reply.") var comment: String?
    func run() async throws {
        try await connection.withClient { client in
            try await client.decideAccessRequest(id: request, .deny, comment: comment)
            Output.write("request \(request) denied")
        }
    }
}
