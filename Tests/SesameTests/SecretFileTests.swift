import Foundation
import SesameFiles
import SesameTestSupport
import Testing

@testable import Sesame
@testable import SesameCore

/// Files of secrets: private from the first byte, created once, never read through a link; and the disk cache's
/// scopes and purge.
@Suite(.timeLimit(.minutes(5))) struct SecretFileTests {
    static func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    @Test func writesArePrivateWholeAndLeaveNothingBeside() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("secret.txt")
        let old = umask(0)
        defer { umask(old) }
        try SecretFile.write(Array("first".utf8), to: path)
        try SecretFile.write(Array("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["secret.txt"])
    }

    @Test func createMakesAFileOnceAndNeverReplacesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("key")
        #expect(try SecretFile.create(Array("one".utf8), at: path))
        #expect(try !SecretFile.create(Array("two".utf8), at: path))
        #expect(try SecretFile.readPrivate(path) == Array("one".utf8))
    }

    @Test func aKeyReadThroughALinkOrReadableByOthersIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SecretFile.write(Array("key".utf8), to: directory.file("real"))
        try FileManager.default.createSymbolicLink(atPath: directory.file("link"), withDestinationPath: directory.file("real"))
        #expect(throws: SecretFileError.self) { try SecretFile.readPrivate(directory.file("link")) }
        chmod(directory.file("real"), 0o644)
        let error = #expect(throws: SecretFileError.self) { try SecretFile.readPrivate(directory.file("real")) }
        #expect(error?.code == .notPrivate && "\(error!)".contains("chmod 600"))
        #expect(try SecretFile.readPrivate(directory.file("missing")) == nil)
    }

    @Test func aDatabaseAndItsSideFilesArePrivate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("db.sqlite")
        let old = umask(0)
        defer { umask(old) }
        // A WAL an earlier version left readable is tightened.
        FileManager.default.createFile(atPath: path + "-wal", contents: Data(), attributes: [.posixPermissions: 0o644])
        try SecretFile.prepareDatabase(path)
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(path + "-wal") == 0o600)
    }

    /// The same key in two scopes is two entries; a scope is removed as a whole; entries long expired are purged.
    @Test func diskCacheScopesAndPurge() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = try DiskCache(path: directory.file("cache.sqlite"), key: .raw(Array(repeating: 9, count: 32)))
        let a = CacheScope.secretServer(baseURL: "https://a.example.com", principal: "user:x")
        let b = CacheScope.secretServer(baseURL: "https://b.example.com", principal: "user:x")
        try cache.store("tss://1/password", scope: a, value: SecretValue(text: "from-a"), expires: Date() + 60)
        try cache.store("tss://1/password", scope: b, value: SecretValue(text: "from-b"), expires: Date() + 60)
        try cache.store("tss://2/password", scope: b, value: SecretValue(text: "old"), expires: Date() - 30 * 86400)
        #expect(try cache.lookup("tss://1/password", scope: a)?.value.text == "from-a")
        #expect(try cache.lookup("tss://1/password", scope: b)?.value.text == "from-b")
        #expect(try cache.lookup("tss://1/password") == nil)
        #expect(try cache.purge(expiredBefore: Date() - 7 * 86400) == 1)
        #expect(try cache.removeAll(scope: a) == 1)
        #expect(try cache.lookup("tss://1/password", scope: b)?.value.text == "from-b")
        #expect(try cache.count() == 1)
    }
}
