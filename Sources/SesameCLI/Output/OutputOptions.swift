import ArgumentParser

/// `-o/--output table|json|yaml|raw=FIELD`, shared by every command that prints what it read.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "table, json, yaml, or raw=FIELD (one field, no newline).")
    var output: OutputFormat = .table

    /// The format asked for.
    var format: OutputFormat { output }
}
