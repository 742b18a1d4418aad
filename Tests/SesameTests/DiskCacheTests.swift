import Crypto
import Foundation
import SesameTestKit
import SesameTestSupport
import Testing

@testable import Sesame
@testable import SesameCore
import SesameFiles

@Suite(.timeLimit(.minutes(5))) struct DiskCacheTests {
    /// The keys are those of `HKDF<SHA256>` (which earlier builds used): files they made open, values read back.
    @Test func theKeyDerivationIsHKDFSHA256() {
        for saltLength in [0, 1, 16, 32, 64, 65, 100] {
            let material = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let salt = (0..<saltLength).map { _ in UInt8.random(in: 0...255) }
            for info in ["sesame-cache-seal", "sesame-cache-index", ""] {
                let expected = HKDF<SHA256>.deriveKey(
                    inputKeyMaterial: SymmetricKey(data: material), salt: salt, info: Array(info.utf8), outputByteCount: 32)
                #expect(DiskCache.deriveKey(material, salt: salt, info: info) == expected, "salt of \(saltLength) bytes, info '\(info)'")
            }
        }
    }

    /// A store of what cannot be fetched again writes through to the disk at every commit; a cache at checkpoints.
    @Test func aDurableStoreSyncsEveryWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let durable = try DiskCache(path: directory.file("sessions.sqlite"), key: .raw(Array(repeating: 7, count: 32)), durable: true)
        let cache = try DiskCache(path: directory.file("cache.sqlite"), key: .raw(Array(repeating: 7, count: 32)))
        #expect(durable.synchronousSetting == 2 && cache.synchronousSetting == 1)
    }

    @Test func valuesAreEncryptedKeysHashedAndTheFilePrivate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cache.sqlite")
        let cache = try DiskCache(path: path, key: .passphrase("correct horse"), scryptCost: 10)
        try cache.store("aws-ps:///prod/db/password", value: SecretValue(text: "Plaintext-Canary-93"), expires: Date() + 60)
        try cache.store("tss://12/file", value: SecretValue(bytes: [0, 1, 2, 3]), expires: Date() + 60)
        #expect(try cache.lookup("aws-ps:///prod/db/password")?.value.text == "Plaintext-Canary-93")
        #expect(try cache.lookup("tss://12/file")?.value.content == .bytes([0, 1, 2, 3]))
        #expect(try cache.lookup("aws-ps:///other") == nil)

        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "\(file) must be private")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data("Plaintext-Canary-93".utf8)) == nil)
            #expect(bytes.range(of: Data("prod/db/password".utf8)) == nil)
        }
    }

    /// A short-lived `sesame get --cache` only reads: opening and closing the cache leaves its file as it was.
    @Test func aReadWritesNothingAndARemovedEntryLeavesTheFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cache.sqlite")
        let key = DiskCache.Key.raw(Array(repeating: 7, count: 32))
        do {
            let cache = try DiskCache(path: path, key: key)
            try cache.store("tss://12/password", value: SecretValue(text: "kept"), expires: Date() + 60)
        }
        // What the file holds and when it was last written, before and after two reads: the same.
        let state = {
            (
                try Data(contentsOf: URL(fileURLWithPath: path)),
                try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            )
        }
        let before = try state()
        for _ in 0..<2 {
            let cache = try DiskCache(path: path, key: key)
            #expect(try cache.lookup("tss://12/password")?.value.text == "kept")
        }
        let after = try state()
        #expect(before.0 == after.0 && before.1 == after.1, "a read wrote to the cache file")

        // A removed entry leaves both files while the cache is still open: its box is in neither (zeroed, and the WAL
        // checkpointed and truncated).
        let cache = try DiskCache(path: path, key: key)
        let box = try #require(try cache.sealedBox(of: "tss://12/password"))
        #expect(try cache.remove("tss://12/password"))
        cache.scrub()  // a removal on purpose (sign-out, cache clear REF)
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: box.prefix(16)) == nil, "\(file) still holds the removed entry")
        }
    }

    /// A cache file as an earlier build left it (no schema version, entries without scopes), made with Debian's
    /// sqlite3 from `tables` plus `more` SQL, in a folder the caller removes.
    static func earlierBuildsFile(more: String = "") async throws -> (TemporaryDirectory, String) {
        let sqlite = "/usr/bin/sqlite3"
        try #require(FileManager.default.isExecutableFile(atPath: sqlite), "sqlite3 (Debian's package) is needed; scripts/test installs it")
        let directory = try TemporaryDirectory()
        let path = directory.file("cache.sqlite")
        let tables = """
            PRAGMA journal_mode = WAL;
            PRAGMA secure_delete = OFF;
            CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
            CREATE TABLE entry (key BLOB PRIMARY KEY, box BLOB NOT NULL, fetched_at REAL NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID;
            """
        let made = try await SesameProcess.runTool(sqlite, [path, tables + more])
        try #require(made.status == 0, "\(made.stderr)")
        chmod(path, 0o600)
        return (directory, path)
    }

    /// A cache file an earlier build made (entries without scopes, no schema version) is set up once, then opened
    /// with a read. Made with Debian's sqlite3, as that build left it.
    @Test func aFileOfAnEarlierBuildIsUpgradedOnce() async throws {
        let sqlite = "/usr/bin/sqlite3"
        let (directory, path) = try await Self.earlierBuildsFile()
        defer { directory.remove() }
        let key = DiskCache.Key.raw(Array(repeating: 9, count: 32))
        do {
            let cache = try DiskCache(path: path, key: key)
            try cache.store("tss://3/password", scope: "server-a", value: SecretValue(text: "upgraded"), expires: Date() + 60)
            #expect(try cache.lookup("tss://3/password", scope: "server-a")?.value.text == "upgraded")
        }
        let version = try await SesameProcess.runTool(
            sqlite, [path, "PRAGMA user_version; SELECT COUNT(*) FROM pragma_table_info('entry') WHERE name = 'scope';"])
        #expect(version.stdout.split(separator: "\n") == ["\(DiskCache.schemaVersion)", "1"], "\(version.stdout) \(version.stderr)")
        let written = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(try DiskCache(path: path, key: key).lookup("tss://3/password", scope: "server-a")?.value.text == "upgraded")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == written, "opening it again wrote to it")
    }

    /// Builds before `secure_delete` was set left a removed entry's box in the file's free pages wherever SQLite is
    /// built without SECURE_DELETE (Debian's has it on; the file is made here with it off, as elsewhere); the
    /// upgrade rewrites the file once, so the box is in neither the file nor its WAL afterwards.
    @Test func anEarlierBuildsRemovedEntriesAreGoneAfterTheUpgrade() async throws {
        let marker = String(repeating: "5e5a4e", count: 40)  // stands for a removed entry's sealed box
        let (directory, path) = try await Self.earlierBuildsFile(
            more: """
                INSERT INTO entry VALUES (x'01', x'\(marker)', 0, 0);
                PRAGMA wal_checkpoint(TRUNCATE);
                DELETE FROM entry;
                PRAGMA wal_checkpoint(TRUNCATE);
                """)
        defer { directory.remove() }
        let box = Data(stride(from: 0, to: marker.count, by: 2).map { UInt8(marker.dropFirst($0).prefix(2), radix: 16)! })
        let holds = { (file: String) throws -> Bool in
            guard FileManager.default.fileExists(atPath: file) else { return false }
            return try Data(contentsOf: URL(fileURLWithPath: file)).range(of: box) != nil
        }
        try #require(try holds(path), "the earlier build's file should still hold the removed box (the test's premise)")
        let cache = try DiskCache(path: path, key: .raw(Array(repeating: 9, count: 32)))
        #expect(try cache.lookup("tss://3/password") == nil)
        for file in [path, path + "-wal"] {
            #expect(try !holds(file), "\(file) still holds the removed entry after the upgrade")
        }
    }

    @Test func aWrongPassphraseOrAReadableFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cache.sqlite")
        _ = try DiskCache(path: path, key: .passphrase("right"), scryptCost: 10)
        #expect {
            _ = try DiskCache(path: path, key: .passphrase("wrong"), scryptCost: 10)
        } throws: { error in
            (error as? SesameError)?.code == .cache && "\(error)".contains("another key or passphrase")
        }
        chmod(path, 0o644)
        #expect {
            _ = try DiskCache(path: path, key: .passphrase("right"), scryptCost: 10)
        } throws: { error in
            "\(error)".contains("chmod 600")
        }
    }

    @Test func aKeyFileIsCreatedPrivateAndReused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try DiskCache(path: directory.file("c.sqlite"), key: .keyFile(directory.file("c.key")))
        try first.store("k", value: SecretValue(text: "v"), expires: Date() + 60)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("c.key"))
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let second = try DiskCache(path: directory.file("c.sqlite"), key: .keyFile(directory.file("c.key")))
        #expect(try second.lookup("k")?.value.text == "v")
        // The key is read with the blanks around it (an editor's CRLF, an indent) taken off, and nothing else.
        let written = try String(contentsOfFile: directory.file("c.key"), encoding: .utf8)
        let key = String(written.dropLast())
        for padded in [" \t" + key + "\r\n", key, "\n" + key + "  "] {
            try SecretFile.write(Array(padded.utf8), to: directory.file("c.key"), mode: 0o600)
            let reopened = try DiskCache(path: directory.file("c.sqlite"), key: .keyFile(directory.file("c.key")))
            #expect(try reopened.lookup("k")?.value.text == "v", "\(Array(padded.utf8.prefix(3)))")
        }
        for broken in [" \r\n\t ", key.dropLast(4) + "\n", key + "AAAA"] {
            try SecretFile.write(Array(broken.utf8), to: directory.file("c.key"), mode: 0o600)
            #expect {
                _ = try DiskCache(path: directory.file("c.sqlite"), key: .keyFile(directory.file("c.key")))
            } throws: { error in
                "\(error)".contains("does not hold a base64 32-byte key") && !"\(error)".contains(key)
            }
        }
    }

    /// Two handles on one file (separate SQLite connections, as two processes would have) writing at once.
    @Test func severalWritersShareOneFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("shared.sqlite")
        let key = DiskCache.Key.raw(Array(repeating: 7, count: 32))
        let a = try DiskCache(path: path, key: key)
        let b = try DiskCache(path: path, key: key)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, cache) in [("a", a), ("b", b)] {
                group.addTask {
                    for index in 0..<200 { try cache.store("\(name)-\(index)", value: SecretValue(text: "\(index)"), expires: Date() + 60) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try a.count() == 400)
        #expect(try b.lookup("a-199")?.value.text == "199")
    }

    @Test func aCachingProviderReadsThroughTheDiskWhenMemoryIsCold() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let disk = try DiskCache(path: directory.file("c.sqlite"), key: .raw(Array(repeating: 1, count: 32)))
        let base = ScriptedProvider()
        base.values.withLock { $0["/app/db"] = "v" }
        let reference = try SecretReference(parsing: "aws-ps:///app/db")
        _ = try await CachingProvider(base, configuration: .init(disk: disk)).get(reference)
        // A new process (a new memory cache) finds it on disk without asking the provider.
        let fresh = CachingProvider(base, configuration: .init(disk: disk))
        let value = try await fresh.get(reference)
        #expect(value.text == "v" && value.metadata.source == .diskCache)
        #expect(base.reads.load(ordering: .relaxed) == 1)
        #expect(try disk.lookup(reference.cacheKey, scope: base.cacheScope) != nil)
        try await fresh.update(reference, to: .text("w"))
        #expect(try disk.lookup(reference.cacheKey, scope: base.cacheScope) == nil)
    }

    /// A value replaced through the cache leaves no copy of the old one in the file or its WAL, as `cache clear REF`
    /// and signing out leave none: the entry the read wrote is zeroed and the WAL checkpointed and truncated.
    @Test func anUpdateLeavesNoCopyOfTheOldValueInTheFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("c.sqlite")
        let disk = try DiskCache(path: path, key: .raw(Array(repeating: 1, count: 32)))
        let base = ScriptedProvider()
        // A name of its own: an update anywhere in the process drops its key from every cache (CacheInvalidation).
        base.values.withLock { $0["/app/replaced"] = "v" }
        let reference = try SecretReference(parsing: "aws-ps:///app/replaced")
        let provider = CachingProvider(base, configuration: .init(disk: disk))
        _ = try await provider.get(reference)
        let box = try #require(try disk.sealedBox(of: reference.cacheKey, scope: base.cacheScope))
        #expect(FileManager.default.fileExists(atPath: path + "-wal"), "the read's entry is expected in the WAL")
        try await provider.update(reference, to: .text("w"))
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: box.prefix(16)) == nil, "\(file) still holds the replaced value")
        }
    }
}
