import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame secret create --template T --folder F --name N --field slug=value ...`
struct SecretCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a secret from a template.",
        discussion: """
            Field values: --field slug=value for plain fields. Password, key and token fields never come from
            the command line (other users can read it): use --generate slug, slug=@FILE, or slug=- to read it
            from standard input.

            Examples:
              sesame secret create --template Password --folder '\\Prod' --name 'db01 root' \\
                  --field username=root --field resource=db01 --generate password
              printf '%s' "$PW" | sesame secret create --template 2 --folder 5 --name app --field username=app --field password=-
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "The template, by id or name.")
    var template: String

    @Option(name: .long, help: "The folder, by id or path (root when left out).")
    var folder: String?

    @Option(name: .long, help: "The secret's name.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("A field value: slug=value, slug=@file or slug=- (stdin).", valueName: "slug=value"))
    var field: [String] = []

    @Option(name: .long, help: ArgumentHelp("Generate this password field's value on the server.", valueName: "slug"))
    var generate: [String] = []

    @Option(name: [.short, .long], help: "table, json or yaml.")
    var output: OutputFormat = .table

    func run() async throws {
        let assignments = try field.map(Self.parseAssignment)
        if assignments.filter({ $0.source == .standardInput }).count > 1 {
            throw CLIError("only one field can be read from standard input (slug=-)")
        }
        try await connection.withClient { client in
            let templateModel = try await Self.resolveTemplate(template, client: client)
            var folderId = -1
            if let folder { folderId = try await FolderCommand.resolve(folder, client: client).id }
            var secret = try await client.secretStub(templateId: templateModel.id, folderId: folderId > 0 ? folderId : nil)
            secret.name = name
            secret.folderId = folderId
            secret.siteId = 1
            for assignment in assignments {
                guard let item = secret.item(assignment.slug) else {
                    throw CLIError("template '\(templateModel.name)' has no field '\(assignment.slug)'",
                                   hint: "its fields are: \(secret.items.map(\.slug).joined(separator: ", "))", exitCode: .notFound)
                }
                if case .literal = assignment.source, Mask.isSensitive(item) {
                    throw CLIError("the value of '\(item.slug)' must not be passed on the command line",
                                   hint: "use --generate \(item.slug), --field \(item.slug)=@FILE or --field \(item.slug)=- (stdin)")
                }
                secret.setValue(try assignment.value(), forItem: item.slug)
            }
            for slug in generate {
                guard let field = templateModel.field(slug), field.isPassword else {
                    throw CLIError("'\(slug)' is not a password field of template '\(templateModel.name)'", exitCode: .notFound)
                }
                secret.setValue(try await client.generatePassword(fieldId: field.secretTemplateFieldId), forItem: field.fieldSlugName)
            }
            let created = try await client.createSecret(secret)
            try Output.render(Mask.masked(created), format: output) {
                Output.write("created secret \(created.id): \(created.name)")
                Output.table(["FIELD", "SLUG", "VALUE"], created.items.map { [$0.fieldName, $0.slug, Mask.display($0, reveal: false)] })
            }
        }
    }

    /// Where a field value comes from.
    enum Source: Equatable {
        case literal(String)
        case file(String)
        case standardInput
    }

    struct Assignment {
        var slug: String
        var source: Source

        func value() throws -> String {
            switch source {
            case .literal(let text): return text
            case .standardInput: return Terminal.readAllStandardInput()
            case .file(let path):
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw CLIError("cannot read the file '\(path)' given for field '\(slug)'")
                }
                var text = String(decoding: data, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                return text
            }
        }
    }

    static func parseAssignment(_ text: String) throws -> Assignment {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw CLIError("--field takes slug=value; found '\(text.prefix(while: { $0 != "=" }))'",
                           hint: "e.g. --field username=root, --field password=@pw.txt, --field password=-")
        }
        let slug = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        if value == "-" { return Assignment(slug: slug, source: .standardInput) }
        if value.hasPrefix("@") { return Assignment(slug: slug, source: .file(String(value.dropFirst()))) }
        return Assignment(slug: slug, source: .literal(value))
    }

    static func resolveTemplate(_ key: String, client: SecretServerClient) async throws -> SecretTemplateModel {
        if let id = Int(key) { return try await client.template(id: id) }
        guard let template = try await client.template(named: key) else {
            let names = try await client.searchTemplates().collect().map(\.name).joined(separator: ", ")
            throw CLIError("no template named '\(key)'", hint: "templates: \(names)", exitCode: .notFound)
        }
        return template
    }
}
