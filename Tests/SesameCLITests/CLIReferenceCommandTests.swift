import Foundation
import SecretServerModels
import SesameTestSupport
import Testing

/// `sesame get`, `run` and `inject` as processes, against a `sesame server --dev` process and moto.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIReferenceCommandTests {
    static let password = "Cli-Admin-Passw0rd!"
    static let secretValue = "Ref-Secret-Value-42"

    /// A server with one secret (id 1) whose password is `secretValue`; `body` runs on a thread of its own (it
    /// waits for processes).
    func withServer(_ body: (SesameProcess.Server, [String: String]) throws -> Void) async throws {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        defer { server.stop() }
        var env = ["SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password]
        let created = try await SesameProcess.run(
            [
                "secret", "create", "--template", "Password", "--folder", "\\Personal Folders", "--name", "db", "--field", "username=app", "--field",
                "password=-",
            ],
            environment: env, input: Self.secretValue + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        if let moto = ProcessInfo.processInfo.environment["SESAME_MOTO_URL"] {
            env.merge(Moto.environment(url: moto)) { $1 }
        }
        try await onOwnThread { try body(server, env) }
    }

    @Test func getPrintsExactlyTheValueAndExitsByKindOfFailure() async throws {
        try await withServer { _, env in
            let value = try SesameProcess.run(["get", "tss://1/password"], environment: env)
            #expect(value.status == 0 && value.stdout == Self.secretValue, "\(value.stderr)")
            let byPath = try SesameProcess.run(["get", "tss://Personal Folders/db/username"], environment: env)
            #expect(byPath.stdout == "app", "\(byPath.stderr)")
            let json = try SesameProcess.run(["get", "tss://1/username", "--output", "json"], environment: env)
            #expect(json.stdout.contains(#""value" : "app""#) && json.stdout.contains(#""source" : "provider""#))

            let missing = try SesameProcess.run(["get", "tss://1/nothing"], environment: env)
            #expect(missing.status == 5 && missing.stderr.contains("no field"))
            let malformed = try SesameProcess.run(["get", "tss:/1/password"], environment: env)
            #expect(malformed.status == 1 && malformed.stderr.contains("expected '//'") && malformed.stderr.contains("^"))
            var wrong = env
            wrong["SESAME_PASSWORD"] = "not-the-password"
            let refused = try SesameProcess.run(["get", "tss://1/password"], environment: wrong)
            #expect(refused.status == 3, "\(refused.stderr)")
            var away = env
            away["SESAME_URL"] = "http://127.0.0.1:9/SecretServer"
            away["SESAME_CONNECT_TIMEOUT"] = "0.5"
            let unreachable = try SesameProcess.run(["get", "tss://1/password"], environment: away)
            #expect(unreachable.status == 6, "\(unreachable.stderr)")
            for result in [missing, malformed, refused, unreachable] {
                #expect(!result.stderr.contains(Self.secretValue) && !result.stderr.contains(Self.password))
            }
        }
    }

    @Test(.enabled(if: Moto.shouldRun)) func getReadsAWSReferences() async throws {
        let url = try Moto.url()
        let name = "/" + Moto.uniqueName()
        try await Moto.putParameter(name, value: #"{"user":"svc","port":"0042"}"#, url: url)
        let env = Moto.environment(url: url)
        let whole = try await SesameProcess.run(["get", "aws-ps://\(name)"], environment: env)
        #expect(whole.status == 0 && whole.stdout == #"{"user":"svc","port":"0042"}"#, "\(whole.stderr)")
        let key = try await SesameProcess.run(["get", "aws-ps://\(name)#port"], environment: env)
        #expect(key.stdout == "0042")
        let missing = try await SesameProcess.run(["get", "aws-ps://\(name)-missing"], environment: env)
        #expect(missing.status == 5, "\(missing.stderr)")
    }

    @Test func runGivesTheChildItsSecretsInItsEnvironmentOnly() async throws {
        try await withServer { _, env in
            var environment = env
            environment["DB_PASSWORD"] = "tss://1/password"
            environment["PLAIN"] = "not-a-reference"
            // The child prints its environment and its own and its parent's command lines.
            let script = #"echo "DB_PASSWORD=$DB_PASSWORD PLAIN=$PLAIN"; tr '\0' ' ' < /proc/$$/cmdline; echo; tr '\0' ' ' < /proc/$PPID/cmdline; echo; exit 7"#
            let run = try SesameProcess.run(["run", "--", "sh", "-c", script], environment: environment)
            #expect(run.status == 7, "\(run.stderr)")  // the child's status, passed through
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "DB_PASSWORD=\(Self.secretValue) PLAIN=not-a-reference")
            #expect(lines.dropFirst().allSatisfy { !$0.contains(Self.secretValue) }, "a secret in argv: \(lines)")

            let masked = try SesameProcess.run(["run", "--mask", "--", "sh", "-c", script], environment: environment)
            #expect(masked.status == 7, "\(masked.stderr)")
            #expect(masked.stdout.hasPrefix("DB_PASSWORD=***** PLAIN=not-a-reference"))
            #expect(!masked.stdout.contains(Self.secretValue))
            let maskedLines = masked.stdout.split(separator: "\n").map(String.init)
            #expect(maskedLines.count >= 3 && maskedLines.dropFirst().allSatisfy { !$0.contains(Self.secretValue) })

            // A reference that cannot be read: the command never starts.
            var broken = env
            broken["DB_PASSWORD"] = "tss://1/nothing"
            let refused = try SesameProcess.run(["run", "--", "sh", "-c", "echo started"], environment: broken)
            #expect(refused.status == 5 && !refused.stdout.contains("started"), "\(refused.stderr)")
        }
    }

    /// `sesame run` gives the child what it needs, never sesame's own credentials (by default), and only the
    /// basics with `--pristine`; `--keep-env` keeps one on purpose. AWS credentials stay by default.
    @Test func runDoesNotHandItsOwnCredentialsToTheChild() async throws {
        try await onOwnThread {
            let own = [
                "SESAME_PASSWORD": "own-password-1", "SESAME_TOKEN": "own-token-2", "SESAME_EXPORT_PASSPHRASE": "own-passphrase-3",
                "SESAME_SERVER_KEY": "own-server-key-4", "SESAME_ADMIN_PASSWORD": "own-admin-5",
                "SESAME_PLATFORM_CLIENT_SECRET": "own-platform-secret-8",
            ]
            var environment = own
            environment["APP_SECRET"] = "env://SOURCE_VALUE"
            environment["SOURCE_VALUE"] = "resolved-value-6"
            environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
            environment["AWS_SECRET_ACCESS_KEY"] = "aws-secret-7"
            environment["LANG"] = "C.UTF-8"
            environment["LC_ALL"] = "C.UTF-8"
            environment["UNRELATED"] = "plain"
            for mask in [false, true] {
                let flags = mask ? ["--mask"] : []
                let run = try SesameProcess.run(["run"] + flags + ["--", "env"], environment: environment)
                #expect(run.status == 0, "\(run.stderr)")
                let names = Set(run.stdout.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
                for name in own.keys { #expect(!names.contains(name), "the child got \(name)") }
                for value in own.values { #expect(!run.stdout.contains(value)) }
                #expect(names.isSuperset(of: ["APP_SECRET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "UNRELATED", "PATH", "HOME"]))
                // Resolved (masked in the output with --mask), never handed over as the reference.
                #expect(run.stdout.contains(mask ? "APP_SECRET=*****" : "APP_SECRET=resolved-value-6"), "\(run.stdout)")
                #expect(!run.stdout.contains("env://"))

                // A reference cannot bring one back either.
                let copied = try SesameProcess.run(["run"] + flags + ["--", "env"], environment: environment.merging(["LEAK": "env://SESAME_PASSWORD"]) { $1 })
                #expect(copied.status != 0 && !copied.stdout.contains("own-password-1") && !copied.stderr.contains("own-password-1"), "\(copied.stdout)")

                let kept = try SesameProcess.run(["run", "--keep-env", "SESAME_TOKEN"] + flags + ["--", "env"], environment: environment)
                #expect(kept.status == 0 && kept.stdout.contains("SESAME_TOKEN=own-token-2"), "\(kept.stderr)")
                #expect(!kept.stdout.contains("SESAME_PASSWORD"))

                let pristine = try SesameProcess.run(
                    ["run", "--pristine", "--keep-env", "UNRELATED"] + flags + ["--", "env"], environment: environment)
                #expect(pristine.status == 0, "\(pristine.stderr)")
                let pristineNames = Set(
                    pristine.stdout.split(separator: "\n").compactMap {
                        $0.split(separator: "=", maxSplits: 1).first.map(String.init)
                    })
                #expect(pristineNames == ["PATH", "HOME", "LANG", "LC_ALL", "APP_SECRET", "UNRELATED"], "\(pristineNames.sorted())")
            }
        }
    }

    @Test func runReadsEnvFilesAndForwardsSignalsWhenMasking() async throws {
        try await withServer { _, env in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try "# refs\nexport DB_PASSWORD='tss://1/password'\nDB_USER=tss://1/username\n"
                .write(toFile: directory.file(".env"), atomically: true, encoding: .utf8)
            let run = try SesameProcess.run(
                ["run", "--env-file", directory.file(".env"), "--", "sh", "-c", "echo $DB_USER:$DB_PASSWORD"], environment: env)
            #expect(run.stdout == "app:\(Self.secretValue)\n", "\(run.stderr)")

            // SIGTERM to sesame reaches the child, whose exit status comes back.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try SesameProcess.binary())
            process.arguments = [
                "run", "--mask", "--env-file", directory.file(".env"), "--", "sh", "-c",
                #"trap 'echo got-term; exit 9' TERM; echo ready; while true; do sleep 0.05; done"#,
            ]
            process.environment = env.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let reader = output.fileHandleForReading
            var seen = ""
            let deadline = Date().addingTimeInterval(20)
            while !seen.contains("ready"), Date() < deadline {
                seen += String(decoding: reader.availableData, as: UTF8.self)
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            seen += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
            #expect(seen.contains("got-term"))
            #expect(process.terminationStatus == 9)
        }
    }

    @Test func injectRendersAPrivateFileAtomically() async throws {
        try await withServer { _, env in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try "user: {{ tss://1/username }}\npassword: {{tss://1/password}}\nagain: {{ tss://1/password }}\n"
                .write(toFile: directory.file("config.tpl"), atomically: true, encoding: .utf8)
            let rendered = try SesameProcess.run(
                ["inject", "-i", directory.file("config.tpl"), "-o", directory.file("config.yml")], environment: env)
            #expect(rendered.status == 0, "\(rendered.stderr)")
            let text = try String(contentsOfFile: directory.file("config.yml"), encoding: .utf8)
            #expect(text == "user: app\npassword: \(Self.secretValue)\nagain: \(Self.secretValue)\n")
            let mode = try FileManager.default.attributesOfItem(atPath: directory.file("config.yml"))[.posixPermissions] as? Int
            #expect(mode == 0o600)

            // A template with a bad placeholder: an error naming line and column, and the old file untouched.
            try "ok: {{ tss://1/username }}\nbad: {{ tss://1/nothing }}\n".write(toFile: directory.file("bad.tpl"), atomically: true, encoding: .utf8)
            let failed = try SesameProcess.run(["inject", "-i", directory.file("bad.tpl"), "-o", directory.file("config.yml")], environment: env)
            #expect(failed.status == 5)
            #expect(try String(contentsOfFile: directory.file("config.yml"), encoding: .utf8) == text)
            try "x: {{ tss://1/username\n".write(toFile: directory.file("open.tpl"), atomically: true, encoding: .utf8)
            let open = try SesameProcess.run(["inject", "-i", directory.file("open.tpl")], environment: env)
            #expect(open.status == 1 && open.stderr.contains("open.tpl:1:4"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".sesame-") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test func rawOutputPrintsOneFieldWithoutANewline() async throws {
        try await withServer { _, env in
            let name = try SesameProcess.run(["secret", "get", "1", "--output", "raw=name"], environment: env)
            #expect(name.status == 0 && name.stdout == "db", "\(name.stderr)")
            let ids = try SesameProcess.run(["folder", "list", "-o", "raw=folderPath"], environment: env)
            #expect(ids.stdout == "\\Personal Folders", "\(ids.stderr)")
            let noField = try SesameProcess.run(["secret", "get", "1", "-o", "raw"], environment: env)
            #expect(noField.status == 1 && noField.stderr.contains("raw=FIELD") && noField.stderr.contains("secretTemplateId"))
            let unknown = try SesameProcess.run(["secret", "get", "1", "-o", "raw=nope"], environment: env)
            #expect(unknown.status == 5 && unknown.stderr.contains("no field 'nope'"))
            let masked = try SesameProcess.run(["secret", "get", "1", "-o", "raw=items"], environment: env)
            #expect(masked.status == 0 && masked.stdout.contains("********") && !masked.stdout.contains(Self.secretValue))
        }
    }
}
