import Foundation
import SesameTestKit
import Testing

/// Files a user names to hand over a secret (`--admin-password-file`, `--password-file`, `--onboarding-key @FILE`):
/// the first line, read with a bound, through a symbolic link as Kubernetes mounts secrets, or from a pipe.
@Suite(.timeLimit(.minutes(5))) struct CLISecretInputFileTests {
    @Test func secretFilesAreReadThroughLinksWithABound() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A mounted secret: a link to a file others may read (Kubernetes' default mode is 0644).
        let target = directory.file("admin-password")
        try "Linked-Admin-Pass-1\nnot part of it\n".write(toFile: target, atomically: true, encoding: .utf8)
        chmod(target, 0o644)
        let link = directory.file("mounted")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let server = try await onOwnThread {
            try SesameProcess.Server(arguments: ["--admin-password-file", link], adminPassword: "Env-Admin-Pass-1")
        }
        defer { server.stop() }
        let config = ["SESAME_CONFIG_DIR": directory.path + "/config"]
        // The file's first line is the admin password (it wins over the environment's).
        let login = try await SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-file", link], environment: config)
        #expect(login.status == 0, "\(login.stderr)")
        // A pipe, as `--password-file <(pass show …)` or /dev/stdin gives one.
        let piped = try await SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-file", "/dev/stdin"], environment: config,
            input: "Linked-Admin-Pass-1\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        let refused = try await SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-stdin"], environment: config, input: "Env-Admin-Pass-1\n")
        #expect(refused.status == 3, "the environment's password was taken: \(refused.stderr)")

        // More than 64 KiB is refused before anything is read into memory.
        let large = directory.file("large")
        try String(repeating: "x", count: 70_000).write(toFile: large, atomically: true, encoding: .utf8)
        let tooLarge = try await SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-file", large], environment: config)
        #expect(tooLarge.status != 0 && tooLarge.stderr.contains("larger than 65536 bytes"), "\(tooLarge.stderr)")
        let noFile = try await SesameProcess.run(
            ["login", "--url", server.baseURL, "--username", "admin", "--password-file", directory.file("missing")], environment: config)
        #expect(noFile.status != 0 && noFile.stderr.contains("there is no password file"), "\(noFile.stderr)")

        // An onboarding key must be private, through a link as well: the open file is refused, the private one read
        // (the server then refuses the unknown rule, which proves the key was read and sent).
        let onboarding = ["login", "--url", server.baseURL, "--sdk-client", "--rule", "no-such-rule", "--onboarding-key", "@" + link]
        let open = try await SesameProcess.run(onboarding, environment: config)
        #expect(open.status != 0 && open.stderr.contains("can be read or written by other users"), "\(open.stderr)")
        chmod(target, 0o600)
        let private_ = try await SesameProcess.run(onboarding, environment: config)
        #expect(private_.status != 0 && !private_.stderr.contains("onboarding key file"), "\(private_.stderr)")
        #expect(private_.stderr.contains("POST /v1/sdk-client-accounts"), "the key was not sent: \(private_.stderr)")
    }
}
