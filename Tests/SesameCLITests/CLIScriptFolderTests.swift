import Foundation
import SecretServer
import SesameTestSupport
import Testing

/// `sesame script pull|push|watch` as processes against a `sesame server --dev` process.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIScriptFolderTests {
    static let password = "Scripts-Admin-Passw0rd!"

    func withServer(_ body: (SecretServerClient, [String: String], TemporaryDirectory) async throws -> Void) async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        try await SecretServerClient.withClient(
            configuration: .init(
                baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password)
            )
        ) { client in
            try await body(client, env, directory)
        }
    }

    @Test func pullWritesSafeNamesAndPushUploadsChanges() async throws {
        try await withServer { client, env, directory in
            let deploy = try await client.createScript(name: "deploy/prod", type: .powerShell, script: "Write-Host 'v1'\n")
            _ = try await client.createScript(name: "../evil", type: .ssh, script: "echo hi\n")
            let pull = try await SesameProcess.run(["script", "pull", directory.path], environment: env)
            #expect(pull.status == 0, "\(pull.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(files == [".sesame-scripts.json", "_evil.sh", "deploy_prod.ps1"])
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/../evil.sh"))
            #expect(try String(contentsOfFile: directory.file("deploy_prod.ps1"), encoding: .utf8) == "Write-Host 'v1'\n")

            // A local edit is never overwritten without --force.
            try "Write-Host 'local'\n".write(toFile: directory.file("deploy_prod.ps1"), atomically: true, encoding: .utf8)
            let again = try await SesameProcess.run(["script", "pull", directory.path], environment: env)
            #expect(again.status == 1 && again.stderr.contains("deploy_prod.ps1") && again.stderr.contains("--force"))
            #expect(try String(contentsOfFile: directory.file("deploy_prod.ps1"), encoding: .utf8) == "Write-Host 'local'\n")

            // push uploads the edit and creates a script for a new file.
            try "SELECT 1;\n".write(toFile: directory.file("report.sql"), atomically: true, encoding: .utf8)
            let push = try await SesameProcess.run(["script", "push", directory.path], environment: env)
            #expect(push.status == 0, "\(push.stderr)")
            #expect(push.stdout.contains("uploaded deploy_prod.ps1 → script \(deploy.scriptId)"))
            #expect(push.stdout.contains("created report.sql"))
            #expect(!push.stdout.contains("_evil.sh"))  // unchanged: nothing sent
            #expect(try await client.script(id: deploy.scriptId).script == "Write-Host 'local'\n")
            let scripts = try await client.searchScripts().collect()
            #expect(scripts.contains { $0.name == "report" && $0.scriptType == "SQL" })

            let forced = try await SesameProcess.run(["script", "pull", directory.path, "--force"], environment: env)
            #expect(forced.status == 0)
        }
    }

    @Test func watchUploadsSavesMadeThroughARename() async throws {
        try await withServer { client, env, directory in
            let script = try await client.createScript(name: "watched", type: .ssh, script: "echo one\n")
            await #expect(try SesameProcess.run(["script", "pull", directory.path], environment: env).status == 0)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: try SesameProcess.binary())
            process.arguments = ["script", "watch", directory.path, "--debounce", "1000"]
            process.environment = env.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            let lines = LineReader(output.fileHandleForReading)
            #expect(try await lines.waitFor("watching", seconds: 20) != nil)

            // An editor's save: write a temporary file, then rename it over the original.
            let temporary = directory.file(".watched.sh.swp")
            try "echo two\n".write(toFile: temporary, atomically: false, encoding: .utf8)
            #expect(rename(temporary, directory.file("watched.sh")) == 0)
            let uploaded = try await lines.waitFor("uploaded watched.sh", seconds: 20)
            #expect(uploaded?.contains("script \(script.scriptId)") == true)
            #expect(try await client.script(id: script.scriptId).script == "echo two\n")

            // Several quick saves (back to back, well within the debounce time) become one upload of the last content.
            for version in ["three", "four", "five"] {
                try "echo \(version)\n".write(toFile: directory.file("watched.sh"), atomically: true, encoding: .utf8)
            }
            #expect(try await lines.waitFor("uploaded watched.sh", seconds: 20) != nil)
            #expect(try await client.script(id: script.scriptId).script == "echo five\n")
            try await Task.sleep(for: .milliseconds(1500))
            process.terminate()
            try await onOwnThread { process.waitUntilExit() }
            #expect(lines.all().filter { $0.contains("uploaded") }.count == 2)
        }
    }
}

/// Reads a process's output line by line in the background.
final class LineReader: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var consumed = 0

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            var buffer = ""
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                buffer += String(decoding: data, as: UTF8.self)
                while let newline = buffer.firstIndex(of: "\n") {
                    let line = String(buffer[..<newline])
                    buffer = String(buffer[buffer.index(after: newline)...])
                    lock.withLock { lines.append(line) }
                }
            }
        }
    }

    /// The next line (after those already returned) that contains `text`, waiting up to `seconds` (asleep between
    /// looks: the cooperative threads stay free for the rest of the suite).
    func waitFor(_ text: String, seconds: Double) async throws -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let found: String? = lock.withLock {
                while consumed < lines.count {
                    let line = lines[consumed]
                    consumed += 1
                    if line.contains(text) { return line }
                }
                return nil
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func all() -> [String] { lock.withLock { lines } }
}
