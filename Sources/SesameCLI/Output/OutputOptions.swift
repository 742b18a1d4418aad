import ArgumentParser

/// `-o/--output table|json|yaml|raw=FIELD`, shared by every command that prints what it read.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "table, json, yaml, or raw=FIELD (one field, no newline).")
    var output: OutputFormat = .table

    /// The format asked for.
    var format: OutputFormat { output }
}

extension OutputOptions: QuickParsable {
    static let quickOptions: Set<String> = ["output"]
    static let quickFlags: Set<String> = []

    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp) {
        var parsed = Self()
        parsed.output = try arguments.option("output") ?? .table
        self = parsed
    }
}
