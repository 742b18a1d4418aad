import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels
import Sesame

/// `sesame secret ...`
struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Read, find, create, change, move, rotate and deactivate secrets.",
        subcommands: [
            SecretGetCommand.self, SecretSearchCommand.self, SecretCreateCommand.self, SecretUpdateCommand.self, SecretUploadCommand.self,
            SecretRotateCommand.self, SecretMoveCommand.self, SecretDeleteCommand.self, SecretRestoreCommand.self,
            SecretHeartbeatCommand.self, SecretAuditsCommand.self,
        ]
    )
}

/// `sesame secret get ID|PATH [--field SLUG]`
struct SecretGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        // Parsed on its own (`SesameCommand.parse`), the command is still `sesame secret get`; and the parser skips
        // its check for a completion-script request (a second parse, ~12% of a cached read).
        _superCommandName: "sesame secret",
        abstract: "Show a secret, or print one field's value.",
        discussion: HelpText.flowing(
            """
            Examples:
              sesame secret get 12
              sesame secret get '\\Prod\\Databases\\db01 root' --output json
              sesame secret get 12 --field password        # prints the value alone
              sesame secret get 12 --field password --cache   # from the encrypted disk cache while fresh
              sesame secret get 12 --comment 'INC-42' --ticket-number 42 --check-out   # a restricted secret
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The secret's id, or its path (\\Folder\\Sub\\Name).")
    var secret: String

    @Option(name: .long, help: "Print only this field's value (slug or field name). A file field is written as bytes.")
    var field: String?

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Show password, key and token values instead of masking them.")
    var reveal = false

    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var restricted: RestrictedOptions

    func run() async throws {
        let environment = ProcessEnvironment.current()
        if let field, cacheOptions.enabled(environment) {
            return try await cachedField(field, environment: environment)
        }
        // SESAME_CACHE=1 leaves whole secrets alone; the flag without --field is a mistake worth saying.
        guard !cacheOptions.cache else {
            throw CLIError("--cache only applies with --field", hint: "sesame secret get \(secret) --field SLUG --cache")
        }
        try await connection.withClient(environment: environment) { client in
            // The secret and a file field's content are read under one check-out, with one DoubleLock password.
            let (model, file) = try await restricted.perform(secret, client: client, environment: environment) { arguments -> (SecretModel, Data?) in
                let model = try await RestrictedOptions.read(secret, client: client, arguments: arguments)
                guard let field, let item = model.item(field), item.isFile else { return (model, nil) }
                return (model, try await RestrictedOptions.file(secretId: model.id, slug: item.slug, client: client, arguments: arguments))
            }
            if let field {
                guard let item = model.item(field) else {
                    let known = model.items.map(\.slug).joined(separator: ", ")
                    throw CLIError(
                        "secret \(model.id) has no field '\(field)'", hint: "its fields are: \(known)",
                        exitCode: .notFound)
                }
                if item.isFile {
                    FileHandle.standardOutput.write(file ?? Data())
                } else {
                    // The secret's answer carries the value already: no second request.
                    Output.writeRaw(item.itemValue + (Terminal.stdoutIsTerminal ? "\n" : ""))
                }
                return
            }
            try Output.render(reveal ? model : Mask.masked(model), format: output.format) {
                Output.write("\(model.name)  (id \(model.id), template \(model.secretTemplateName), folder \(model.folderId))")
                Output.table(["FIELD", "SLUG", "VALUE"], model.items.map { [$0.fieldName, $0.slug, Mask.display($0, reveal: reveal)] })
            }
        }
    }
}

extension SecretGetCommand {
    /// The option groups `QuickParse` reads for this command.
    static let quickGroups: [any QuickParsable.Type] = [
        ConnectionOptions.self, OutputOptions.self, CacheOptions.self, RestrictedOptions.self,
    ]

    /// The command as ArgumentParser would have parsed it from the same words (see `QuickArguments`).
    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp) {
        var parsed = Self()
        parsed.connection = try ConnectionOptions(quick: arguments)
        parsed.secret = try arguments.onlyPositional()
        parsed.field = try arguments.option("field")
        parsed.output = try OutputOptions(quick: arguments)
        parsed.reveal = arguments.flag("reveal")
        parsed.cacheOptions = try CacheOptions(quick: arguments)
        parsed.restricted = try RestrictedOptions(quick: arguments)
        self = parsed
    }
}

extension SecretGetCommand {
    /// `--field F --cache`: the field read as the reference `tss://ID/F` (or `tss://Folder/.../Name/F`) through the
    /// disk cache, so a fresh entry is answered without the server (and without signing in).
    func cachedField(_ field: String, environment: [String: String]) async throws {
        let segments =
            Int(secret) != nil
            ? [secret]
            : FolderPath.names(secret)
        guard !segments.isEmpty else { throw CLIError("the secret '\(secret)' is neither an id nor a path") }
        // Written with the references' own escaping, then parsed: what the text of a reference would be checked for.
        let reference = try SecretStore.reference(SecretReference(scheme: "tss", segments: segments + [field]).canonical)
        let store = ReferenceStore.make(
            connection: connection, cache: try cacheOptions.configuration(environment), environment: environment,
            access: restricted.access(environment))
        let value = cacheOptions.refresh ? try await store.refresh(reference) : try await store.get(reference)
        CacheOptions.warnIfExpired(value, reference: reference)
        FileHandle.standardOutput.write(Data(value.bytes))
        if Terminal.stdoutIsTerminal, value.text != nil { Output.writeRaw("\n") }
        LeftForExit.keep(store)
    }
}

/// `sesame secret search [TEXT]`
struct SecretSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find secrets by name; walks every page.",
        discussion: HelpText.flowing(
            """
            Examples:
              sesame secret search db01
              sesame secret search --folder '\\Prod' --subfolders --output json
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Text the secret name contains (all secrets when left out).")
    var text: String?

    @Option(name: .long, help: "Only in this folder (id or path).")
    var folder: String?

    @Flag(name: .long, help: "With --folder: also in its subfolders.")
    var subfolders = false

    @Option(name: .long, help: "Only secrets of this template id.")
    var template: Int?

    @Option(name: .long, help: "Stop after this many results.")
    var limit: Int?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        if let limit, limit < 1 { throw CLIError("--limit must be at least 1") }
        try await connection.withClient { client in
            var folderId: Int?
            if let folder { folderId = try await FolderCommand.resolve(folder, client: client).id }
            var results: [SecretSummary] = []
            let search = SecretSearch(text: text, folderId: folderId, includeSubFolders: subfolders, templateId: template)
            for try await summary in client.searchSecrets(search) {
                results.append(summary)
                if let limit, results.count >= limit { break }
            }
            try Output.render(results, format: output.format) {
                Output.table(
                    ["ID", "NAME", "TEMPLATE", "FOLDER"],
                    results.map {
                        [String($0.id), $0.name, $0.secretTemplateName, $0.folderPath ?? "\\"]
                    })
                FileHandle.standardError.write(Data("\(results.count) secret(s)\n".utf8))
            }
        }
    }
}
