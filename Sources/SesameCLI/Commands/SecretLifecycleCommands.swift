import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels
import Sesame

/// The id of a secret given by id or by path.
enum SecretKey {
    static func id(_ key: String, client: SecretServerClient) async throws -> Int {
        if let id = Int(key) { return id }
        do {
            return try await client.secretSummary(path: key).id
        } catch let error as SecretServerError where error.code == .accessDenied {
            throw CLIError("no secret at '\(key)' (or no access to it)", hint: "find it with: sesame secret search", exitCode: .notFound)
        }
    }
}

/// `sesame secret delete SECRET`: deactivates it (the real server's delete).
struct SecretDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Deactivate a secret (Secret Server keeps it; sesame secret restore brings it back).",
        discussion: "Examples:\n  sesame secret delete 12\n  sesame secret delete '\\Prod\\old db'"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret's id, or its path.") var secret: String

    func run() async throws {
        try await connection.withClient(changing: true) { client in
            let id = try await SecretKey.id(secret, client: client)
            try await client.deleteSecret(id: id)
            Output.write("deactivated secret \(id)")
        }
    }
}

/// `sesame secret restore SECRET`
struct SecretRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Activate a deactivated secret again (Owner).",
        discussion: "Examples:\n  sesame secret restore 12\n  sesame secret restore '\\Prod\\old db'"
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The secret's id, or its path.") var secret: String

    func run() async throws {
        try await connection.withClient(changing: true) { client in
            let id = try await Self.inactiveId(secret, client: client)
            try await client.activateSecret(id: id)
            Output.write("restored secret \(id)")
        }
    }

    /// The id of a deactivated secret given by id or path (a path lookup does not see inactive secrets: search).
    static func inactiveId(_ key: String, client: SecretServerClient) async throws -> Int {
        if let id = Int(key) { return id }
        let parts = FolderPath.names(key)
        guard let name = parts.last else { throw CLIError("'\(key)' is neither an id nor a path") }
        // A secret in no folder (at the root) has folder id -1.
        let folderId = parts.count > 1 ? try await FolderCommand.resolve("\\" + parts.dropLast().joined(separator: "\\"), client: client).id : nil
        let search = SecretSearch(text: name, exactMatch: true, folderId: folderId, includeInactive: true)
        let found = try await client.searchSecrets(search).collect()
            .filter { !$0.active && $0.name.lowercased() == name.lowercased() && (folderId != nil || $0.folderId <= 0) }
        guard found.count == 1 else {
            throw CLIError(
                found.isEmpty ? "no deactivated secret at '\(key)'" : "\(found.count) deactivated secrets are named '\(name)' there",
                hint: "give its id instead", exitCode: .notFound)
        }
        return found[0].id
    }
}

/// `sesame secret move SECRET --folder PATH`
struct SecretMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a secret to another folder.",
        discussion: "Examples:\n  sesame secret move 12 --folder '\\Prod\\Databases'\n  sesame secret move '\\Staging\\db' --folder 7"
    )
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions
    @Argument(help: "The secret's id, or its path.") var secret: String
    @Option(name: .long, help: "The folder to move it to (id or path).") var folder: String

    func run() async throws {
        let moved = try await connection.withClient(changing: true) { client in
            let target = try await FolderCommand.resolve(folder, client: client)
            return try await restricted.perform(secret, client: client) { arguments in
                let arguments = arguments ?? restricted.access().arguments()
                var model = try await RestrictedOptions.read(secret, client: client, arguments: arguments)
                model.folderId = target.id
                let saved = try await client.updateSecret(model, access: arguments)
                return (saved, target.folderPath)
            }
        }
        Output.write("moved secret \(moved.0.id) (\(moved.0.name)) to \(moved.1)")
    }
}

/// `sesame secret rotate SECRET [--field SLUG] [--value -]`
struct SecretRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Change a secret's password: a new one meeting the field's requirement, or one from standard input.",
        discussion: HelpText.flowing(
            """
            Without --field, the template's password field changes through Secret Server's change-password (which also
            ends an expiration); another password field gets a value the server generates for it. The new value is
            never printed.

            Examples:
              sesame secret rotate 12
              sesame secret rotate 12 --comment 'INC-42 rotation'
              printf '%s' "$NEW" | sesame secret rotate '\\Prod\\db01 root' --value -
              sesame secret rotate 7 --field private-key-passphrase
            """)
    )
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions
    @Argument(help: "The secret's id, or its path.") var secret: String
    @Option(name: .long, help: "The password field to change (default: the template's password field).") var field: String?
    @Option(name: .long, help: ArgumentHelp("- to read the new value from standard input (never from the command line).", valueName: "-"))
    var value: String?

    func run() async throws {
        if let value, value != "-" {
            throw CLIError("the new value must not be passed on the command line", hint: "use --value - and give it on standard input")
        }
        let given = value == nil ? nil : try Terminal.readValue("the new value")
        let (id, slug) = try await connection.withClient(changing: true) { client in
            let id = try await SecretKey.id(secret, client: client)
            let model = try await client.secretSummary(id: id)
            let template = try await client.template(id: model.secretTemplateId)
            let main = template.fields.first { $0.isPassword }
            let chosen = field.map { template.field($0) } ?? main
            guard let chosen, chosen.isPassword else {
                throw CLIError(
                    field.map { "'\($0)' is not a password field of template '\(template.name)'" }
                        ?? "template '\(template.name)' has no password field", exitCode: .notFound)
            }
            try await restricted.perform(String(id), client: client) { arguments in
                let arguments = arguments ?? restricted.access().arguments()
                if chosen.secretTemplateFieldId == main?.secretTemplateFieldId {
                    _ = try await client.changePassword(id: id, newPassword: given, access: arguments)
                } else {
                    var new = given
                    if new == nil { new = try await client.generatePassword(fieldId: chosen.secretTemplateFieldId) }
                    try await client.setFieldValue(secretId: id, slug: chosen.fieldSlugName, value: new ?? "", access: arguments)
                }
            }
            return (id, chosen.fieldSlugName)
        }
        Output.write("rotated \(slug) of secret \(id)")
    }
}

/// `sesame secret heartbeat SECRET`
struct SecretHeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat", abstract: "Ask Secret Server to check that a secret's credentials still work.",
        discussion: "Example:\n  sesame secret heartbeat 12"
    )
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The secret's id, or its path.") var secret: String

    func run() async throws {
        try await connection.withClient { client in
            let summary = try await client.heartbeat(id: try await SecretKey.id(secret, client: client))
            try Output.render(summary, format: output.format) {
                Output.write("secret \(summary.id) (\(summary.name)): heartbeat \(summary.lastHeartBeatStatus ?? "pending")")
            }
        }
    }
}
