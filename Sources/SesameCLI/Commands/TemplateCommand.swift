import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame template ...`
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template", abstract: "List templates, show their fields, generate passwords.",
        subcommands: [TemplateListCommand.self, TemplateGetCommand.self, TemplateGeneratePasswordCommand.self]
    )
}

/// `sesame template list`
struct TemplateListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List templates.", discussion: "Example:\n  sesame template list account")
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

/// `sesame template get`
struct TemplateGetCommand: AsyncParsableCommand {
    // `get`, as for secrets (`show`, its first name, still works).
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show a template's fields.", discussion: "Example:\n  sesame template get 'Unix Account (SSH)'", aliases: ["show"]
    )
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The template's id or name.") var template: String
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let model = try await SecretCreateCommand.resolveTemplate(template, client: client)
            try Output.render(model, format: output.format) {
                Output.write("\(model.name) (id \(model.id))")
                Output.table(
                    ["FIELD ID", "SLUG", "NAME", "KIND"],
                    model.fields.map { field in
                        let kind = field.isPassword ? "password" : field.isFile ? "file" : field.isNotes ? "notes" : field.isUrl ? "url" : "text"
                        return [String(field.secretTemplateFieldId), field.fieldSlugName, field.name, kind + (field.isRequired ? ", required" : "")]
                    })
            }
        }
    }
}

/// `sesame template generate-password`
struct TemplateGeneratePasswordCommand: AsyncParsableCommand {
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
