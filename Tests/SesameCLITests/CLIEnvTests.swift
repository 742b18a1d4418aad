import Foundation
import SecretServer
import SecretServerModels
import SesameTestSupport
import Testing
import Yams

/// `sesame env` as a process: every format read back by what it is for (a POSIX shell, bash, JSON, YAML, the
/// GitHub runner's heredoc rule, docker's literal lines), byte for byte, with the characters that break quoting.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIEnvTests {
    static let password = "Env-Cli-Passw0rd!"
    /// Spaces, both quotes, `$`, backquotes, `#`, a backslash, a newline, a trailing space, `%`, non-ASCII.
    static let values = [
        "username": "it's a \"quoted\" $HOME `date` #not-a-comment \\n",
        "password": "line one\nline 'two'\n  three  ",
        "resource": "-dash %25 ünïcødé ‘curly’ ",
        "notes": "plain",
    ]

    func secret(_ server: SesameProcess.Server, name: String, requiresComment: Bool = false) async throws -> Int {
        let configuration = SecretServerClient.Configuration(baseURL: server.baseURL, credentials: .password(username: "admin", password: Self.password))
        return try await SecretServerClient.withClient(configuration: configuration) { client in
            var stub = try await client.secretStub(templateId: 2)
            stub.name = name
            for (slug, value) in Self.values { stub.setValue(value, forItem: slug) }
            stub.requiresComment = requiresComment
            stub.folderId = try await client.folder(path: "\\Env").id
            return try await client.createSecret(stub).id
        }
    }

    /// What `script` prints in `shell`, run in `directory`.
    func shell(_ shell: String, _ script: String, in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ["PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func everyFormatReadsBackExactlyWhatWasStored() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password, "HOME": directory.path]
        #expect(try await onOwnThread { try SesameProcess.run(["folder", "create", "\\Env"], environment: env).status } == 0)
        let id = try await secret(server, name: "app")
        func refs(_ lines: [String: String]) throws -> String {
            let path = directory.file("refs-\(UUID().uuidString)")
            try lines.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        try await onOwnThread {
            let names = ["NOTES", "PASSWORD", "RESOURCE", "USERNAME"]
            let expected = Dictionary(uniqueKeysWithValues: Self.values.map { ($0.key.uppercased(), $0.value) })

            // dotenv and export, sourced by dash and bash (set -a exports what the file assigns).
            for (format, source) in [("dotenv", "set -a; . ./vars"), ("export", ". ./vars")] {
                let written = try SesameProcess.run(["env", "tss://\(id)", "--format", format, "--out", directory.file("vars")], environment: env)
                #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
                let mode = try FileManager.default.attributesOfItem(atPath: directory.file("vars"))[.posixPermissions] as? Int
                #expect(mode == 0o600)
                for shell in ["/bin/sh", "/bin/bash"] {
                    for name in names {
                        // The child's own environment is what matters: read it back with printenv.
                        let read = try self.shell(shell, "\(source); printenv \(name); printf .", in: directory.path)
                        #expect(read == expected[name]! + "\n.", "\(format) in \(shell): \(name) came back as \(read.debugDescription)")
                    }
                }
            }

            let json = try SesameProcess.run(["env", "tss://Env/app", "--format", "json"], environment: env)
            #expect(try JSONDecoder().decode([String: String].self, from: Data(json.stdout.utf8)) == expected, "\(json.stderr)")
            let yaml = try SesameProcess.run(["env", "tss://\(id)", "--format", "yaml"], environment: env)
            #expect(try YAMLDecoder().decode([String: String].self, from: yaml.stdout) == expected, "\(yaml.stdout)")

            // A folder prefix: every field of every secret in it, named SECRET_FIELD.
            let folder = try SesameProcess.run(["env", "tss://Env/", "--format", "json"], environment: env)
            let byFolder = try JSONDecoder().decode([String: String].self, from: Data(folder.stdout.utf8))
            #expect(byFolder == Dictionary(uniqueKeysWithValues: expected.map { ("APP_" + $0.key, $0.value) }), "\(folder.stderr)")

            // docker --env-file takes each line literally after the first '=': no quoting, and no line breaks.
            let docker = try SesameProcess.run(
                [
                    "env", "--from", try refs(["NAME": "tss://\(id)/username", "PLAIN": "literal value"]),
                    "--format", "docker",
                ], environment: env)
            #expect(docker.stdout == "NAME=\(Self.values["username"]!)\nPLAIN=literal value\n", "\(docker.stderr)")
            let multiline = try SesameProcess.run(["env", "tss://\(id)", "--format", "docker", "--out", directory.file("docker.env")], environment: env)
            #expect(multiline.status == 1 && multiline.stderr.contains("PASSWORD holds a line break"))
            #expect(!FileManager.default.fileExists(atPath: directory.file("docker.env")))

            // GitHub Actions: masks first on standard output, then NAME<<DELIMITER blocks appended to $GITHUB_ENV.
            let githubEnv = directory.file("github_env")
            try "EARLIER=kept\n".write(toFile: githubEnv, atomically: true, encoding: .utf8)
            let github = try SesameProcess.run(
                ["env", "tss://\(id)", "--format", "github"],
                environment: env.merging(["GITHUB_ENV": githubEnv, "GITHUB_ACTIONS": "true"]) { $1 })
            #expect(github.status == 0, "\(github.stderr)")
            let masks = github.stdout.split(separator: "\n").map(String.init)
            #expect(masks.allSatisfy { $0.hasPrefix("::add-mask::") })
            #expect(masks.contains("::add-mask::line one%0Aline 'two'%0A  three  ") && masks.contains("::add-mask::line 'two'"))
            #expect(masks.contains("::add-mask::-dash %2525 ünïcødé ‘curly’ "))
            let appended = try String(contentsOfFile: githubEnv, encoding: .utf8)
            #expect(appended.hasPrefix("EARLIER=kept\n"))
            #expect(try Self.parseGitHubEnvironment(appended) == expected.merging(["EARLIER": "kept"]) { $1 })
            let outside = try SesameProcess.run(["env", "tss://\(id)", "--format", "github"], environment: env)
            #expect(outside.status == 1 && outside.stderr.contains("GITHUB_ENV"))
            // Outside a runner there is nothing to mask for: the values are not printed.
            let toFile = try SesameProcess.run(["env", "tss://\(id)", "--format", "github", "--out", directory.file("gh")], environment: env)
            #expect(toFile.status == 0 && toFile.stdout.isEmpty, "\(toFile.stdout)")
            #expect(try Self.parseGitHubEnvironment(String(contentsOfFile: directory.file("gh"), encoding: .utf8)) == expected)
        }

        // Restricted secrets take --comment here too; every value is read before anything is written.
        let restricted = try await secret(server, name: "restricted", requiresComment: true)
        try await onOwnThread {
            let file = try refs(["OPEN": "tss://\(id)/notes", "CLOSED": "tss://\(restricted)/password"])
            let refused = try SesameProcess.run(["env", "--from", file, "--out", directory.file("restricted.env")], environment: env)
            #expect(refused.status == 7 && refused.stderr.contains("--comment"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("restricted.env")))
            let allowed = try SesameProcess.run(["env", "--from", file, "--comment", "INC-8", "--format", "json"], environment: env)
            #expect(
                try JSONDecoder().decode([String: String].self, from: Data(allowed.stdout.utf8))
                    == ["OPEN": "plain", "CLOSED": Self.values["password"]!], "\(allowed.stderr)")

            let clash = try SesameProcess.run(["env", "--from", try refs(["A": "tss://\(id)/notes"]), "tss://\(id)"], environment: env)
            #expect(clash.status != 0 && clash.stderr.contains("not both"))
        }
    }

    /// The runner's rule for `$GITHUB_ENV`: `NAME=value` lines, or `NAME<<DELIMITER`, the value's lines, `DELIMITER`.
    static func parseGitHubEnvironment(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            if line.isEmpty { continue }
            if let marker = line.range(of: "<<") {
                let name = String(line[..<marker.lowerBound])
                let delimiter = String(line[marker.upperBound...])
                var value: [String] = []
                while let next = lines.popFirst(), next != delimiter { value.append(next) }
                result[name] = value.joined(separator: "\n")
            } else if let equals = line.firstIndex(of: "=") {
                result[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        return result
    }
}
