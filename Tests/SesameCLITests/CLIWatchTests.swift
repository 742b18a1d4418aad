import Foundation
import SesameTestSupport
import Testing

/// `sesame run --watch` and `sesame inject --watch` as processes, with a value rotated on the server under them.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct CLIWatchTests {
    static let password = "Watch-Cli-Passw0rd!"

    /// A server with secret 1 (a Password secret), the environment to reach it, and a folder for files.
    func setUp() async throws -> (SesameProcess.Server, [String: String], TemporaryDirectory) {
        let server = try await SesameProcess.Server.start(adminPassword: Self.password)
        let directory = try TemporaryDirectory()
        let env = [
            "SESAME_URL": server.baseURL, "SESAME_USERNAME": "admin", "SESAME_PASSWORD": Self.password, "HOME": directory.path,
            "LOG": directory.file("log"),
        ]
        let created = try await SesameProcess.run(
            ["secret", "create", "--template", "Password", "--name", "watched", "--field", "username=u", "--field", "password=-"],
            environment: env, input: "Watched-Value-1")
        guard created.status == 0 else { throw SesameProcessError("could not create the secret: \(created.stderr)") }
        return (server, env, directory)
    }

    func log(_ directory: TemporaryDirectory) -> [String] {
        ((try? String(contentsOfFile: directory.file("log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func script(_ directory: TemporaryDirectory, _ name: String, _ body: String) throws -> String {
        let path = directory.file(name)
        try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func runRestartsTheCommandWhenAValueRotates() async throws {
        let (server, env, directory) = try await setUp()
        defer { server.stop(); directory.remove() }
        let child = try script(
            directory, "child.sh",
            """
            echo "start $$ $DB" >> "$LOG"
            trap 'echo "stop $$" >> "$LOG"; exit 0' TERM
            while :; do sleep 0.1; done
            """)
        try await onOwnThread {
            let run = try SesameProcess.Background(["run", "--watch", "1", "--", child], environment: env.merging(["DB": "tss://1/password"]) { $1 })
            defer { run.stop() }
            try #require(SesameProcess.eventually { log(directory).count == 1 }, "the command did not start: \(run.stderr)")
            let first = log(directory)[0].split(separator: " ")
            #expect(first.count == 3 && first[2] == "Watched-Value-1")

            let rotated = try SesameProcess.run(["secret", "rotate", "1"], environment: env)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let value = try SesameProcess.run(["get", "tss://1/password"], environment: env).stdout
            #expect(SesameProcess.eventually { log(directory).count == 3 }, "no restart: \(log(directory)) \(run.stderr)")
            #expect(log(directory)[1] == "stop \(first[1])")
            #expect(log(directory)[2].hasSuffix(" " + value) && !log(directory)[2].hasPrefix("start \(first[1]) "))
            #expect(run.stderr.contains("DB changed; restarting") && !run.stderr.contains(value) && !run.stderr.contains("Watched-Value-1"))

            // A round that cannot read the secrets leaves the command running.
            server.stop()
            #expect(SesameProcess.eventually { run.stderr.contains("could not read the secrets again") }, "\(run.stderr)")
            #expect(log(directory).count == 3 && run.process.isRunning)

            // sesame's own TERM goes to the command, whose status ends sesame.
            run.signal(SIGTERM)
            #expect(run.waitForExit() == 0)
            #expect(log(directory).count == 4 && log(directory)[3].hasPrefix("stop "))
        }
    }

    @Test func aCommandThatIgnoresTheSignalIsKilledAfterTheGrace() async throws {
        let (server, env, directory) = try await setUp()
        defer { server.stop(); directory.remove() }
        let child = try script(
            directory, "stubborn.sh",
            """
            echo "start $$ $DB" >> "$LOG"
            trap 'echo "ignored $$" >> "$LOG"' USR1
            while :; do sleep 0.1; done
            """)
        try await onOwnThread {
            let run = try SesameProcess.Background(
                ["run", "--watch", "1", "--signal", "USR1", "--grace", "1", "--mask", "--", child],
                environment: env.merging(["DB": "tss://1/password"]) { $1 })
            defer { run.stop() }
            try #require(SesameProcess.eventually { !log(directory).isEmpty }, "the command did not start: \(run.stderr)")
            let fields = log(directory)[0].split(separator: " ")
            let pid = try #require(fields.count > 1 ? Int32(fields[1]) : nil, "\(log(directory))")
            let set = try SesameProcess.run(["set", "tss://1/password"], environment: env, input: "Watched-Value-2")
            #expect(set.status == 0, "\(set.stderr)")
            #expect(SesameProcess.eventually { log(directory).contains { $0.hasSuffix(" Watched-Value-2") } }, "\(log(directory)) \(run.stderr)")
            #expect(log(directory).contains("ignored \(pid)"))
            #expect(kill(pid, 0) != 0, "the old command still runs")
            run.signal(SIGTERM)
            #expect(run.waitForExit() == 128 + SIGTERM)
        }
    }

    @Test func injectWritesAgainAndReloadsWhenAValueRotates() async throws {
        let (server, env, directory) = try await setUp()
        defer { server.stop(); directory.remove() }
        try "user=u\npassword={{ tss://1/password }}\n".write(toFile: directory.file("app.tpl"), atomically: true, encoding: .utf8)
        let rendered = directory.file("app.conf")
        try await onOwnThread {
            let inject = try SesameProcess.Background(
                [
                    "inject", "-i", directory.file("app.tpl"), "-o", rendered, "--watch", "1",
                    "--exec", #"echo "reload ${SESAME_PASSWORD:-none} $(paste -sd' ' "$0")" >> "$LOG""#.replacingOccurrences(of: "$0", with: rendered),
                ],
                environment: env)
            defer { inject.stop() }
            #expect(SesameProcess.eventually { log(directory).count == 1 }, "no first reload: \(inject.stderr)")
            #expect(try String(contentsOfFile: rendered, encoding: .utf8) == "user=u\npassword=Watched-Value-1\n")
            #expect(try FileManager.default.attributesOfItem(atPath: rendered)[.posixPermissions] as? Int == 0o600)

            #expect(try SesameProcess.run(["set", "tss://1/password"], environment: env, input: "Watched-Value-3").status == 0)
            #expect(SesameProcess.eventually { log(directory).count == 2 }, "no second reload: \(inject.stderr)")
            #expect(try String(contentsOfFile: rendered, encoding: .utf8) == "user=u\npassword=Watched-Value-3\n")
            // The reload saw the new file, and none of sesame's credentials.
            #expect(log(directory) == ["reload none user=u password=Watched-Value-1", "reload none user=u password=Watched-Value-3"])
            // Nothing changed: no write, no reload.
            Thread.sleep(forTimeInterval: 2.5)
            #expect(log(directory).count == 2 && !inject.stderr.contains("Watched-Value"))
        }
    }

    @Test func watchOptionsAreChecked() async throws {
        try await onOwnThread {
            let noFile = try SesameProcess.run(["inject", "--watch", "5"], input: "x")
            #expect(noFile.status != 0 && noFile.stderr.contains("--watch needs -o FILE"))
            let execAlone = try SesameProcess.run(["inject", "-o", "/tmp/x", "--exec", "true"], input: "x")
            #expect(execAlone.status != 0 && execAlone.stderr.contains("add --watch"))
            let badSignal = try SesameProcess.run(["run", "--watch", "5", "--signal", "NOPE", "--", "true"])
            #expect(badSignal.status != 0 && badSignal.stderr.contains("--signal"))
            let period = try SesameProcess.run(["run", "--watch", "0", "--", "true"])
            #expect(period.status == 1 && period.stderr.contains("between 1 second and a day"))
        }
    }
}
