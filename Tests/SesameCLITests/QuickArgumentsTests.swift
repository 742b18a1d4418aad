import ArgumentParser
import Foundation
import Testing

@testable import SesameCLI

/// `QuickParse` builds the hot commands without ArgumentParser: for every line it accepts, the command must be the
/// one ArgumentParser builds, and every line it is not sure of must be left to ArgumentParser.
@Suite(.timeLimit(.minutes(2))) struct QuickArgumentsTests {
    /// A command's every property, as `dump` shows it (ArgumentParser's wrappers show whether they hold a value).
    static func shown(_ command: any ParsableCommand) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }

    @Test(arguments: [
        ["secret", "get", "12", "--field", "password"],
        ["secret", "get", "12", "--field", "password", "--cache"],
        ["secret", "get", "--cache", "12", "--field=password", "--cache-ttl", "600", "--allow-expired"],
        ["secret", "get", "\\Prod\\db01 root", "--output", "json", "--reveal", "--profile", "prod"],
        ["secret", "get", "12", "--output=raw=password", "--refresh", "--cache"],
        [
            "secret", "get", "12", "--url", "https://ss.example.com/SecretServer", "--username", "alice", "--domain", "CORP",
            "--ca-file", "/etc/ca.pem", "--insecure-skip-tls-verify", "--server-kind", "platform", "--proxy", "http://proxy:3128",
            "--allow-plain-http", "--comment", "INC-42", "--ticket-number", "42", "--ticket-system", "3", "--check-out",
        ],
        ["get", "tss://12/password"],
        ["get", "tss://12/password", "--cache", "--cache-ttl=30", "--output", "json"],
        ["get", "--profile", "dev", "aws-sm://prod/db#user.name", "--refresh"],
        [
            "get", "tss://Prod/db/password?comment=x", "--url", "http://127.0.0.1:8088/SecretServer", "--username", "svc",
            "--domain", "D", "--ca-file", "ca.pem", "--insecure-skip-tls-verify", "--server-kind", "auto", "--proxy", "none",
            "--allow-plain-http", "--comment", "c", "--ticket-number", "7", "--ticket-system", "1", "--check-out",
            "--allow-expired",
        ],
    ])
    func buildsWhatArgumentParserBuilds(_ arguments: [String]) throws {
        let quick = try #require(QuickParse.command(arguments), "the quick reader gave up on \(arguments)")
        let parsed = try SesameCommand.parseAsRoot(arguments)
        #expect(type(of: quick) == type(of: parsed))
        #expect(Self.shown(quick) == Self.shown(parsed))
    }

    @Test(arguments: [
        ["secret", "get", "12", "-o", "json"],  // a short option
        ["secret", "get", "12", "--field", "a", "--field", "b"],  // a name twice
        ["secret", "get", "12", "--cache", "--cache"],
        ["secret", "get", "12", "--field"],  // no value
        ["secret", "get", "12", "--field", "--cache"],  // a value that looks like an option
        ["secret", "get", "12", "--field="],
        ["secret", "get", "12", "--cache=yes"],  // a flag with a value
        ["secret", "get", "12", "--cache-ttl", "soon"],  // a value the type refuses
        ["secret", "get", "12", "--server-kind", "mainframe"],
        ["secret", "get", "12", "--unknown"],
        ["secret", "get", "12", "13"],  // two secrets
        ["secret", "get"],  // none
        ["secret", "get", "--", "-12"],
        ["secret", "get", "-12"],
        ["secret", "list"],
        ["get", "tss://12/password", "--field", "x"],  // an option of another command
        ["get", "tss://12/password", "--output", "yaml"],
        ["run", "--", "env"],
        ["get", "help"],  // help and version words are the whole tree's
        ["secret", "get", "12", "--help"],
        ["get", "tss://12/password", "--version"],
        [],
    ])
    func leavesEverythingElseToArgumentParser(_ arguments: [String]) {
        #expect(QuickParse.command(arguments) == nil)
    }

    /// The names the quick reader knows are exactly ArgumentParser's for each command: an option added to a
    /// command or group fails here until the quick reader reads it too.
    @Test func knowsEveryNameArgumentParserKnows() throws {
        let commands: [(any ParsableCommand.Type, [any QuickParsable.Type], Set<String>)] = [
            (SecretGetCommand.self, SecretGetCommand.quickGroups, ["field", "reveal"]),
            (GetCommand.self, GetCommand.quickGroups, ["output"]),
        ]
        for (command, groups, own) in commands {
            let help = try #require(try JSONSerialization.jsonObject(with: Data(command._dumpHelp().utf8)) as? [String: Any])
            let arguments = try #require((help["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
            var known = Set<String>()
            for argument in arguments where argument["kind"] as? String != "positional" {
                for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                    known.insert(name["name"] as? String ?? "")
                }
            }
            known.subtract(["help", "version"])
            let quick = groups.reduce(own) { $0.union($1.quickOptions).union($1.quickFlags) }
            #expect(quick == known, "\(command): the quick reader knows \(quick.sorted()), ArgumentParser \(known.sorted())")
        }
    }
}
