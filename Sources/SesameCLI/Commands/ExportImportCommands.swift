import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame export FOLDER -o FILE`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a folder tree and its secrets (every field, files included) to an encrypted file.",
        discussion: HelpText.flowing(
            """
            The file is sealed with AES-256-GCM under a key stretched from a passphrase (scrypt), written with mode
            0600 through a temporary file and a rename. The passphrase comes from --passphrase-file,
            $SESAME_EXPORT_PASSPHRASE, or a hidden prompt (asked twice); never from the command line. Secrets are
            read 8 at a time, with a progress bar on a terminal.

            Examples:
              sesame export '\\Prod' -o prod.sesame
              sesame export '\\Prod\\Databases' -o db.sesame --passphrase-file pass.txt
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The folder, by path (\\\\Prod) or id.") var folder: String
    @Option(name: [.short, .customLong("out")], help: "The file to write.") var output: String
    @Option(name: .long, help: ArgumentHelp("Read the passphrase from this file (first line).", valueName: "file"))
    var passphraseFile: String?
    @Option(name: .long, help: "Secrets read at the same time.") var concurrency = 8
    @OptionGroup var restricted: RestrictedOptions

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw CLIError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
        let passphrase = try ExportFile.passphrase(file: passphraseFile, confirm: true)
        let payload = try await connection.withClient { client -> ExportFile.Payload in
            let root = try await FolderCommand.resolve(folder, client: client)
            // The tree, breadth first.
            var folders: [(id: Int, path: String)] = [(root.id, root.folderPath)]
            var index = 0
            while index < folders.count {
                let children = try await client.searchFolders(FolderSearch(parentFolderId: folders[index].id, directChildrenOnly: true)).collect()
                folders += children.map { ($0.id, $0.folderPath) }
                index += 1
            }
            var summaries: [(id: Int, folder: String)] = []
            for folder in folders {
                for try await summary in client.searchSecrets(SecretSearch(folderId: folder.id)) where summary.folderId == folder.id {
                    summaries.append((summary.id, folder.path))
                }
            }
            let progress = Progress(total: summaries.count, label: "secrets exported")
            let secrets = try await Self.read(
                summaries, client: client, concurrency: max(1, concurrency), progress: progress, restricted: restricted
            )
            return ExportFile.Payload(
                exportedAt: Date(), source: client.configuration.baseURL, root: root.folderPath, folders: folders.map(\.path),
                secrets: secrets
            )
        }
        try AtomicFile.write(try ExportFile.seal(payload, passphrase: passphrase), to: output, mode: 0o600)
        Output.write("exported \(payload.secrets.count) secrets in \(payload.folders.count) folders from \(payload.root) to \(output)")
    }

    /// Reads each secret (and its files), `concurrency` at a time, in the order given.
    static func read(
        _ summaries: [(id: Int, folder: String)], client: SecretServerClient, concurrency: Int, progress: Progress,
        restricted: RestrictedOptions
    ) async throws -> [ExportFile.Secret] {
        try await BoundedTasks.map(count: summaries.count, limit: concurrency, finished: progress.advance) { index in
            // The secret and its files under one check-out, with one DoubleLock password.
            let key = String(summaries[index].id)
            let (secret, fields) = try await restricted.perform(key, client: client) { arguments -> (SecretModel, [ExportFile.Field]) in
                let secret = try await RestrictedOptions.read(key, client: client, arguments: arguments)
                var fields: [ExportFile.Field] = []
                for item in secret.items {
                    if item.isFile {
                        guard item.fileAttachmentId != nil else { continue }
                        let data = try await RestrictedOptions.file(secretId: secret.id, slug: item.slug, client: client, arguments: arguments)
                        fields.append(.init(slug: item.slug, value: data.base64EncodedString(), fileName: item.filename ?? item.slug))
                    } else {
                        fields.append(.init(slug: item.slug, value: item.itemValue))
                    }
                }
                return (secret, fields)
            }
            return ExportFile.Secret(
                folder: summaries[index].folder, name: secret.name, templateId: secret.secretTemplateId,
                templateName: secret.secretTemplateName, fields: fields
            )
        }
    }
}

/// `sesame import FILE`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an export file: its folders, then its secrets (a secret that already exists is left alone).",
        discussion: HelpText.flowing(
            """
            Folders are created as needed, under --into when given (the export's root folder is placed inside it).
            Templates are matched by id, else by name. A secret whose name already exists in its folder is skipped
            and reported; nothing is overwritten. Secrets are written 8 at a time, with a progress bar on a terminal.

            Examples:
              sesame import prod.sesame
              sesame import prod.sesame --into '\\Restored' --passphrase-file pass.txt
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The export file.") var file: String
    @Option(name: .long, help: "A folder path to place the exported tree under.") var into: String?
    @Option(name: .long, help: ArgumentHelp("Read the passphrase from this file (first line).", valueName: "file"))
    var passphraseFile: String?
    @Option(name: .long, help: "Secrets written at the same time.") var concurrency = 8

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw CLIError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
        let data = try Terminal.readFile(file, limit: Terminal.exportLimit)
        let passphrase = try ExportFile.passphrase(file: passphraseFile, confirm: false)
        let payload = try ExportFile.open(data, passphrase: passphrase, name: file)
        try await connection.withClient { client in
            func target(_ path: String) -> String {
                guard let into else { return path }
                let parent = FolderPath.names(payload.root).dropLast()
                let relative = FolderPath.names(path).dropFirst(parent.count).joined(separator: "\\")
                return FolderPath.normalized(into) + "\\" + relative
            }
            var folderIds: [String: Int] = [:]
            for path in payload.folders {
                folderIds[path] = try await client.createFolders(path: target(path)).id
            }
            var templates: [Int: SecretTemplateModel] = [:]
            for (id, name) in Set(payload.secrets.map { TemplateKey(id: $0.templateId, name: $0.templateName) }).map({ ($0.id, $0.name) }) {
                if let byId = try? await client.template(id: id), byId.name == name {
                    templates[id] = byId
                } else if let byName = try await client.template(named: name) {
                    templates[id] = byName
                } else {
                    throw CLIError("the server has no template '\(name)' (id \(id)) for the imported secrets", exitCode: .notFound)
                }
            }
            let progress = Progress(total: payload.secrets.count, label: "secrets imported")
            let skipped = try await Self.write(
                payload.secrets, folderIds: folderIds, templates: templates, client: client, concurrency: max(1, concurrency), progress: progress
            )
            let created = payload.secrets.count - skipped.count
            Output.write(
                "imported \(created) secrets in \(payload.folders.count) folders"
                    + (skipped.isEmpty ? "" : "; left \(skipped.count) that already existed: \(skipped.joined(separator: ", "))"))
        }
    }

    struct TemplateKey: Hashable {
        var id: Int
        var name: String
    }

    /// Creates the secrets, `concurrency` at a time; returns the paths of those that already existed.
    static func write(
        _ secrets: [ExportFile.Secret], folderIds: [String: Int], templates: [Int: SecretTemplateModel], client: SecretServerClient,
        concurrency: Int, progress: Progress
    ) async throws -> [String] {
        let skipped = try await BoundedTasks.map(count: secrets.count, limit: concurrency, finished: progress.advance) { index -> String? in
            let secret = secrets[index]
            guard let folderId = folderIds[secret.folder], let template = templates[secret.templateId] else { return nil }
            let existing = try await client.searchSecrets(SecretSearch(text: secret.name, exactMatch: true, folderId: folderId)).collect()
            if existing.contains(where: { $0.name == secret.name && $0.folderId == folderId }) {
                return secret.folder + "\\" + secret.name
            }
            var stub = try await client.secretStub(templateId: template.id, folderId: folderId)
            stub.name = secret.name
            stub.folderId = folderId
            for field in secret.fields where field.fileName == nil { stub.setValue(field.value, forItem: field.slug) }
            // Not retried by the client (a create never is); it is checked for above, so a rerun does not duplicate.
            let created = try await client.createSecret(stub)
            for field in secret.fields {
                guard let fileName = field.fileName, let content = Data(base64Encoded: field.value) else { continue }
                try await client.setFieldFile(secretId: created.id, slug: field.slug, data: content, fileName: fileName)
            }
            return nil
        }
        return skipped.compactMap { $0 }.sorted()
    }
}
