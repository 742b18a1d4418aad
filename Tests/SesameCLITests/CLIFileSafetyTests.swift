import Foundation
import SesameTestSupport
import Testing

/// Files that hold secrets or keys, as processes leave them: created whole or not at all by processes racing to
/// make them, whole (old or new) after a writer is killed mid-way, private from the first start, and a damaged
/// database said to be one. The process itself dumps no core.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIFileSafetyTests {
    static let password = "Files-Admin-Passw0rd!"

    static func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    static func start(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try SesameProcess.binary())
        process.arguments = arguments
        process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin) }
        try process.run()
        return process
    }

    /// Eight processes opening the disk cache at once for the first time: one key, whole, 0600; all of them work.
    @Test func processesRacingToMakeTheCacheKeyAllGetTheSameWholeKey() async throws {
        try await onOwnThread {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let env = ["SESAME_CONFIG_DIR": directory.path, "NAME": "value"]
            let processes = try (0..<8).map { _ in try Self.start(["get", "env://NAME", "--cache"], environment: env) }
            for process in processes { process.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(processes.map(\.terminationStatus))")
            let key = try String(contentsOfFile: directory.file("cache.key"), encoding: .utf8)
            #expect(Data(base64Encoded: key.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
            #expect(try Self.mode(directory.file("cache.key")) == 0o600)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".sesame-") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    /// `sesame inject -o FILE` killed while it writes a large file: FILE is the old content or the new, whole,
    /// every time, and nothing is left beside it. (The writer is seen mid-way through /proc/PID/fd, which root can
    /// read even though sesame makes itself non-dumpable; the tests run as root here and in CI.)
    @Test func aWriterKilledMidWayLeavesTheOldOrTheNewFileWhole() async throws {
        try await onOwnThread {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let output = directory.file("rendered.conf")
            let size = 24 << 20
            try Data(repeating: UInt8(ascii: "A"), count: size).write(to: URL(fileURLWithPath: output))
            var current: UInt8 = UInt8(ascii: "A")
            var caughtMidWay = 0
            for round in 0..<8 {
                let letter = UInt8(ascii: "B") + UInt8(round)
                let template = directory.file("template-\(round)")
                try Data(repeating: letter, count: size).write(to: URL(fileURLWithPath: template))
                let process = try Self.start(["inject", "-i", template, "-o", output])
                // Wait until the process holds a file in the folder that has no name yet (or a temporary one).
                let deadline = Date().addingTimeInterval(20)
                var writing = false
                while process.isRunning, Date() < deadline, !writing {
                    usleep(300)  // a look every 0.3 ms, without spinning a core the rest of the suite needs
                    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")) ?? []
                    writing = descriptors.contains { descriptor in
                        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/\(descriptor)")) ?? ""
                        return target.hasPrefix(directory.path) && (target.hasSuffix("(deleted)") || target.contains(".sesame-"))
                    }
                }
                if writing {
                    kill(process.processIdentifier, SIGKILL)
                    caughtMidWay += 1
                }
                process.waitUntilExit()
                let content = try Data(contentsOf: URL(fileURLWithPath: output))
                #expect(content.count == size, "round \(round): \(content.count) bytes")
                let first = content.first ?? 0
                #expect(first == current || first == letter, "round \(round): neither the old nor the new content")
                #expect(!content.contains { $0 != first }, "round \(round): a mix of old and new")
                current = first
                try FileManager.default.removeItem(atPath: template)
            }
            #expect(caughtMidWay >= 3, "only \(caughtMidWay) of 8 writers were caught while writing")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "rendered.conf" }
            #expect(leftovers.isEmpty, "left beside the file: \(leftovers)")
        }
    }

    /// The server's database, its WAL and shared-memory files and its key are 0600 while it runs, from the first
    /// start (SQLite gives the side files the database's mode, so it is set before SQLite opens it), and the
    /// process dumps no core.
    @Test func theServersFilesArePrivateFromTheFirstStart() async throws {
        try await onOwnThread {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let database = directory.file("dev.sqlite")
            let server = try SesameProcess.Server(arguments: ["--database", database], adminPassword: Self.password)
            defer { server.stop() }
            let created = try SesameProcess.run(
                ["secret", "create", "--template", "Password", "--name", "wal", "--field", "username=u", "--field", "password=-"],
                environment: ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password], input: "Wal-Value-1\n")
            #expect(created.status == 0, "\(created.stderr)")
            for suffix in ["", "-wal", "-shm", ".key"] {
                #expect(FileManager.default.fileExists(atPath: database + suffix), "no \(database + suffix)")
                let mode = try Self.mode(database + suffix)
                #expect(mode == 0o600, "\(suffix): \(String(mode, radix: 8))")
            }
            let limits = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/limits", encoding: .utf8)
            let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
            #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first == "0", "\(core)")
        }
    }

    @Test func aDamagedDatabaseIsSaidToBeOne() async throws {
        try await onOwnThread {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let database = directory.file("broken.sqlite")
            _ = FileManager.default.createFile(atPath: database, contents: Data(repeating: 0x5A, count: 8192), attributes: [.posixPermissions: 0o600])
            let result = try SesameProcess.run(
                ["server", "--dev", "--port", "0", "--database", database],
                environment: ["SESAME_ADMIN_PASSWORD": Self.password], timeout: 30)
            #expect(result.status == 1)
            #expect(result.stderr.contains("damaged") && result.stderr.contains(database), "\(result.stderr)")
            #expect(!result.stderr.contains("port"), "\(result.stderr)")
        }
    }

    /// `script push` uploads plain files of the folder only: a link pointing out of it is skipped, not uploaded.
    @Test func scriptPushNeverFollowsALinkOutOfTheFolder() async throws {
        try await onOwnThread {
            let server = try SesameProcess.Server(adminPassword: Self.password)
            defer { server.stop() }
            let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let outside = try TemporaryDirectory()
            defer { outside.remove() }
            try "Outside-Secret-Text".write(toFile: outside.file("id_rsa"), atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: directory.file("steal.sh"), withDestinationPath: outside.file("id_rsa"))
            try "echo fine".write(toFile: directory.file("fine.sh"), atomically: true, encoding: .utf8)
            let push = try SesameProcess.run(["script", "push", directory.path], environment: env)
            #expect(push.status == 0, "\(push.stderr)")
            #expect(push.stderr.contains("skipped steal.sh"))
            let listed = try SesameProcess.run(["api", "GET", "/v2/userscripts", "-f", "take=100"], environment: env)
            #expect(listed.stdout.contains("fine") && !listed.stdout.contains("steal") && !listed.stdout.contains("Outside-Secret-Text"), "\(listed.stdout)")
        }
    }

    /// An export file's header cannot ask for scrypt parameters that exhaust memory before the seal is checked;
    /// new exports use N = 2^17 and a passphrase of 12 characters or more.
    @Test func exportFilesKeepTheirKeyDerivationWithinBounds() async throws {
        try await onOwnThread {
            let server = try SesameProcess.Server(adminPassword: Self.password)
            defer { server.stop() }
            let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let file = directory.file("personal.sesame")
            let short = try SesameProcess.run(
                ["export", "\\Personal Folders", "-o", file],
                environment: env.merging(["SESAME_EXPORT_PASSPHRASE": "eleven-char"]) { $1 })
            #expect(short.status == 1 && short.stderr.contains("at least 12"), "\(short.stderr)")
            let made = try SesameProcess.run(
                ["export", "\\Personal Folders", "-o", file],
                environment: env.merging(["SESAME_EXPORT_PASSPHRASE": "twelve-chars-ok"]) { $1 })
            #expect(made.status == 0, "\(made.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let header = String(decoding: data.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            #expect(header.contains(#""logN":17"#), "\(header)")
            for crafted in [#""r":8"#: #""r":1048576"#, #""p":1"#: #""p":4096"#, #""logN":17"#: #""logN":30"#] {
                let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: crafted.key, with: crafted.value)
                let bad = directory.file("crafted.sesame")
                try Data(text.utf8).write(to: URL(fileURLWithPath: bad))
                let opened = try SesameProcess.run(["import", bad], environment: env.merging(["SESAME_EXPORT_PASSPHRASE": "twelve-chars-ok"]) { $1 })
                #expect(opened.status == 1 && opened.stderr.contains("does not accept"), "\(opened.stderr)")
            }
        }
    }
}
