import ArgumentParser
import Foundation
import SesameTestSupport
import Testing

@testable import SesameCLI

/// Every command's help, completions and the man page.
@Suite struct CLIHelpTests {
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

    @Test func everyRunnableCommandHelpHasAnExample() {
        var missing: [String] = []
        let leaves = Self.commands().filter { $0.1.configuration.subcommands.isEmpty }
        #expect(leaves.count > 40, "the walk found only \(leaves.count) commands")
        for (path, type) in leaves {
            if !type.configuration.discussion.contains("Example") { missing.append(path.joined(separator: " ")) }
        }
        #expect(missing.isEmpty, "commands whose --help has no example: \(missing)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsCoverTheCommands(shell: String) throws {
        let result = try SesameProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["inject", "login", "secret", "script", "watch"] {
            #expect(result.stdout.contains(command), "the \(shell) completions lack \(command)")
        }
    }

    @Test func theManPageIsCurrentForTheCommandsItLists() throws {
        let page = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/man/sesame.1"), encoding: .utf8)
        for (path, _) in Self.commands() where path.count == 2 {
            #expect(page.contains(path[1]), "docs/man/sesame.1 lacks \(path[1]); run scripts/man")
        }
    }
}
