import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels
import Sesame

/// `sesame secret update SECRET --set SLUG=VALUE ... [--generate SLUG] [--name NEW] [--folder PATH]`
struct SecretUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a secret's fields, name or folder in one save.",
        discussion: HelpText.flowing(
            """
            Values: --set slug=value for plain fields; slug=- reads standard input, slug=@FILE a file (for a file field,
            the file is uploaded as it is). Password, key and token fields never come from the command line: use
            slug=-, slug=@FILE, or --generate slug (a value the server makes to the field's password requirement).

            Everything is checked before anything is written (every field exists, every file can be read, every value
            is generated); text fields, name and folder go in one save; files are uploaded after it, and if an upload
            fails the save is undone.

            Examples:
              sesame secret update 12 --set username=svc_app --set notes='rotated by ops'
              printf '%s' "$NEW" | sesame secret update '\\Prod\\db01 root' --set password=-
              sesame secret update 12 --generate password --comment 'INC-42 rotation'
              sesame secret update 7 --set private-key=@id_ed25519 --name 'web01 deploy'
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The secret's id, or its path (\\Folder\\Sub\\Name).")
    var secret: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A field's new value: slug=value, slug=@FILE or slug=- (stdin).", valueName: "slug=value"))
    var assignments: [String] = []

    @Option(name: .long, help: ArgumentHelp("Give this password field a new value made by the server.", valueName: "slug"))
    var generate: [String] = []

    @Option(name: .long, help: "The secret's new name.")
    var name: String?

    @Option(name: .long, help: "Move the secret to this folder (id or path).")
    var folder: String?

    func run() async throws {
        let parsed = try assignments.map(SecretCreateCommand.parseAssignment)
        if parsed.filter({ $0.source == .standardInput }).count > 1 {
            throw CLIError("only one field can be read from standard input (slug=-)")
        }
        guard !parsed.isEmpty || !generate.isEmpty || name != nil || folder != nil else {
            throw CLIError("nothing to change", hint: "pass --set slug=value, --generate slug, --name or --folder")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw CLIError("--name must not be empty") }
        let updated = try await connection.withClient(changing: true) { client in
            try await restricted.perform(secret, client: client) { arguments in
                try await update(client: client, arguments: arguments ?? restricted.access().arguments(), parsed: parsed)
            }
        }
        try Output.render(Mask.masked(updated), format: output.format) {
            Output.write("updated secret \(updated.id): \(updated.name)")
            Output.table(["FIELD", "SLUG", "VALUE"], updated.items.map { [$0.fieldName, $0.slug, Mask.display($0, reveal: false)] })
        }
    }

    private func update(
        client: SecretServerClient, arguments: SecretRestrictedArgs, parsed: [SecretCreateCommand.Assignment]
    ) async throws -> SecretModel {
        let original = try await RestrictedOptions.read(secret, client: client, arguments: arguments)
        var model = original
        var files: [(slug: String, data: Data, name: String)] = []
        // Everything is read and checked before the first write.
        for assignment in parsed {
            guard let item = model.item(assignment.slug) else {
                throw CLIError(
                    "secret \(model.id) has no field '\(assignment.slug)'",
                    hint: "its fields are: \(model.items.map(\.slug).joined(separator: ", "))", exitCode: .notFound)
            }
            if item.isFile {
                guard case .file(let path) = assignment.source else {
                    throw CLIError("'\(item.slug)' is a file field", hint: "give a file: --set \(item.slug)=@FILE")
                }
                let data = try Terminal.readFile(path, limit: Terminal.fileLimit)
                files.append((item.slug, data, (path as NSString).lastPathComponent))
                continue
            }
            if case .literal = assignment.source, Mask.isSensitive(item) {
                throw CLIError(
                    "the value of '\(item.slug)' must not be passed on the command line",
                    hint: "use --set \(item.slug)=- (stdin), --set \(item.slug)=@FILE or --generate \(item.slug)")
            }
            model.setValue(try assignment.value(), forItem: item.slug)
        }
        if !generate.isEmpty {
            let template = try await client.template(id: model.secretTemplateId)
            for slug in generate {
                guard let field = template.field(slug), field.isPassword else {
                    throw CLIError("'\(slug)' is not a password field of template '\(template.name)'", exitCode: .notFound)
                }
                model.setValue(try await client.generatePassword(fieldId: field.secretTemplateFieldId), forItem: field.fieldSlugName)
            }
        }
        if let name { model.name = name }
        if let folder { model.folderId = try await FolderCommand.resolve(folder, client: client).id }
        let textChanged = parsed.contains { model.item($0.slug)?.isFile == false } || !generate.isEmpty || name != nil || folder != nil
        // The files there now, to put back if a later step fails (an empty field has none to put back).
        var previous: [String: (data: Data, name: String)] = [:]
        for file in files where original.item(file.slug)?.filename?.isEmpty == false {
            if case .file(let data, let name) = try await client.fieldContent(secretId: model.id, slug: file.slug, access: arguments) {
                previous[file.slug] = (data, name ?? file.name)
            }
        }
        var saved = model
        if textChanged { saved = try await client.updateSecret(model, access: arguments) }
        var uploaded: [String] = []
        for file in files {
            do {
                try await client.setFieldFile(secretId: model.id, slug: file.slug, data: file.data, fileName: file.name, access: arguments)
                uploaded.append(file.slug)
            } catch {
                // One save or none: put back the text fields and the files already replaced, and say what could not be.
                var left: [String] = []
                if textChanged, (try? await client.updateSecret(original, access: arguments)) == nil { left.append("the text fields and name") }
                for slug in uploaded {
                    guard let old = previous[slug] else {
                        left.append("\(slug) (it was empty; it now holds the new file)")
                        continue
                    }
                    if (try? await client.setFieldFile(secretId: model.id, slug: slug, data: old.data, fileName: old.name, access: arguments)) == nil {
                        left.append(slug)
                    }
                }
                guard left.isEmpty else {
                    let reason = (CLIError.mapping(error) ?? CLIError("\(error)")).message
                    throw CLIError(
                        "the upload of \(file.slug) failed (\(reason)), and these could not be put back: \(left.joined(separator: ", "))",
                        hint: "check secret \(model.id) with sesame secret get \(model.id)", exitCode: .server
                    )
                }
                throw error
            }
        }
        return files.isEmpty ? saved : try await client.secret(id: model.id, access: arguments)
    }
}
