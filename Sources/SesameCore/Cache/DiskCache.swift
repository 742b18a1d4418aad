import Crypto
import Foundation
import GRDB
import SesameFiles
import _CryptoExtras
import SesameRedaction

/// An encrypted cache of secret values in a SQLite file, shared safely by several processes (WAL mode, busy
/// timeout). Values are sealed with AES-256-GCM, bound to their entry; entry keys are HMAC-SHA256 hashes, so
/// the file shows neither values nor which secrets are cached. The file (and its WAL) is mode 0600.
public final class DiskCache: Sendable {
    /// Where the encryption key comes from.
    public enum Key: Sendable {
        /// A passphrase, stretched with scrypt (N = 2^15, r = 8, p = 1) and a random salt kept in the file.
        case passphrase(String)
        /// A key file holding 32 random bytes, base64; created (mode 0600) when missing, refused when others can read it.
        case keyFile(String)
        /// 32 bytes given directly.
        case raw([UInt8])
    }

    public let path: String
    /// One connection: a short-lived `sesame get --cache` opens, reads and closes. (A `DatabasePool` wrote a
    /// transaction at every open to make sure a WAL file existed, and the close checkpointed it and deleted the
    /// file again: two fsyncs and page writes per read. Through one connection a read writes nothing.)
    private let database: DatabaseQueue
    private let sealingKey: SymmetricKey
    private let indexKey: SymmetricKey

    /// Opens (or creates) the cache at `path`.
    /// - Throws: `SesameError` with code `.cache` when the file cannot be opened, is readable by others, or was
    ///   made with another key.
    /// - Parameter path: the file; `~` is expanded. Its folder is created (0700) when missing.
    /// - Parameter durable: every write reaches the disk before it returns (SQLite's `synchronous = FULL`), for what
    ///   cannot be fetched again, such as stored sessions. Without it a write is safe when the process ends, and on the
    ///   disk at the next checkpoint (`NORMAL`): enough for a cache, whose lost entries are fetched again.
    public init(path: String, key: Key, scryptCost: Int = 15, durable: Bool = false) throws {
        let path = (path as NSString).expandingTildeInPath
        self.path = path
        try Self.prepareFile(path)
        var configuration = Configuration()
        let salt: Data
        let canary: Data?
        configuration.busyMode = .timeout(10)
        // The cache has no foreign keys: GRDB's default `PRAGMA foreign_keys = ON` at every open is skipped.
        configuration.foreignKeysEnabled = false
        // The statements of an open and a read are compiled as written (`makeStatement`): GRDB's `execute(sql:)` and
        // `fetchOne(db, sql:)` first build an `SQL` literal, 30,000 instructions a statement, which were 15% of a
        // `secret get` with a stored session (callgrind).
        configuration.prepareDatabase { db in
            try db.makeStatement(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").execute()
            try db.makeStatement(sql: "PRAGMA secure_delete = ON").execute()
            // WAL, so processes read while one writes (kept in the file: a no-op once set). A file system without
            // it would leave the rollback journal, where readers and writers wait for each other: refused.
            guard try String.fetchOne(db.makeStatement(sql: "PRAGMA journal_mode = WAL"))?.lowercased() == "wal" else {
                throw SesameError(code: .cache, message: "the disk cache \(path) cannot use SQLite's WAL mode on this file system")
            }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            // A file already set up is only read: a read through the cache writes nothing (no WAL frames, no
            // fsync), which is most of what opening it would cost a short-lived `sesame get`. Its version, salt and
            // canary are read in one transaction.
            let (ready, opened): (Bool, (salt: Data?, canary: Data?)) = try database.read { db in
                let ready = try Self.schemaIsCurrent(db)
                return (ready, ready ? try Self.saltAndCanary(db) : (nil, nil))
            }
            var stored = opened
            if !ready {
                let earlierBuild = try database.read { db in try db.tableExists("entry") }
                try database.write { db in
                    try db.execute(
                        sql: """
                            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                            CREATE TABLE IF NOT EXISTS entry (
                                key BLOB PRIMARY KEY, box BLOB NOT NULL, fetched_at REAL NOT NULL, expires_at REAL NOT NULL,
                                scope BLOB NOT NULL DEFAULT x''
                            ) WITHOUT ROWID;
                            """)
                    // Files made before entries had scopes: their entries keep the empty scope (and, keyed without
                    // one, are never found by a scoped read; they age out with the purge).
                    if try !Row.fetchAll(db, sql: "PRAGMA table_info(entry)").contains(where: { ($0["name"] as String?) == "scope" }) {
                        try db.execute(sql: "ALTER TABLE entry ADD COLUMN scope BLOB NOT NULL DEFAULT x''")
                    }
                    try db.execute(sql: "CREATE INDEX IF NOT EXISTS entry_scope ON entry(scope)")
                    if try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'salt'") == nil {
                        try db.execute(sql: "INSERT INTO meta (name, value) VALUES ('salt', ?)", arguments: [Data(Self.randomBytes(16))])
                    }
                    // An earlier build's file is at this version only once it has been rewritten (below).
                    if !earlierBuild { try db.execute(sql: "PRAGMA user_version = \(Self.schemaVersion)") }
                }
                // Builds before secure_delete left removed entries in the file's free pages: the file is rewritten
                // (VACUUM), then marked current. Best effort, as `scrub()`: after a failure that may pass (another
                // process holding the file, an I/O error) the next open tries again; one that would only repeat (a full
                // disk, a read-only or damaged file) is not tried again, so that opening it does not write at every read.
                if earlierBuild,
                    let failure = Self.briefly(database, "VACUUM", "PRAGMA user_version = \(Self.schemaVersion)", "PRAGMA wal_checkpoint(TRUNCATE)"),
                    !Self.mayPass(failure)
                {
                    try? database.write { db in try db.execute(sql: "PRAGMA user_version = \(Self.schemaVersion)") }
                }
                stored = try database.read { db in try Self.saltAndCanary(db) }
            }
            salt = stored.salt ?? Data()
            canary = stored.canary
        } catch {
            throw SesameError(code: .cache, message: "could not open the disk cache \(path): \(error)")
        }
        var master: [UInt8]
        switch key {
        case .passphrase(let passphrase):
            guard !passphrase.isEmpty else { throw SesameError(code: .cache, message: "the disk cache passphrase is empty") }
            let stretched = try KDF.Scrypt.deriveKey(
                from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << scryptCost, blockSize: 8, parallelism: 1
            )
            master = stretched.withUnsafeBytes { Array($0) }
        case .keyFile(let keyPath):
            master = try Self.loadOrCreateKeyFile((keyPath as NSString).expandingTildeInPath)
        case .raw(let bytes):
            guard bytes.count == 32 else { throw SesameError(code: .cache, message: "a disk cache key is 32 bytes, not \(bytes.count)") }
            master = bytes
        }
        defer { Self.zero(&master) }
        sealingKey = Self.deriveKey(master, salt: Array(salt), info: "sesame-cache-seal")
        indexKey = Self.deriveKey(master, salt: Array(salt), info: "sesame-cache-index")
        try checkCanary(stored: canary)
    }

    /// HKDF-SHA256 (RFC 5869) of a 32-byte key, written with HMAC over byte arrays: the keys `HKDF<SHA256>.deriveKey`
    /// makes, without its reads through `SecureBytes` slices, which look their conformances up at run time (4% of a
    /// cached `sesame secret get`, perf). An empty salt is HMAC's empty key, which is the RFC's 32 zero bytes.
    static func deriveKey(_ material: [UInt8], salt: [UInt8], info: String) -> SymmetricKey {
        var pseudoRandomKey = Array(HMAC<SHA256>.authenticationCode(for: material, using: SymmetricKey(data: salt)))
        defer { zero(&pseudoRandomKey) }
        var block = Array(HMAC<SHA256>.authenticationCode(for: Array(info.utf8) + [1], using: SymmetricKey(data: pseudoRandomKey)))
        defer { zero(&block) }
        return SymmetricKey(data: block)
    }

    /// Overwrites key bytes held in an array once they are no longer needed (not inlined, so that the writes are not
    /// dropped as dead before the array is freed).
    @inline(never)
    static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) }
    }

    /// SQLite's `synchronous` setting of the connection (1 NORMAL, 2 FULL), for tests.
    var synchronousSetting: Int? {
        try? database.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    /// The schema this code writes, kept in `PRAGMA user_version`: a file at this version is opened with that one
    /// read. A file made before the version was kept goes once through the (idempotent) set-up, which records it.
    static let schemaVersion = 2

    private static func schemaIsCurrent(_ db: Database) throws -> Bool {
        try Int.fetchOne(db.makeStatement(sql: "PRAGMA user_version")) ?? 0 >= schemaVersion
    }

    /// The salt and sealed canary of a file that is set up, when it has them.
    private static func saltAndCanary(_ db: Database) throws -> (salt: Data?, canary: Data?) {
        var found: (salt: Data?, canary: Data?) = (nil, nil)
        let rows = try Row.fetchCursor(db.makeStatement(sql: "SELECT name, value FROM meta WHERE name IN ('salt', 'canary')"))
        while let row = try rows.next() {
            switch row["name"] as String? {
            case "salt": found.salt = row["value"]
            case "canary": found.canary = row["value"]
            default: break
            }
        }
        return found
    }

    /// A sealed known text proves that the key is the one the file was made with. `stored`: the canary the file held
    /// when it was opened.
    private func checkCanary(stored: Data?) throws {
        let canary = Array("sesame disk cache".utf8)
        if let stored {
            guard let box = try? AES.GCM.SealedBox(combined: stored),
                let opened = try? AES.GCM.open(box, using: sealingKey, authenticating: Array("canary".utf8)), opened.elementsEqual(canary)
            else {
                throw SesameError(
                    code: .cache,
                    message: "the disk cache \(path) was made with another key or passphrase; use that one, or delete the file to start afresh"
                )
            }
            return
        }
        let sealed = try AES.GCM.seal(canary, using: sealingKey, authenticating: Array("canary".utf8)).combined ?? Data()
        try database.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta (name, value) VALUES ('canary', ?)", arguments: [sealed])
        }
        // Another process may have won the race with its own key: check again.
        let winner = try database.read { db in try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'canary'") }
        if winner != sealed { try checkCanary(stored: winner) }
    }

    /// The hashed entry key for a cache key in a scope (`CacheScope`): the scope is part of the key, so the same
    /// reference read from two servers or accounts is two entries.
    func entryKey(_ key: String, scope: String) -> Data {
        let material = scope.isEmpty ? key : scope + "\u{0}" + key
        return Data(HMAC<SHA256>.authenticationCode(for: Array(material.utf8), using: indexKey))
    }

    /// The hashed tag of a scope, kept beside its entries so they can be removed together without the file
    /// showing which scope they belong to.
    func scopeTag(_ scope: String) -> Data {
        if scope.isEmpty { return Data() }
        return Data(HMAC<SHA256>.authenticationCode(for: Array(("scope\u{0}" + scope).utf8), using: indexKey))
    }

    /// The value for `key` in `scope`, with when it expires; nil when absent.
    /// - Throws: `SesameError` (`.cache`) when the entry cannot be decrypted (the file was altered).
    public func lookup(_ key: String, scope: String = "") throws -> (value: SecretValue, expires: Date)? {
        let hashed = entryKey(key, scope: scope)
        let row = try database.read { db in
            try Row.fetchOne(db.makeStatement(sql: "SELECT box, fetched_at, expires_at FROM entry WHERE key = ?"), arguments: [hashed])
        }
        guard let row else { return nil }
        let sealed: Data = row["box"]
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let payload = try? AES.GCM.open(box, using: sealingKey, authenticating: hashed),
            let content = Self.decode(payload)
        else {
            throw SesameError(code: .cache, message: "a disk cache entry could not be decrypted (the file was altered)")
        }
        let fetchedAt = Date(timeIntervalSince1970: row["fetched_at"])
        let metadata = SecretValue.Metadata(source: .diskCache, fetchedAt: fetchedAt, version: content.version)
        return (SecretValue(content.content, metadata: metadata), Date(timeIntervalSince1970: row["expires_at"]))
    }

    /// Stores `value` for `key` in `scope` until `expires`.
    public func store(_ key: String, scope: String = "", value: SecretValue, expires: Date) throws {
        let hashed = entryKey(key, scope: scope)
        let payload = Self.encode(value)
        let sealed = try AES.GCM.seal(payload, using: sealingKey, authenticating: hashed).combined ?? Data()
        let fetchedAt = (value.metadata.fetchedAt ?? Date()).timeIntervalSince1970
        let tag = scopeTag(scope)
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO entry (key, box, fetched_at, expires_at, scope) VALUES (?, ?, ?, ?, ?)",
                arguments: [hashed, sealed, fetchedAt, expires.timeIntervalSince1970, tag]
            )
        }
    }

    /// The sealed box kept for `key` in `scope` (tests look for it in the files).
    func sealedBox(of key: String, scope: String = "") throws -> Data? {
        let hashed = entryKey(key, scope: scope)
        return try database.read { db in try Data.fetchOne(db, sql: "SELECT box FROM entry WHERE key = ?", arguments: [hashed]) }
    }

    /// Forgets `key` in `scope`; whether there was an entry. Its box is zeroed in the file's pages; call
    /// `scrub()` after a removal on purpose to take it out of the WAL too.
    @discardableResult
    public func remove(_ key: String, scope: String = "") throws -> Bool {
        let hashed = entryKey(key, scope: scope)
        return try database.write { db in
            try db.execute(sql: "DELETE FROM entry WHERE key = ?", arguments: [hashed])
            return db.changesCount > 0
        }
    }

    /// Forgets every entry of `scope` (a signed-out account, a removed profile); returns how many there were.
    @discardableResult
    public func removeAll(scope: String) throws -> Int {
        let tag = scopeTag(scope)
        let removed = try database.write { db in
            try db.execute(sql: "DELETE FROM entry WHERE scope = ?", arguments: [tag])
            return db.changesCount
        }
        if removed > 0 { scrub() }
        return removed
    }

    /// Forgets everything.
    public func removeAll() throws {
        try database.write { db in try db.execute(sql: "DELETE FROM entry") }
        scrub()
    }

    /// After removals on purpose (a sign-out, `cache clear REF`, a forgotten session): the WAL, which may still
    /// hold the pages as they were while this or another process keeps the file open, is checkpointed and
    /// truncated (`secure_delete` already zeroed them in the file). Best effort, waiting at most 200 ms for a
    /// reader in another process; otherwise the old pages stay until the WAL is reused or its last connection
    /// closes. Removals in passing (an agent's evictions, expired entries, a value found gone) are only zeroed:
    /// a checkpoint costs fsyncs.
    public func scrub() {
        Self.briefly(database, "PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Whether `error` may not happen again at the next try: another process holding the file, an I/O error, no
    /// memory.
    private static func mayPass(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOMEM, .SQLITE_INTERRUPT, .SQLITE_PROTOCOL, .SQLITE_IOERR].contains(error.resultCode)
    }

    /// Runs `statements` outside a transaction, waiting at most 200 ms for another process's reader; what fails is
    /// left undone, and its error returned.
    @discardableResult
    private static func briefly(_ database: DatabaseQueue, _ statements: String...) -> (any Error)? {
        do {
            try database.writeWithoutTransaction { db in
                let timeout = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
                try db.execute(sql: "PRAGMA busy_timeout = 200")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
                for statement in statements { try db.execute(sql: statement) }
            }
            return nil
        } catch {
            return error
        }
    }

    /// Removes the entries that expired before `date` (so a file never grows with values nobody can use); returns
    /// how many. Reads first, so a file with nothing to purge costs no write.
    @discardableResult
    public func purge(expiredBefore date: Date) throws -> Int {
        let cutoff = date.timeIntervalSince1970
        let any = try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM entry WHERE expires_at < ?)", arguments: [cutoff]) ?? false
        }
        guard any else { return 0 }
        return try database.write { db in
            try db.execute(sql: "DELETE FROM entry WHERE expires_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    /// What the file holds, never a value or a key: how many entries (and how many expired), the oldest and newest
    /// read, and the bytes the file and its WAL take.
    public struct Statistics: Sendable, Codable {
        public var entries: Int
        public var expired: Int
        public var oldestFetch: Date?
        public var newestFetch: Date?
        public var bytes: Int
    }

    public func statistics(now: Date = Date()) throws -> Statistics {
        let row = try database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS entries, COALESCE(SUM(expires_at < ?), 0) AS expired, MIN(fetched_at) AS oldest, MAX(fetched_at) AS newest
                    FROM entry
                    """, arguments: [now.timeIntervalSince1970])
        }
        var bytes = 0
        for file in [path, path + "-wal"] {
            bytes += (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        }
        return Statistics(
            entries: row?["entries"] ?? 0, expired: row?["expired"] ?? 0,
            oldestFetch: (row?["oldest"] as Double?).map(Date.init(timeIntervalSince1970:)),
            newestFetch: (row?["newest"] as Double?).map(Date.init(timeIntervalSince1970:)), bytes: bytes
        )
    }

    /// How many entries the file holds.
    public func count() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry") ?? 0 }
    }

    // MARK: Payload: kind (0 text, 1 bytes), version length (UInt16 BE), version, value.

    static func encode(_ value: SecretValue) -> Data {
        var data = Data()
        let version = Array((value.metadata.version ?? "").utf8.prefix(65535))
        switch value.content {
        case .text: data.append(0)
        case .bytes: data.append(1)
        }
        data.append(UInt8(version.count >> 8))
        data.append(UInt8(version.count & 0xFF))
        data.append(contentsOf: version)
        data.append(contentsOf: value.bytes)
        return data
    }

    static func decode(_ data: Data) -> (content: SecretValue.Content, version: String?)? {
        let bytes = Array(data)
        guard bytes.count >= 3, bytes[0] <= 1 else { return nil }
        let versionLength = Int(bytes[1]) << 8 | Int(bytes[2])
        guard bytes.count >= 3 + versionLength else { return nil }
        let version = String(decoding: bytes[3..<(3 + versionLength)], as: UTF8.self)
        let value = Array(bytes[(3 + versionLength)...])
        if bytes[0] == 0 {
            guard let text = String(validating: value, as: UTF8.self) else { return nil }
            return (.text(text), version.isEmpty ? nil : version)
        }
        return (.bytes(value), version.isEmpty ? nil : version)
    }

    // MARK: Files

    /// Creates the file with mode 0600 before SQLite opens it (SQLite gives its WAL the same mode), and refuses
    /// an existing one that others can read.
    static func prepareFile(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw SesameError(code: .cache, message: "could not create the folder \(directory) for the disk cache: \(error)")
            }
        }
        do {
            try SecretFile.prepareDatabase(path)
        } catch {
            throw SesameError(code: .cache, message: "the disk cache \(error)")
        }
    }

    /// The key in `path`, or a new random one written there: created whole or not at all (a process that starts
    /// at the same time reads the same key, never an empty file), mode 0600, and refused when others can read it.
    static func loadOrCreateKeyFile(_ path: String) throws -> [UInt8] {
        for attempt in 0..<3 {
            let stored: [UInt8]?
            do {
                stored = try SecretFile.readPrivate(path, limit: 4096)
            } catch {
                throw SesameError(code: .cache, message: "the key file \(error)")
            }
            if let stored {
                guard !stored.isEmpty else {
                    // Being written by another process on a file system without hard links; else an earlier version's
                    // write that was cut short.
                    if attempt < 2 {
                        usleep(100_000)
                        continue
                    }
                    throw SesameError(code: .cache, message: "the key file \(path) is empty (a write was cut short); remove it and start again")
                }
                // Trimmed as bytes: no String (or NSString, which trimmingCharacters bridges through) copy of the key.
                let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
                let first = stored.firstIndex { !isSpace($0) } ?? stored.endIndex
                let end = (stored.lastIndex { !isSpace($0) }).map { $0 + 1 } ?? first
                let encoded = stored[first..<max(first, end)].withUnsafeBytes { Data($0) }
                guard let data = Data(base64Encoded: encoded), data.count == 32
                else {
                    throw SesameError(code: .cache, message: "the key file \(path) does not hold a base64 32-byte key")
                }
                return Array(data)
            }
            let key = randomBytes(32)
            do {
                // Another process may create it first: then its key is read on the next turn.
                if try SecretFile.create(Array((Data(key).base64EncodedString() + "\n").utf8), at: path) { return key }
            } catch {
                throw SesameError(code: .cache, message: "could not create the key file: \(error)")
            }
        }
        throw SesameError(code: .cache, message: "the key file \(path) keeps changing; is another program replacing it?")
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

extension DiskCache: Redacting {
    public var redactedDescription: String { "path: \(path), keys: <redacted>" }
}

extension DiskCache.Key: Redacting {
    public var redactedDescription: String {
        switch self {
        case .passphrase: "passphrase(<redacted>)"
        case .keyFile(let path): "keyFile(\(path))"
        case .raw: "raw(<redacted>)"
        }
    }
}
