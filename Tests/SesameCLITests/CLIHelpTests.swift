import ArgumentParser
import Foundation
import SesameTestSupport
import Testing

@testable import SesameCLI

/// Every command's help, completions and the man page.
@Suite(.timeLimit(.minutes(5))) struct CLIHelpTests {
    /// Every command with its path, walking the tree from the root.
    static func commands(_ type: any ParsableCommand.Type = SesameCommand.self, path: [String] = ["sesame"]) -> [([String], any ParsableCommand.Type)] {
        let configuration = type.configuration
        let name = configuration.commandName ?? String(describing: type).lowercased()
        let here = path.count == 1 ? path : Array(path.dropLast()) + [name]
        var result: [([String], any ParsableCommand.Type)] = [(here, type)]
        for sub in configuration.subcommands {
            result += commands(sub, path: here + [sub.configuration.commandName ?? String(describing: sub).lowercased()])
        }
        return result
    }

    @Test func everyRunnableCommandHelpHasAnExample() async {
        var missing: [String] = []
        let leaves = Self.commands().filter { $0.1.configuration.subcommands.isEmpty }
        #expect(leaves.count > 40, "the walk found only \(leaves.count) commands")
        for (path, type) in leaves {
            if !type.configuration.discussion.contains("Example") { missing.append(path.joined(separator: " ")) }
        }
        #expect(missing.isEmpty, "commands whose --help has no example: \(missing)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsCoverTheCommands(shell: String) async throws {
        let result = try await SesameProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        // Every command, from the tree itself: the completions are made from it when asked, so they are never stale.
        // bash and zsh have a function per command (_sesame_folder_create); fish offers each name under its parent.
        for (path, _) in Self.commands() where path.count >= 2 {
            let marker =
                shell == "fish"
                ? "\"\(path.dropLast().joined(separator: " "))\" -eq 1' -fa '\(path.last!)'"
                : "_" + path.joined(separator: "_") + "() {"
            #expect(result.stdout.contains(marker), "the \(shell) completions lack \(path.joined(separator: " "))")
        }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theManPageIsCurrentForEveryCommand() async throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/man/sesame.1"), encoding: .utf8)
        // Each command is an `.It Em NAME` entry: as many entries of a name as commands of that name (create is
        // under secret, folder and user), so a missing one is not hidden by a namesake.
        var entries: [String: Int] = [:]
        // A command with aliases is one entry naming them all: `.It Em "get, show"`.
        for line in page.split(separator: "\n") where line.hasPrefix(".It Em ") {
            let names = line.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).components(separatedBy: ", ")
            for name in names { entries[name, default: 0] += 1 }
        }
        var commands: [String: [String]] = [:]
        for (path, _) in Self.commands() where path.count >= 2 { commands[path.last!, default: []].append(path.joined(separator: " ")) }
        for (name, paths) in commands {
            #expect(entries[name, default: 0] >= paths.count, "docs/man/sesame.1 lacks one of \(paths); run scripts/man")
        }
    }

    /// The parser is given only the command the leading words name (start-up time); help, usage errors and
    /// `help COMMAND` still read as from the whole tree, naming `sesame`.
    @Test func helpAndErrorsOfANestedCommandNameTheWholeCommand() async throws {
        for arguments in [["secret", "get", "--help"], ["secret", "get", "-h"], ["help", "secret", "get"]] {
            let result = try await SesameProcess.run(arguments)
            #expect(result.status == 0 && result.stdout.contains("USAGE: sesame secret get"), "\(arguments): \(result.stdout) \(result.stderr)")
        }
        let group = try await SesameProcess.run(["secret", "--help"])
        #expect(group.stdout.contains("USAGE: sesame secret <subcommand>") && group.stdout.contains("'sesame help secret <subcommand>'"), "\(group.stdout)")
        let wrong = try await SesameProcess.run(["secret", "get", "12", "--no-such-option"])
        #expect(wrong.status != 0 && wrong.stderr.contains("sesame secret get"), "\(wrong.stderr)")
        let missing = try await SesameProcess.run(["secret", "get"])
        #expect(missing.status != 0 && missing.stderr.contains("Usage: sesame secret get"), "\(missing.stderr)")
    }

    @Test func versionNamesTheReleaseTheCommitAndTheCompiler() async throws {
        let result = try await SesameProcess.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("sesame 0.") && line.contains(", Swift 6."), "\(line)")
        // The commit the binary was built from: this checkout's HEAD when there is one.
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", Self.root.path, "rev-parse", "--short=12", "HEAD"]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        try git.run()
        let head = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        git.waitUntilExit()
        if git.terminationStatus == 0 {
            #expect(line.contains("(commit \(head),") || line.contains("(commit \(head)-modified,"), "\(line) is not HEAD \(head)")
        } else {
            #expect(line.contains("(commit unknown,"))
        }
    }
}
