import ArgumentParser

/// `--watch SECONDS`: read the references again on this period and act when a value changed (`run`, `inject`).
struct WatchOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the secrets again every this many seconds (through the cache rules) and act when one changed.", valueName: "seconds"
        ))
    var watch: Int?

    /// The period, when watching; at least a second and at most a day.
    func period() throws -> Duration? {
        guard let watch else { return nil }
        guard (1...86_400).contains(watch) else {
            throw CLIError("--watch must be between 1 second and a day (86400 seconds); found \(watch)")
        }
        return .seconds(watch)
    }
}
