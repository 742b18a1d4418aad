import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame template ...`
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template", abstract: "List templates, show their fields, generate passwords.",
        subcommands: [List.self, Show.self, GeneratePassword.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List templates.", discussion: "Example:\n  sesame template list account")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Text the name contains.") var text: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await connection.withClient { client in
                let templates = try await client.searchTemplates(text: text).collect()
                try Output.render(templates, format: output.format) { Output.table(["ID", "NAME"], templates.map { [String($0.id), $0.name] }) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a template's fields.", discussion: "Example:\n  sesame template show 'Unix Account (SSH)'")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The template's id or name.") var template: String
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await connection.withClient { client in
                let model = try await SecretCreateCommand.resolveTemplate(template, client: client)
                try Output.render(model, format: output.format) {
                    Output.write("\(model.name) (id \(model.id))")
                    Output.table(["FIELD ID", "SLUG", "NAME", "KIND"], model.fields.map { field in
                        let kind = field.isPassword ? "password" : field.isFile ? "file" : field.isNotes ? "notes" : field.isUrl ? "url" : "text"
                        return [String(field.secretTemplateFieldId), field.fieldSlugName, field.name, kind + (field.isRequired ? ", required" : "")]
                    })
                }
            }
        }
    }

    struct GeneratePassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-password", abstract: "Print a password that meets a template field's requirement.",
            discussion: "Example:\n  sesame template generate-password 'Unix Account (SSH)' private-key-passphrase"
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The template's id or name.") var template: String
        @Argument(help: "The field's slug or name.") var field: String = "password"
        func run() async throws {
            try await connection.withClient { client in
                let model = try await SecretCreateCommand.resolveTemplate(template, client: client)
                guard let found = model.field(field), found.isPassword else {
                    throw CLIError("'\(field)' is not a password field of '\(model.name)'", exitCode: .notFound)
                }
                let password = try await client.generatePassword(fieldId: found.secretTemplateFieldId)
                FileHandle.standardOutput.write(Data((password + (Terminal.stdoutIsTerminal ? "\n" : "")).utf8))
            }
        }
    }
}

extension MetadataItemKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.prefix(1).uppercased() + argument.dropFirst().lowercased()) }
}

/// `sesame metadata ...`
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata", abstract: "Read and set metadata on secrets, folders, users and groups.",
        subcommands: [List.self, Set.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List an item's metadata.", discussion: "Example:\n  sesame metadata list secret 12")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "secret, folder, user or group.") var kind: MetadataItemKind
        @Argument(help: "The item's id.") var id: Int
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await connection.withClient { client in
                let values = try await client.metadata(of: kind, id: id)
                try Output.render(values, format: output.format) {
                    Output.table(["ID", "SECTION", "FIELD", "VALUE"], values.map { value in
                        let text = value.valueString ?? value.valueInt.map(String.init) ?? value.valueNumber.map { String($0) }
                            ?? value.valueBit.map(String.init) ?? value.valueDateTime ?? ""
                        return [String(value.metadataItemDataId), value.metadataFieldSectionName ?? "", value.metadataFieldName ?? "", text]
                    })
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set a text value (creating the section and field when new).",
            discussion: "Example:\n  sesame metadata set secret 12 --section Ownership --field Team db-team"
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "secret, folder, user or group.") var kind: MetadataItemKind
        @Argument(help: "The item's id.") var id: Int
        @Option(name: .long, help: "The section.") var section: String
        @Option(name: .long, help: "The field.") var field: String
        @Argument(help: "The value.") var value: String
        func run() async throws {
            try await connection.withClient { client in
                let saved = try await client.setMetadata(on: kind, id: id, section: section, field: field, value: .string(value))
                Output.write("\(saved.metadataFieldSectionName ?? section) / \(saved.metadataFieldName ?? field) = \(saved.valueString ?? "")")
            }
        }
    }
}

/// `sesame script list|show|pull|push|watch`.
struct ScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script", abstract: "List, read, pull, push and watch user scripts (PowerShell, SQL, SSH).",
        subcommands: [List.self, Show.self, ScriptPullCommand.self, ScriptPushCommand.self, ScriptWatchCommand.self]
    )

    struct List: AsyncParsableCommand {
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

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a script's text.", discussion: "Example:\n  sesame script show 3")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The script id.") var id: Int
        func run() async throws {
            try await connection.withClient { client in
                FileHandle.standardOutput.write(Data(try await client.script(id: id).script.utf8))
            }
        }
    }
}

/// `sesame role list`, `sesame team list`, `sesame policy list`.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "List roles.", subcommands: [List.self])
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List roles.", discussion: "Example:\n  sesame role list --inactive")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Include disabled roles.") var inactive = false
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await connection.withClient { client in
                let roles = try await client.roles(includeInactive: inactive)
                try Output.render(roles, format: output.format) { Output.table(["ID", "NAME", "ENABLED"], roles.map { [String($0.id), $0.name, String($0.enabled)] }) }
            }
        }
    }
}

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "team", abstract: "List teams.", subcommands: [List.self])
    struct List: AsyncParsableCommand {
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
}

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "List secret policies.", subcommands: [List.self])
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List secret policies.", discussion: "Example:\n  sesame policy list")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await connection.withClient { client in
                let policies = try await client.secretPolicies()
                try Output.render(policies, format: output.format) {
                    Output.table(["ID", "NAME", "ACTIVE"], policies.map { [String($0.secretPolicyId), $0.secretPolicyName, String($0.active)] })
                }
            }
        }
    }
}
