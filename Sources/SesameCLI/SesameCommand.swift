import ArgumentParser
import Foundation

/// `sesame`: the root of the command tree.
package struct SesameCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "sesame",
        abstract: "Secrets from Delinea / Thycotic Secret Server and AWS, from the command line.",
        discussion: HelpText.flowing(
            """
            Connection settings come from the environment: SESAME_URL, SESAME_USERNAME, SESAME_PASSWORD
            (or a hidden prompt on a terminal), SESAME_DOMAIN, SESAME_TOKEN, SESAME_CA_FILE.

            References (sesame get, run, inject): tss://12/password, 'tss://Folder/Secret/field',
            aws-sm://name#json.key, aws-ps:///parameter/path, env://NAME. AWS settings come from the usual AWS
            variables and shared files.

            Examples:
              sesame demo
              sesame get 'aws-sm://prod/db#password'
              DB_PASSWORD=tss://12/password sesame run -- ./migrate
              sesame server --dev --port 8443
              SESAME_URL=http://127.0.0.1:8443/SecretServer SESAME_USERNAME=admin sesame secret get 12 --field password
            """),
        version: BuildInfo.line,
        subcommands: [
            DemoCommand.self, ServerCommand.self, LoginCommand.self, LogoutCommand.self, ProfileCommand.self, GetCommand.self, SetCommand.self,
            ListCommand.self, ExistsCommand.self, EnvCommand.self, CacheCommand.self, RunCommand.self, InjectCommand.self, ExportCommand.self,
            ImportCommand.self, SecretCommand.self, FolderCommand.self, TemplateCommand.self, UserCommand.self,
            GroupCommand.self, PermissionCommand.self, MetadataCommand.self, CheckoutCommand.self, CheckinCommand.self,
            AccessCommand.self, ScriptCommand.self, RoleCommand.self, TeamCommand.self, PolicyCommand.self, APICommand.self, AgentCommand.self,
        ]
    )

    package init() {}

    /// Parses `arguments`, runs the command, and returns the process exit code. Errors are printed to
    /// standard error, with what was wrong and what to do.
    package static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Int32 {
        await run(arguments: arguments, quick: QuickParse.command(arguments))
    }

    /// `run(arguments:)` with the quick command already read from `arguments` (or nil).
    static func run(arguments: [String], quick: (any AsyncParsableCommand)?) async -> Int32 {
        ProcessHardening.apply()
        if let code = answerAtOnce(arguments: arguments) { return code }
        do {
            // The hot commands' usual lines skip ArgumentParser's reflection altogether (see `QuickArguments`).
            if var quick {
                try await quick.run()
                return 0
            }
            var command = try parse(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            if let mapped = CLIError.mapping(error) {
                FileHandle.standardError.write(Data((mapped.rendered + "\n").utf8))
                return mapped.exitCode.rawValue
            }
            // ArgumentParser's own errors (usage, --help, --version) print and exit as it decides.
            let message = fullMessage(for: error)
            let code = exitCode(for: error).rawValue
            if !message.isEmpty {
                let stream = code == 0 ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            return code
        }
    }

    /// Runs the command line and ends the process with its exit code, from the thread that ran the command (ending
    /// it from top-level code would first hop to the main actor, whose queue `dispatch_main` serves from a thread of
    /// its own, only to call `exit` there). `get` and `secret get` (the quick commands, which never wait on this thread
    /// for work that would run on it) run on this thread (`CallingThreadExecutor`); the others on the global
    /// executor, this thread serving the main queue.
    package static func runAndExit(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        if let code = answerAtOnce(arguments: arguments) { Foundation.exit(code) }
        if let quick = QuickParse.command(arguments) {
            let executor = CallingThreadExecutor()
            Task(executorPreference: executor) {
                let code = await CommandExecution.$ownThread.withValue(executor) { await run(arguments: arguments, quick: quick) }
                Foundation.exit(code)
            }
            executor.run()
        }
        Task.detached { Foundation.exit(await run(arguments: arguments, quick: nil)) }
        dispatchMain()
    }

    /// The exit code of what can be answered without the parser or Swift's concurrency, on the calling thread:
    /// `--version` (the command tree's reflection would cost milliseconds, and the first `await` a thread of
    /// the global executor). `nil` for everything else.
    package static func answerAtOnce(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Int32? {
        guard arguments == ["--version"] else { return nil }
        FileHandle.standardOutput.write(Data((BuildInfo.line + "\n").utf8))
        return 0
    }

    /// Whether `word` asks for help, the version or a completion script anywhere on a line.
    static func isHelpWord(_ word: String) -> Bool {
        switch word {
        case "help", "-h", "--help", "--help-hidden", "--experimental-dump-help", "--generate-completion-script", "--version": true
        default: word.hasPrefix("--generate-completion-script=")
        }
    }

    /// The command `arguments` name. The parser reflects on every command it is given (and walks their subcommands
    /// for completion and passthrough checks): milliseconds for the whole tree. So it is given only the command the
    /// leading words name (`secret get` for `sesame secret get 12 --field password`): no command here has options
    /// of its own above its subcommands, so that command parses exactly as within the tree. Help is always asked of
    /// the whole tree, and anything the leaf does not accept (a usage error, no command) is parsed again with it, so
    /// messages and help read as always.
    static func parse(_ arguments: [String]) throws -> any ParsableCommand {
        // Help of any kind is not an error the leaf parse would fall back on: it answers a help command, whose text
        // would name the leaf alone. The whole tree answers it.
        if arguments.contains(where: isHelpWord) {
            return try parseAsRoot(arguments)
        }
        var command: any ParsableCommand.Type = SesameCommand.self
        var depth = 0
        while depth < arguments.count, !arguments[depth].hasPrefix("-"),
            let subcommand = command.configuration.subcommands.first(where: { $0.configuration.commandName == arguments[depth] })
        {
            command = subcommand
            depth += 1
        }
        if depth > 0, let parsed = try? command.parseAsRoot(Array(arguments.dropFirst(depth))) {
            return parsed
        }
        return try parseAsRoot(arguments)
    }
}
