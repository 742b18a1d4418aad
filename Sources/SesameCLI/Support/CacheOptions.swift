import ArgumentParser
import Foundation
import SecretServer
import Sesame

/// `--cache`, `--cache-ttl`, `--allow-expired`: the encrypted disk cache of values read by reference, shared by
/// every sesame process of the user (`cache.sqlite` next to `config.yaml`, AES-256-GCM, its key in `cache.key`,
/// both 0600). Off unless asked for, with the flag or `SESAME_CACHE=1`.
struct CacheOptions: ParsableArguments {
    @Flag(name: .long, help: "Keep values in the encrypted disk cache and answer from it while fresh (or SESAME_CACHE=1).")
    var cache = false

    @Option(name: .long, help: ArgumentHelp("How long a cached value is fresh, in seconds (default: $SESAME_CACHE_TTL or 300).", valueName: "seconds"))
    var cacheTtl: Int?

    @Flag(name: .long, help: "With --cache: when the server cannot be reached, answer from an expired entry (a warning says so).")
    var allowExpired = false

    @Flag(name: .long, help: "Read from the server whatever the cache holds, and keep the fresh value.")
    var refresh = false

    /// How long an expired entry stays in the disk cache for `--allow-expired` (a week).
    static let staleRetention: TimeInterval = 7 * 86400

    /// Whether the disk cache is on.
    func enabled(_ environment: [String: String]) -> Bool {
        cache || ["1", "true", "yes"].contains(environment["SESAME_CACHE"]?.lowercased() ?? "")
    }

    /// The cache configuration of the reference store: memory only, or memory in front of the disk cache.
    func configuration(_ environment: [String: String] = ProcessEnvironment.current()) throws -> CacheConfiguration {
        guard enabled(environment) else { return CacheConfiguration(strategy: .cacheThenServer) }
        let seconds =
            try cacheTtl ?? environment["SESAME_CACHE_TTL"].map { text in
                guard let value = Int(text) else { throw CLIError("SESAME_CACHE_TTL must be a number of seconds; found '\(text)'") }
                return value
            } ?? 300
        guard (1...31_536_000).contains(seconds) else {
            throw CLIError("--cache-ttl must be between 1 second and a year (31536000 seconds); found \(seconds)")
        }
        let directory = ProfileFile.directory(environment)
        let disk: DiskCache
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            disk = try DiskCache(path: directory + "/cache.sqlite", key: .keyFile(directory + "/cache.key"))
        } catch let error as SesameError {
            throw CLIError("the disk cache cannot be used: \(error.message)", hint: "remove \(directory)/cache.sqlite to start over")
        }
        // Entries expired for longer than a week are of no use even to --allow-expired: they go.
        _ = try? disk.purge(expiredBefore: Date().addingTimeInterval(-Self.staleRetention))
        return CacheConfiguration(
            strategy: allowExpired ? .cacheThenServerAllowExpired : .cacheThenServer, timeToLive: .seconds(seconds), disk: disk
        )
    }

    /// The user's disk cache when it exists (never created just to look into it).
    static func existingDiskCache(_ environment: [String: String]) -> DiskCache? {
        let directory = ProfileFile.directory(environment)
        guard FileManager.default.fileExists(atPath: directory + "/cache.sqlite") else { return nil }
        return try? DiskCache(path: directory + "/cache.sqlite", key: .keyFile(directory + "/cache.key"))
    }

    /// Removes what the disk cache holds for the account of `profile` (its server and user); returns how many
    /// entries. A cache that cannot be opened has nothing to remove.
    @discardableResult
    static func forget(profile: Profile, environment: [String: String]) -> Int {
        guard let disk = existingDiskCache(environment) else { return 0 }
        // As the reads were cached: an onboarded SDK client's under its client id, a user's under the user.
        let principal =
            profile.auth == Profile.sdkClientAuth
            ? profile.clientId.map { SecretServerClient.Credentials.sdkClient(clientId: $0, clientSecret: "").principal } ?? "profile:none"
            : profile.username.map { SecretServerClient.Credentials.password(username: $0, password: "", domain: profile.domain).principal }
                ?? "profile:none"
        return (try? disk.removeAll(scope: CacheScope.secretServer(baseURL: profile.url, principal: principal))) ?? 0
    }

    /// Warns on standard error when `value` is an expired entry answered because the server could not be reached.
    static func warnIfExpired(_ value: SecretValue, reference: SecretReference) {
        guard value.metadata.source == .expiredCache else { return }
        FileHandle.standardError.write(Data("warning: \(reference.canonical) is an expired cached value: the server could not be reached\n".utf8))
    }
}

extension CacheOptions: QuickParsable {
    static let quickOptions: Set<String> = ["cache-ttl"]
    static let quickFlags: Set<String> = ["cache", "allow-expired", "refresh"]

    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp) {
        var parsed = Self()
        parsed.cache = arguments.flag("cache")
        parsed.cacheTtl = try arguments.option("cache-ttl")
        parsed.allowExpired = arguments.flag("allow-expired")
        parsed.refresh = arguments.flag("refresh")
        self = parsed
    }
}
