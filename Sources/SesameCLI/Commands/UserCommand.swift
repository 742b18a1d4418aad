import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame user ...`
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "List and manage users.",
        subcommands: [
            UserListCommand.self, UserCreateCommand.self, UserSetPasswordCommand.self, UserEnableCommand.self, UserDisableCommand.self, UserDeleteCommand.self,
        ]
    )

    /// A new password: standard input with `standardInput`, else a hidden prompt, twice, on a terminal.
    static func newPassword(for user: String, standardInput: Bool) throws -> String {
        let password: String
        if standardInput {
            password = try Terminal.readAllStandardInput(limit: Terminal.valueLimit)
        } else if Terminal.isInteractive {
            let first = Terminal.readHidden(prompt: "Password for \(user): ") ?? ""
            guard Terminal.readHidden(prompt: "Again: ") == first else { throw CLIError("the passwords do not match") }
            password = first
        } else {
            throw CLIError("no password for \(user)", hint: "pipe it with --password-stdin, or run on a terminal")
        }
        guard !password.isEmpty else { throw CLIError("the password is empty") }
        return password
    }

    static func setEnabled(_ user: String, _ enabled: Bool, connection: ConnectionOptions) async throws {
        try await connection.withClient { client in
            let id = try await resolve(user, client: client)
            try await client.setUserEnabled(id: id, enabled)
            Output.write("\(enabled ? "enabled" : "disabled") user \(id)")
        }
    }

    static func resolve(_ key: String, client: SecretServerClient) async throws -> Int {
        if let id = Int(key) { return id }
        guard let user = try await client.user(named: key) else { throw CLIError("no user named '\(key)'", exitCode: .notFound) }
        return user.id
    }
}

/// `sesame user list`
struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.", discussion: "Example:\n  sesame user list ali --inactive")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Text the user name or display name contains.") var text: String?
    @Flag(name: .long, help: "Include disabled users.") var inactive = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await connection.withClient { client in
            let users = try await client.searchUsers(text: text, includeInactive: inactive).collect()
            try Output.render(users, format: output.format) {
                Output.table(["ID", "USER", "DISPLAY NAME", "ENABLED"], users.map { [String($0.id), $0.userName, $0.displayName, String($0.enabled)] })
            }
        }
    }
}

/// `sesame user create`
struct UserCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a user; the password comes from standard input or a hidden prompt, never the command line.",
        discussion: "Example:\n  printf '%s' \"$PW\" | sesame user create alice --display-name 'Alice A.' --password-stdin"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The user name.") var userName: String
    @Option(name: .long, help: "The display name.") var displayName: String?
    @Flag(name: .long, help: "Read the password from standard input.") var passwordStdin = false
    @Flag(name: .long, help: "An application account (for SDK clients and services).") var application = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let password = try UserCommand.newPassword(for: userName, standardInput: passwordStdin)
        try await connection.withClient { client in
            let user = try await client.createUser(
                NewUser(
                    userName: userName, displayName: displayName, password: password,
                    isApplicationAccount: application))
            try Output.render(user, format: output.format) { Output.write("created user \(user.id): \(user.userName)") }
        }
    }
}

/// `sesame user set-password`
struct UserSetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password",
        abstract: "Set a user's password (yours, or anyone's as an administrator); their other sessions end.",
        discussion:
            "Examples:\n  sesame user set-password alice          # asked twice, hidden\n  printf '%s' \"$PW\" | sesame user set-password svc_app --password-stdin"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The user's id or name.") var user: String
    @Flag(name: .long, help: "Read the password from standard input.") var passwordStdin = false
    func run() async throws {
        let password = try UserCommand.newPassword(for: user, standardInput: passwordStdin)
        try await connection.withClient { client in
            let id = try await UserCommand.resolve(user, client: client)
            _ = try await client.updateUser(UserChanges(id: id, password: password))
            Output.write("set the password of user \(id)")
        }
    }
}

/// `sesame user enable`
struct UserEnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a user.", discussion: "Example:\n  sesame user enable alice")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The user's id or name.") var user: String
    func run() async throws { try await UserCommand.setEnabled(user, true, connection: connection) }
}

/// `sesame user disable`
struct UserDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable a user; their sessions end.", discussion: "Example:\n  sesame user disable alice")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The user's id or name.") var user: String
    func run() async throws { try await UserCommand.setEnabled(user, false, connection: connection) }
}

/// `sesame user delete`
struct UserDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a user.", discussion: "Example:\n  sesame user delete alice")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The user's id or name.") var user: String
    func run() async throws {
        try await connection.withClient { client in
            let id = try await UserCommand.resolve(user, client: client)
            try await client.deleteUser(id: id)
            Output.write("deleted user \(id)")
        }
    }
}
