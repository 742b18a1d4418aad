import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame group ...`
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "List and manage groups and their members.",
        subcommands: [
            GroupListCommand.self, GroupCreateCommand.self, GroupMembersCommand.self, GroupAddCommand.self, GroupRemoveCommand.self, GroupDeleteCommand.self,
        ]
    )

    static func changeMembers(_ group: String, _ users: [String], add: Bool, connection: ConnectionOptions) async throws {
        try await connection.withClient { client in
            var membership = client.members(ofGroup: try await resolve(group, client: client))
            for user in users { membership = add ? try await membership.add(user) : try await membership.remove(user) }
            Output.write("\(add ? "added" : "removed") \(users.joined(separator: ", ")) \(add ? "to" : "from") group \(membership.groupId)")
        }
    }

    static func resolve(_ key: String, client: SecretServerClient) async throws -> Int {
        if let id = Int(key) { return id }
        guard
            let group = try await client.searchGroups(text: key, includeInactive: true).collect()
                .first(where: { $0.name.lowercased() == key.lowercased() })
        else { throw CLIError("no group named '\(key)'", exitCode: .notFound) }
        return group.id
    }
}

/// `sesame group list`
struct GroupListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List groups.", discussion: "Example:\n  sesame group list")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Text the group name contains.") var text: String?
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let groups = try await client.searchGroups(text: text).collect()
            try Output.render(groups, format: output.format) {
                Output.table(["ID", "NAME", "MEMBERS"], groups.map { [String($0.id), $0.name, String($0.memberCount)] })
            }
        }
    }
}

/// `sesame group create`
struct GroupCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a group.", discussion: "Example:\n  sesame group create operators")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The group name.") var name: String
    func run() async throws {
        try await connection.withClient { client in
            let group = try await client.createGroup(name: name)
            Output.write("created group \(group.id): \(group.name)")
        }
    }
}

/// `sesame group members`
struct GroupMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members", abstract: "List a group's members.", discussion: "Example:\n  sesame group members operators")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The group's id or name.") var group: String
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let members = try await client.groupMembers(groupId: try await GroupCommand.resolve(group, client: client)).collect()
            try Output.render(members, format: output.format) {
                Output.table(["ID", "USER", "DISPLAY NAME"], members.map { [String($0.userId), $0.userName, $0.displayName] })
            }
        }
    }
}

/// `sesame group add`
struct GroupAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add users to a group.", discussion: "Example:\n  sesame group add operators alice bob")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The group's id or name.") var group: String
    @Argument(help: "User names.") var users: [String]
    func run() async throws { try await GroupCommand.changeMembers(group, users, add: true, connection: connection) }
}

/// `sesame group remove`
struct GroupRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove users from a group.", discussion: "Example:\n  sesame group remove operators bob")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The group's id or name.") var group: String
    @Argument(help: "User names.") var users: [String]
    func run() async throws { try await GroupCommand.changeMembers(group, users, add: false, connection: connection) }
}

/// `sesame group delete`
struct GroupDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a group.", discussion: "Example:\n  sesame group delete operators")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The group's id or name.") var group: String
    func run() async throws {
        try await connection.withClient { client in
            let id = try await GroupCommand.resolve(group, client: client)
            try await client.deleteGroup(id: id)
            Output.write("deleted group \(id)")
        }
    }
}
