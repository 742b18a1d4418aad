import ArgumentParser
import Foundation
import Sesame

/// `sesame cache status|clear`: the encrypted disk cache (`--cache`).
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Look into or empty the encrypted disk cache that --cache reads through.",
        subcommands: [CacheStatusCommand.self, CacheClearCommand.self]
    )
}

/// `sesame cache status`: counts, ages and sizes; never a value, a reference or a key.
struct CacheStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "How many entries the disk cache holds, how many expired, the oldest and newest read, and its size.",
        discussion: HelpText.flowing(
            """
            Entries are stored under keyed hashes, so the cache cannot say which references it holds, and never
            shows a value.

            Examples:
              sesame cache status
              sesame cache status --output json
            """)
    )

    @OptionGroup var output: OutputOptions

    struct Status: Encodable {
        var path: String
        var exists: Bool
        var entries: Int
        var expired: Int
        /// ISO 8601, UTC.
        var oldestRead: String?
        var newestRead: String?
        var bytes: Int
    }

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let path = ProfileFile.directory(environment) + "/cache.sqlite"
        var status = Status(path: path, exists: false, entries: 0, expired: 0, bytes: 0)
        if FileManager.default.fileExists(atPath: path) {
            guard let disk = CacheOptions.existingDiskCache(environment) else {
                throw CLIError("the disk cache at \(path) cannot be opened", hint: "run sesame cache clear to start over")
            }
            let statistics = try disk.statistics()
            status = Status(
                path: path, exists: true, entries: statistics.entries, expired: statistics.expired,
                oldestRead: statistics.oldestFetch?.formatted(.iso8601), newestRead: statistics.newestFetch?.formatted(.iso8601),
                bytes: statistics.bytes
            )
        }
        try Output.render(status, format: output.format) {
            Output.table(
                ["FIELD", "VALUE"],
                [
                    ["path", path], ["entries", String(status.entries)], ["expired", String(status.expired)],
                    ["oldest read", status.oldestRead ?? "-"], ["newest read", status.newestRead ?? "-"], ["bytes", String(status.bytes)],
                ])
        }
    }
}

/// `sesame cache clear [REF]`: one reference's entry, or everything.
struct CacheClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Remove one reference's cached value (for the current server and user), or every cached value.",
        discussion: HelpText.flowing(
            """
            With a reference, only its entry for the account the connection options name is removed (the same
            reference read as another user or from another server is a different entry). Without one, the whole
            cache file goes, with its WAL; the key file stays.

            Examples:
              sesame cache clear tss://12/password
              sesame cache clear
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The reference whose entry to remove (default: every entry).")
    var reference: String?

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let path = ProfileFile.directory(environment) + "/cache.sqlite"
        guard let reference else {
            var removed = false
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                do {
                    try FileManager.default.removeItem(atPath: file)
                    removed = true
                } catch {
                    throw CLIError("could not remove \(file): \(error.localizedDescription)", hint: "check the folder's permissions")
                }
            }
            Output.write(removed ? "cleared \(path)" : "nothing cached")
            return
        }
        let parsed = try SecretStore.reference(reference)
        guard let disk = CacheOptions.existingDiskCache(environment) else {
            Output.write("nothing cached")
            return
        }
        let scope = try ReferenceStore.make(connection: connection, environment: environment).provider(for: parsed).cacheScope
        let removed = try disk.remove(parsed.cacheKey, scope: scope)
        if removed { disk.scrub() }
        Output.write(removed ? "cleared \(parsed.canonical)" : "\(parsed.canonical) was not cached")
    }
}
