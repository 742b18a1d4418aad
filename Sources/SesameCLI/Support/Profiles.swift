import Foundation
import SecretServer
import Sesame
import Yams

/// A named connection: where the server is and who signs in. Never a password or token (those go in the
/// encrypted `SessionStore`, or nowhere).
struct Profile: Codable, Equatable {
    var url: String
    var username: String?
    var domain: String?
    var caFile: String?
    var insecure: Bool?
}

/// `config.yaml` in the configuration folder: the profiles and the current one.
struct ProfileFile: Codable, Equatable {
    var current: String?
    var profiles: [String: Profile] = [:]

    /// `$SESAME_CONFIG_DIR`, else `$XDG_CONFIG_HOME/sesame`, else `~/.config/sesame`.
    static func directory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["SESAME_CONFIG_DIR"], !directory.isEmpty { return directory }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/sesame" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/sesame"
    }

    static func path(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        directory(environment) + "/config.yaml"
    }

    /// The file, or an empty one when there is none.
    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProfileFile {
        let path = path(environment)
        guard FileManager.default.fileExists(atPath: path) else { return ProfileFile() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("could not read \(path)", hint: "check its permissions")
        }
        do {
            return try decode(yaml: text)
        } catch {
            throw CLIError("\(path) is not a valid sesame configuration: \(error)", hint: "fix it, or remove it and run sesame login again")
        }
    }

    func save(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let directory = Self.directory(environment)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let text = "# sesame profiles: `sesame login` writes this file; passwords and tokens are never kept here.\n"
            + (try YAMLEncoder().encode(self))
        try AtomicFile.write(Data(text.utf8), to: Self.path(environment), mode: 0o600)
    }
}

/// Sessions (access and refresh tokens) of profiles, in an encrypted SQLite file next to `config.yaml`
/// (`sessions.sqlite`, AES-256-GCM, its key in `sessions.key`, both 0600).
struct SessionStore {
    let cache: DiskCache

    init(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let directory = ProfileFile.directory(environment)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            cache = try DiskCache(path: directory + "/sessions.sqlite", key: .keyFile(directory + "/sessions.key"))
        } catch let error as SesameError {
            throw CLIError("the session store cannot be used: \(error.message)")
        }
    }

    struct Stored: Codable {
        var accessToken: String
        var refreshToken: String?
        /// Seconds since 1970.
        var expiresAt: Double
    }

    private static func key(_ profile: String) -> String { "session:" + profile }

    func load(_ profile: String) -> Stored? {
        guard let entry = try? cache.lookup(Self.key(profile)), let text = entry.value.text else { return nil }
        return try? JSONDecoder().decode(Stored.self, from: Data(text.utf8))
    }

    func save(_ session: SecretServerClient.Session, for profile: String) throws {
        let seconds = Double(session.expiresIn.components.seconds)
        let stored = Stored(accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: Date().timeIntervalSince1970 + seconds)
        let text = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        // Kept for 30 days at most; the server decides how long the tokens really live.
        try cache.store(Self.key(profile), value: SecretValue(text: text), expires: Date().addingTimeInterval(30 * 86400))
    }

    func remove(_ profile: String) throws {
        try cache.remove(Self.key(profile))
    }
}
