import ArgumentParser
import Foundation
import Sesame

/// `sesame get REF`: any provider's secret by reference.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        _superCommandName: "sesame",  // see SecretGetCommand
        abstract: "Print the secret a reference names (tss://, aws-sm://, aws-ps://, env://).",
        discussion: HelpText.flowing(
            """
            The value is printed as is: with no newline when the output is not a terminal (so scripts get exactly
            the value), with one on a terminal. Binary values (file fields, SecretBinary) are written as bytes.

            Examples:
              sesame get tss://12/password
              sesame get 'tss://Prod/Databases/db01 root/username'
              sesame get 'aws-sm://prod/db#user.name'
              sesame get aws-ps:///prod/db/password --output json
              sesame get tss://12/password --cache --cache-ttl 600   # later reads come from the encrypted disk cache
              sesame get tss://12/password --comment 'INC-42 restore' --check-out   # a restricted secret
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var restricted: RestrictedOptions

    @Argument(help: "The reference, e.g. tss://12/password or aws-ps:///prod/db/password.")
    var reference: String

    @Option(name: [.short, .long], help: "raw (the value alone; the default) or json (value and metadata).")
    var output: ValueFormat = .raw

    enum ValueFormat: String, ExpressibleByArgument, CaseIterable {
        case raw, json
    }

    func run() async throws {
        // The environment is read once, for every option group and the store.
        let environment = ProcessEnvironment.current()
        let store = ReferenceStore.make(
            connection: connection, cache: try cacheOptions.configuration(environment), environment: environment,
            access: restricted.access(environment))
        let parsed = try SecretStore.reference(reference)
        let value = cacheOptions.refresh ? try await store.refresh(parsed) : try await store.get(parsed)
        LeftForExit.keep(store)
        CacheOptions.warnIfExpired(value, reference: parsed)
        switch output {
        case .raw:
            FileHandle.standardOutput.write(Data(value.bytes))
            if Terminal.stdoutIsTerminal, value.text != nil { Output.writeRaw("\n") }
        case .json:
            struct Shown: Encodable {
                var reference: String
                var value: String
                var encoding: String
                var source: String
                var version: String?
            }
            let shown =
                if let text = value.text {
                    Shown(
                        reference: parsed.canonical, value: text, encoding: "text", source: value.metadata.source.rawValue,
                        version: value.metadata.version)
                } else {
                    Shown(
                        reference: parsed.canonical, value: Data(value.bytes).base64EncodedString(), encoding: "base64",
                        source: value.metadata.source.rawValue, version: value.metadata.version)
                }
            try Output.json(shown)
        }
    }
}

extension GetCommand {
    /// The option groups `QuickParse` reads for this command.
    static let quickGroups: [any QuickParsable.Type] = [ConnectionOptions.self, CacheOptions.self, RestrictedOptions.self]

    /// The command as ArgumentParser would have parsed it from the same words (see `QuickArguments`).
    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp) {
        var parsed = Self()
        parsed.connection = try ConnectionOptions(quick: arguments)
        parsed.cacheOptions = try CacheOptions(quick: arguments)
        parsed.restricted = try RestrictedOptions(quick: arguments)
        parsed.reference = try arguments.onlyPositional()
        parsed.output = try arguments.option("output") ?? .raw
        self = parsed
    }
}
