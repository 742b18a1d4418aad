import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

extension MetadataItemKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.prefix(1).uppercased() + argument.dropFirst().lowercased()) }
}

/// `sesame metadata ...`
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata", abstract: "Read and set metadata on secrets, folders, users and groups.",
        subcommands: [MetadataListCommand.self, MetadataSetCommand.self]
    )
}

/// `sesame metadata list`
struct MetadataListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List an item's metadata.", discussion: "Example:\n  sesame metadata list secret 12")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "secret, folder, user or group.") var kind: MetadataItemKind
    @Argument(help: "The item's id.") var id: Int
    @OptionGroup var output: OutputOptions
    func run() async throws {
        try await connection.withClient { client in
            let values = try await client.metadata(of: kind, id: id)
            try Output.render(values, format: output.format) {
                Output.table(
                    ["ID", "SECTION", "FIELD", "VALUE"],
                    values.map { value in
                        let text =
                            value.valueString ?? value.valueInt.map(String.init) ?? value.valueNumber.map { String($0) }
                            ?? value.valueBit.map(String.init) ?? value.valueDateTime ?? ""
                        return [String(value.metadataItemDataId), value.metadataFieldSectionName ?? "", value.metadataFieldName ?? "", text]
                    })
            }
        }
    }
}

/// `sesame metadata set`
struct MetadataSetCommand: AsyncParsableCommand {
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
