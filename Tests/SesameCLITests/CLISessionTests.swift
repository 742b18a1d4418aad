import Foundation
import SesameTestSupport
import Testing

/// A stored session survives its tokens: every command that renews it (get, run, inject, and the resource
/// commands) keeps the renewed session at once, two sesame processes never spend one refresh token, and a profile's
/// TLS settings never reach another server.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLISessionTests {
    static let password = "Session-Admin-Passw0rd!"

    /// A server whose tokens live 20 s: with a renewal margin longer than that, every command renews the stored
    /// session, spending the refresh token the previous command left.
    func loggedIn(_ body: (SesameProcess.Server, [String: String]) throws -> Void) throws {
        let server = try SesameProcess.Server(arguments: ["--token-lifetime", "20"], adminPassword: Self.password)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ["SESAME_CONFIG_DIR": directory.path]
        let admin = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        let created = try SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "db", "--field", "username=app", "--field", "password=-"],
            environment: admin, input: "Session-Value-1\n")
        #expect(created.status == 0, "\(created.stderr)")
        let login = try SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-stdin"], environment: config, input: Self.password + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        try body(server, config)
    }

    @Test func everyCommandKeepsTheRenewedSession() async throws {
        try await onOwnThread {
            try loggedIn { _, config in
                // Each one spends the refresh token the one before it kept; one that did not keep its successor would
                // leave the next with a spent token.
                for _ in 0..<3 {
                    let read = try SesameProcess.run(["get", "tss://1/password"], environment: config)
                    #expect(read.status == 0 && read.stdout == "Session-Value-1", "\(read.stderr)")
                }
                let run = try SesameProcess.run(["run", "--", "sh", "-c", "echo $DB"], environment: config.merging(["DB": "tss://1/password"]) { $1 })
                #expect(run.status == 0 && run.stdout == "Session-Value-1\n", "\(run.stderr)")
                let inject = try SesameProcess.run(["inject"], environment: config, input: "pw={{ tss://1/username }}")
                #expect(inject.status == 0 && inject.stdout == "pw=app", "\(inject.stderr)")
                // A command that fails after the renewal still keeps it.
                let failed = try SesameProcess.run(["get", "tss://1/no-such-field"], environment: config)
                #expect(failed.status == 5)
                let after = try SesameProcess.run(["secret", "get", "1", "--field", "password"], environment: config)
                #expect(after.status == 0 && after.stdout == "Session-Value-1", "\(after.stderr)")
            }
        }
    }

    @Test func concurrentCommandsNeverSpendOneRefreshTokenTwice() async throws {
        try await onOwnThread {
            try loggedIn { _, config in
                let results = try (0..<6).map { _ in
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: try SesameProcess.binary())
                    process.arguments = ["get", "tss://1/password"]
                    process.environment = config.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]) { $1 }
                    let output = Pipe()
                    let errors = Pipe()
                    process.standardOutput = output
                    process.standardError = errors
                    try process.run()
                    return (process, output, errors)
                }.map { process, output, errors in
                    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    return (process.terminationStatus, text, problem)
                }
                for (status, text, problem) in results {
                    #expect(status == 0 && text == "Session-Value-1", "\(status): \(problem)")
                }
                let later = try SesameProcess.run(["get", "tss://1/password"], environment: config)
                #expect(later.status == 0, "\(later.stderr)")
            }
        }
    }

    /// A profile signed in with `--insecure-skip-tls-verify` to one server does not switch verification off for
    /// another named by SESAME_URL; signing in again without the flag clears it; the dev CA is written to a folder
    /// only its user can enter.
    @Test func aProfilesTLSSettingsStayWithItsServer() async throws {
        try await onOwnThread {
            let trusted = try SesameProcess.Server(arguments: ["--tls"], adminPassword: Self.password)
            defer { trusted.stop() }
            let other = try SesameProcess.Server(arguments: ["--tls"], adminPassword: Self.password)
            defer { other.stop() }
            // Without --tls-ca-out or --database the CA goes to a new private folder, not a guessable name in /tmp.
            // Where the CA is comes from the ready file; the banner tells the user the same.
            let caFile = try #require(trusted.caFile)
            #expect(trusted.banner.contains("SESAME_CA_FILE=\(caFile)"), "\(trusted.banner)")
            let folder = (caFile as NSString).deletingLastPathComponent
            let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
            #expect(mode == 0o700, "the CA's folder \(folder) has mode \(String(mode ?? 0, radix: 8))")
            #expect(!caFile.contains("sesame-dev-ca-"))

            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let config = ["SESAME_CONFIG_DIR": directory.path]
            let login = try SesameProcess.run(
                ["login", "--url", trusted.baseURL, "--username", "admin", "--password-stdin", "--insecure-skip-tls-verify"],
                environment: config, input: Self.password + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            #expect(try String(contentsOfFile: directory.file("config.yaml"), encoding: .utf8).contains("insecure: true"))
            let own = try SesameProcess.run(["folder", "list"], environment: config)
            #expect(own.status == 0, "\(own.stderr)")
            let elsewhere = try SesameProcess.run(
                ["folder", "list"],
                environment: config.merging([
                    "SESAME_URL": other.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password,
                ]) { $1 })
            #expect(elsewhere.status != 0 && elsewhere.stderr.contains("TLS"), "the profile's insecure setting reached another server: \(elsewhere.stderr)")

            let again = try SesameProcess.run(
                ["login", "--url", trusted.baseURL, "--username", "admin", "--password-stdin", "--ca-file", caFile],
                environment: config, input: Self.password + "\n")
            #expect(again.status == 0, "\(again.stderr)")
            let yaml = try String(contentsOfFile: directory.file("config.yaml"), encoding: .utf8)
            #expect(!yaml.contains("insecure") && yaml.contains("caFile"), "\(yaml)")
        }
    }

    /// A password or token never goes over plain http:// to another machine unless asked for in so many words.
    @Test func plainHTTPToAnotherMachineIsRefused() async throws {
        try await onOwnThread {
            let env = [
                "SESAME_URL": "http://192.0.2.10/SecretServer", "SESAME_USERNAME": "admin", "SESAME_PASSWORD": "Not-Sent-1",
                "SESAME_CONNECT_TIMEOUT": "0.5",
            ]
            let refused = try SesameProcess.run(["folder", "list"], environment: env)
            #expect(refused.status == 1 && refused.stderr.contains("plain http") && refused.stderr.contains("--allow-plain-http"), "\(refused.stderr)")
            let allowed = try SesameProcess.run(["folder", "list", "--allow-plain-http"], environment: env)
            #expect(allowed.status == 6, "\(allowed.stderr)")
            let login = try SesameProcess.run(
                ["login", "--url", "http://192.0.2.10/SecretServer", "--username", "a", "--password-stdin"],
                environment: ["SESAME_CONFIG_DIR": NSTemporaryDirectory() + "sesame-plain-http"], input: "x\n")
            #expect(login.status == 1 && login.stderr.contains("plain http"))
        }
    }

    /// A stored session is the profile's user's and its server's: asked for another user, or with the profile since
    /// pointed at another server, it is not used (nor sent there).
    @Test func aStoredSessionIsUsedOnlyForItsUserAndServer() async throws {
        try await onOwnThread {
            try loggedIn { server, config in
                let other = try SesameProcess.run(["folder", "list"], environment: config.merging(["SESAME_USERNAME": "someone-else"]) { $1 })
                #expect(other.status == 1 && other.stderr.contains("no password"), "the stored session was used for another user: \(other.stderr)")
                let elsewhere = try SesameProcess.Server(adminPassword: Self.password)
                defer { elsewhere.stop() }
                let path = config["SESAME_CONFIG_DIR"]! + "/config.yaml"
                let yaml = try String(contentsOfFile: path, encoding: .utf8)
                try yaml.replacingOccurrences(of: server.baseURL, with: elsewhere.baseURL).write(toFile: path, atomically: true, encoding: .utf8)
                let moved = try SesameProcess.run(["folder", "list"], environment: config)
                #expect(moved.status == 1 && moved.stderr.contains("no password"), "server A's session went to server B: \(moved.stderr)")
            }
        }
    }

    /// Logging out ends the session on the server too: a copy of the session store made before is worth nothing.
    @Test func logoutEndsTheSessionOnTheServer() async throws {
        try await onOwnThread {
            try loggedIn { _, config in
                let directory = config["SESAME_CONFIG_DIR"]!
                let copy = try TemporaryDirectory()
                defer { copy.remove() }
                for file in ["config.yaml", "sessions.sqlite", "sessions.key"] {
                    try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: copy.file(file))
                }
                for file in ["sessions.sqlite-wal", "sessions.sqlite-shm"] where FileManager.default.fileExists(atPath: directory + "/" + file) {
                    try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: copy.file(file))
                }
                let logout = try SesameProcess.run(["logout"], environment: config)
                #expect(logout.status == 0 && logout.stdout.contains("The server ended the session"), "\(logout.stdout) \(logout.stderr)")
                let stolen = try SesameProcess.run(["folder", "list"], environment: ["SESAME_CONFIG_DIR": copy.path])
                #expect(stolen.status == 3, "a copy of the session store still signs in: \(stolen.stderr)")
            }
        }
    }
}
