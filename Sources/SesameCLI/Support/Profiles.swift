import Foundation
import SecretServer
import SecretServerModels
import Sesame
import SesameFiles
import SesameRedaction
import Synchronization
import Yams

/// A named connection: where the server is and who signs in. Never a password or token (those go in the
/// encrypted `SessionStore`, or nowhere).
struct Profile: Codable, Equatable {
    var url: String
    var username: String?
    var domain: String?
    var caFile: String?
    var insecure: Bool?
    /// What the URL is, as `sesame login` found out: `secret-server` or `platform` (a Delinea Platform tenant).
    var server: String?
    /// The proxy to reach this server through (`sesame login --proxy`): a URL without a password, or `none`.
    var proxy: String?
    /// How the profile signs in: `sdk-client` for an onboarded SDK client (its secret in the session store), else
    /// nil (a user's password, then the stored session).
    var auth: String?
    /// The SDK client's id (`sesame login --sdk-client`); not a secret.
    var clientId: String?

    static let sdkClientAuth = "sdk-client"

    /// Whether two base URLs name the same server (as servers compare them: no trailing slash, any case).
    static func sameServer(_ a: String, _ b: String) -> Bool {
        CacheScope.normalized(a) == CacheScope.normalized(b)
    }
}

/// `config.yaml` in the configuration folder: the profiles and the current one.
struct ProfileFile: Codable, Equatable {
    var current: String?
    var profiles: [String: Profile] = [:]

    /// `$SESAME_CONFIG_DIR`, else `$XDG_CONFIG_HOME/sesame`, else `~/.config/sesame`.
    static func directory(_ environment: [String: String] = ProcessEnvironment.current()) -> String {
        if let directory = environment["SESAME_CONFIG_DIR"], !directory.isEmpty { return directory }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/sesame" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/sesame"
    }

    static func path(_ environment: [String: String] = ProcessEnvironment.current()) -> String {
        directory(environment) + "/config.yaml"
    }

    /// The file, or an empty one when there is none.
    static func load(_ environment: [String: String] = ProcessEnvironment.current()) throws -> ProfileFile {
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

    func save(_ environment: [String: String] = ProcessEnvironment.current()) throws {
        let directory = Self.directory(environment)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let text =
            "# sesame profiles: `sesame login` writes this file; passwords and tokens are never kept here.\n"
            + (try YAMLEncoder().encode(self))
        try AtomicFile.write(Data(text.utf8), to: Self.path(environment), mode: 0o600)
    }
}

/// Sessions (access and refresh tokens) of profiles, in an encrypted SQLite file next to `config.yaml`
/// (`sessions.sqlite`, AES-256-GCM, its key in `sessions.key`, both 0600). Renewals take `sessions.lock`, so two
/// sesame processes never spend one refresh token.
struct SessionStore: Sendable {
    let cache: DiskCache
    let lockPath: String

    /// Opens the store. Its key is the key file beside it (`sessions.key`), or a passphrase: `SESAME_SESSION_PASSPHRASE`,
    /// else a hidden prompt, once the store was made with one (`sessions.passphrase` marks it). Every write is synced
    /// to the disk: a command exits without closing the store (`ConnectionOptions.withClient`), and a renewed session
    /// lost to a crash of the machine would mean signing in again.
    init(_ environment: [String: String] = ProcessEnvironment.current()) throws {
        let directory = ProfileFile.directory(environment)
        let database = directory + "/sessions.sqlite"
        let marker = directory + "/sessions.passphrase"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let passphrase = environment["SESAME_SESSION_PASSPHRASE"].flatMap { $0.isEmpty ? nil : $0 }
            let protected = FileManager.default.fileExists(atPath: marker)
            if passphrase != nil || protected {
                if !protected, FileManager.default.fileExists(atPath: database) {
                    throw CLIError(
                        "SESAME_SESSION_PASSPHRASE is set, but the session store in \(directory) is protected by its key file",
                        hint: "unset it, or log out of every profile and remove sessions.sqlite and sessions.key to start a store with a passphrase"
                    )
                }
                guard let secret = passphrase ?? (Terminal.isInteractive ? Terminal.readHidden(prompt: "Session store passphrase: ") : nil),
                    !secret.isEmpty
                else {
                    throw CLIError("the session store is protected by a passphrase", hint: "set SESAME_SESSION_PASSPHRASE, or run on a terminal to be asked")
                }
                guard secret.count >= 12 else {
                    throw CLIError("the session store passphrase must be 12 characters or more")
                }
                if !protected {
                    // The mark first: a store whose mark could not be written is never made.
                    do {
                        _ = try SecretFile.create(
                            Array("The sessions in sessions.sqlite are sealed with a key made from a passphrase (SESAME_SESSION_PASSPHRASE).\n".utf8),
                            at: marker
                        )
                    } catch {
                        throw CLIError("could not write \(marker): \(error)")
                    }
                }
                cache = try DiskCache(path: database, key: .passphrase(secret), durable: true)
            } else {
                cache = try DiskCache(path: database, key: .keyFile(directory + "/sessions.key"), durable: true)
            }
        } catch let error as SesameError {
            throw CLIError("the session store cannot be used: \(error.message)")
        }
        lockPath = directory + "/sessions.lock"
    }

    /// The stored form (seconds since 1970, as earlier versions wrote it), with the server it belongs to.
    struct Stored: Codable {
        var accessToken: String
        var refreshToken: String?
        var expiresAt: Double
        /// The server the session was opened on; sessions stored before it was kept have none.
        var url: String?
    }

    private static func key(_ profile: String) -> String { "session:" + profile }

    /// The profile's session, when there is one for the server at `url` (a profile since pointed at another server
    /// does not hand that server's tokens to this one).
    func load(_ profile: String, url: String) -> KeptSession? {
        guard let entry = try? cache.lookup(Self.key(profile)), entry.value.text != nil,
            // `Data` of the bytes, an array: `Data(text.utf8)` casts its argument at run time (a conformance scan).
            let stored = Stored.read(entry.value.bytes) ?? (try? JSONDecoder().decode(Stored.self, from: Data(entry.value.bytes))),
            stored.url.map({ Profile.sameServer($0, url) }) ?? true
        else { return nil }
        return KeptSession(
            accessToken: stored.accessToken, refreshToken: stored.refreshToken, expiresAt: Date(timeIntervalSince1970: stored.expiresAt)
        )
    }

    /// Whether the profile has a stored session at all.
    func has(_ profile: String) -> Bool {
        (try? cache.lookup(Self.key(profile))) != nil
    }

    func save(_ session: KeptSession, for profile: String, url: String) throws {
        let stored = Stored(
            accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: session.expiresAt.timeIntervalSince1970,
            url: url
        )
        let text = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        // Kept for 30 days at most; the server decides how long the tokens really live.
        try cache.store(Self.key(profile), value: SecretValue(text: text), expires: Date().addingTimeInterval(30 * 86400))
    }

    func remove(_ profile: String) throws {
        try cache.remove(Self.key(profile))
        try cache.remove(Self.clientKey(profile))
        cache.scrub()
    }

    private static func clientKey(_ profile: String) -> String { "sdk-client:" + profile }

    /// Keeps an SDK client's secret for the profile (for the server at `url` only), with no expiry of its own: the
    /// server revokes clients.
    func saveClientSecret(_ secret: String, for profile: String, url: String) throws {
        let text = String(decoding: try JSONEncoder().encode(["secret": secret, "url": url]), as: UTF8.self)
        try cache.store(Self.clientKey(profile), value: SecretValue(text: text), expires: Date().addingTimeInterval(10 * 365 * 86400))
    }

    /// The profile's SDK client secret, when it was kept for the server at `url`.
    func clientSecret(_ profile: String, url: String) -> String? {
        guard let entry = try? cache.lookup(Self.clientKey(profile)), entry.value.text != nil,
            let stored = try? JSONDecoder().decode([String: String].self, from: Data(entry.value.bytes)),
            let secret = stored["secret"], let storedURL = stored["url"], Profile.sameServer(storedURL, url)
        else { return nil }
        return secret
    }

    /// Runs `body` while holding the store's lock (no other sesame process renews or replaces a session meanwhile).
    func locked<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let lock: FileLock
        do {
            lock = try await FileLock.acquire(lockPath)
        } catch let error as SecretFileError {
            throw CLIError("the session store is busy: \(error)", hint: "another sesame is signing in; try again")
        }
        defer { lock.release() }
        return try await body()
    }
}

/// The `SessionKeeper` of one profile: the client renews the profile's session under the store's lock, and the
/// renewed session is saved before it is used. A save that fails is said on standard error (the command goes on
/// with the new tokens, but the next one will have to sign in again), never ignored.
struct ProfileSessionKeeper: SessionKeeper {
    let store: SessionStore
    let profile: String
    /// The server the client talks to: only a session of this server is used or replaced.
    let url: String
    let principal: String
    /// The session read when the command chose these credentials: the client's first `load()` takes it instead of
    /// reading the store again (that second read was 3% of a `secret get` with a stored session). Later loads read
    /// the store.
    let initial: FirstLoad

    init(store: SessionStore, profile: String, url: String, principal: String, initial: KeptSession? = nil) {
        self.store = store
        self.profile = profile
        self.url = url
        self.principal = principal
        self.initial = FirstLoad(initial)
    }

    func load() async throws -> KeptSession? {
        if let first = initial.take() { return first }
        return store.load(profile, url: url)
    }

    /// A session handed out once.
    final class FirstLoad: Sendable, Redacting {
        private let session: Mutex<KeptSession?>

        init(_ session: KeptSession?) { self.session = Mutex(session) }

        var redactedDescription: String { "session: <redacted>" }

        /// The session, the first time; nil after.
        func take() -> KeptSession? {
            session.withLock { session in
                let taken = session
                session = nil
                return taken
            }
        }
    }

    func exchange(_ renew: @escaping @Sendable (KeptSession?) async throws -> KeptSession) async throws -> KeptSession {
        try await store.locked {
            let current = store.load(profile, url: url)
            let renewed = try await renew(current)
            if renewed != current {
                do {
                    try store.save(renewed, for: profile, url: url)
                } catch {
                    FileHandle.standardError.write(
                        Data(
                            "warning: the renewed session of profile '\(profile)' could not be kept (\(error)); the next command will have to sign in again\n"
                                .utf8
                        ))
                }
            }
            return renewed
        }
    }
}

extension SessionStore.Stored {
    /// The stored form read without `JSONDecoder`, whose keyed container costs a scan of the binary's protocol
    /// conformances (0.8 ms of a 10-ms `sesame secret get` with a stored session). Nil for anything but one object
    /// with these keys, each at most once (an access token and an expiry at least): `JSONDecoder` then reads it,
    /// and says what is wrong.
    static func read(_ bytes: [UInt8]) -> Self? {
        bytes.withUnsafeBytes { raw in
            var reader = WireJSONReader(raw)
            var stored = Self(accessToken: "", refreshToken: nil, expiresAt: .nan, url: nil)
            var seen = Set<String>()
            do {
                try reader.readObject { reader, key throws(WireJSONReader.Unsupported) in
                    let name = String(decoding: key, as: UTF8.self)
                    guard seen.insert(name).inserted else { throw WireJSONReader.Unsupported() }
                    switch name {
                    case "accessToken": stored.accessToken = try reader.readString()
                    case "refreshToken": stored.refreshToken = try reader.readNull() ? nil : try reader.readString()
                    case "expiresAt": stored.expiresAt = try reader.readDouble()
                    case "url": stored.url = try reader.readNull() ? nil : try reader.readString()
                    default: try reader.skipValue()
                    }
                }
                try reader.finish()
            } catch {
                return nil
            }
            return seen.isSuperset(of: ["accessToken", "expiresAt"]) ? stored : nil
        }
    }
}
