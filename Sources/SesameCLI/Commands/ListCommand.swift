import ArgumentParser
import Foundation
import Sesame

/// `sesame ls REF [-R]`
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List what is under a reference: folders and secrets, parameters, secret names, or a secret's fields.",
        discussion: HelpText.flowing(
            """
            tss://Folder/Sub lists the folder's folders and secrets (everything below with -R); tss://12 the fields of
            secret 12. aws-ps:///prod/ lists parameters under the path, aws-sm://prod/ the secrets whose names continue
            it after a /, never a mere prefix (prod does not list production). Values are never read.

            Examples:
              sesame ls tss://Prod/Databases
              sesame ls -R aws-ps:///prod/ --output json
              sesame ls aws-sm://prod/
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The reference to list under.")
    var reference: String

    @Flag(name: [.customShort("R"), .long], help: "Everything below, not only what is directly under it.")
    var recursive = false

    func run() async throws {
        let parsed = try SecretStore.prefix(reference)
        let store = ReferenceStore.make(connection: connection)
        let entries = try await store.provider(for: parsed).entries(under: parsed, recursive: recursive)
        try Output.render(entries, format: output.format) {
            Output.table(["KIND", "REFERENCE"], entries.map { [$0.kind.rawValue, $0.reference.canonical] })
        }
    }
}

/// `sesame exists REF`: 0 when exactly that exists, 1 when not, 2 and up on errors.
struct ExistsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exists",
        abstract: "Exit 0 when exactly what a reference names exists, 1 when not, 2 or more when it cannot be told.",
        discussion: HelpText.flowing(
            """
            Never a prefix match: aws-ps:///prod/db exists only when that parameter does, not /prod/db2. With a key
            path, the JSON member must be there too. Nothing is printed; the exit status answers.

            Examples:
              sesame exists tss://12/password && echo yes
              if ! sesame exists 'aws-sm://prod/db#password'; then echo missing; fi
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The reference.")
    var reference: String

    func run() async throws {
        let found: Bool
        do {
            found = try await ReferenceStore.make(connection: connection).exists(reference)
        } catch {
            // 1 means "not there": a usage or local error must not look like it.
            var mapped = CLIError.mapping(error) ?? CLIError("\(error)")
            if mapped.exitCode == .local { mapped.exitCode = .server }
            throw mapped
        }
        if !found { throw ExitCode(1) }
    }
}
