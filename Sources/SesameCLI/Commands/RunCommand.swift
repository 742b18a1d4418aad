import ArgumentParser
import Dispatch
import Foundation
import Sesame
import Synchronization

/// `sesame run [--env-file F] [--mask] -- CMD ARGS`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        _superCommandName: "sesame",  // see SecretGetCommand
        abstract: "Run a command with the environment variables that hold references replaced by their secrets.",
        discussion: HelpText.flowing(
            """
            Variables from the environment and from --env-file files (KEY=VALUE lines) whose value is a reference
            (tss://, aws-sm://, aws-ps://, env://) are read before the command starts; if one cannot be read, the
            command does not start. Secrets go to the command through its environment only, never its arguments.

            The command does not inherit sesame's own credentials: SESAME_PASSWORD, SESAME_TOKEN,
            SESAME_EXPORT_PASSPHRASE, SESAME_SERVER_KEY, SESAME_ADMIN_PASSWORD (and the other SESAME_* secrets) are
            removed from its environment unless --keep-env names one. With --pristine it starts from an empty
            environment plus PATH, HOME, LANG, LC_*, TERM, the --env-file variables, the --keep-env ones and the
            resolved secrets. AWS credentials (AWS_*) are passed on unless --pristine is given.

            Without --mask, sesame replaces itself with the command (exec), so its exit status and signals are the
            command's own. With --mask, sesame stays in between: it forwards signals, passes the exit status
            through, and replaces every secret value of 4 bytes or more in the command's output with *****.

            With --watch SECONDS, sesame stays in between too and reads the references again on that period (through
            the cache rules: with --cache, a value is read anew once its cached copy expires). When one changed, it
            stops the command with --signal (TERM unless given; SIGKILL if it is still running after --grace seconds)
            and starts it again with the new values. Signals go to the command itself, not to processes it started.
            If the secrets cannot be read again, the command keeps running and a note says so; the command ending by
            itself ends sesame, with its exit status. The new values reach the command only through a restart, so
            --signal should be one that ends it (a reload signal such as HUP leaves it with the old environment until
            the grace runs out).

            Examples:
              DB_PASSWORD=aws-ps:///prod/db/password sesame run -- ./migrate
              sesame run --env-file .env.refs --mask -- env
              sesame run --pristine --keep-env AWS_PROFILE -- ./deploy.sh
              sesame run --watch 60 --grace 30 --env-file .env.refs -- ./server
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var watchOptions: WatchOptions

    @Option(name: .customLong("signal"), help: ArgumentHelp("With --watch: the signal that stops the command before a restart.", valueName: "name"))
    var stopSignal = "TERM"

    @Option(name: .long, help: ArgumentHelp("With --watch: seconds to wait after --signal before SIGKILL.", valueName: "seconds"))
    var grace = 10

    @Option(name: .customLong("env-file"), help: "A file of KEY=VALUE lines to add (values may be references). Repeatable.")
    var envFiles: [String] = []

    @Flag(name: .long, help: "Mask the secrets in the command's output (sesame stays in between).")
    var mask = false

    @Option(
        name: .customLong("keep-env"),
        help: ArgumentHelp(
            "Pass this variable on although sesame would remove it (one of its own credentials, or any with --pristine). Repeatable.",
            valueName: "NAME"
        ))
    var keepEnv: [String] = []

    @Flag(name: .long, help: "Start the command from an empty environment plus PATH, HOME, LANG, LC_*, TERM and the resolved variables.")
    var pristine = false

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard WatchedChild.signalNumber(stopSignal) != nil else {
            throw ValidationError("--signal must be a signal name (TERM, HUP, INT, USR1, ...) or number; found '\(stopSignal)'")
        }
        guard (0...3600).contains(grace) else { throw ValidationError("--grace must be between 0 and 3600 seconds; found \(grace)") }
    }

    func run() async throws {
        var arguments = command
        if arguments.first == "--" { arguments.removeFirst() }
        guard let executable = arguments.first else {
            throw CLIError("no command to run", hint: "put it after --, as in: sesame run -- ./deploy.sh")
        }
        let inherited = ProcessEnvironment.current()
        var added: [String: String] = [:]
        for file in envFiles {
            for (key, value) in try EnvFile.read(file) { added[key] = value }
        }
        let childEnvironment = ChildEnvironment(kept: Set(keepEnv), pristine: pristine)
        // The references of the variables the child will see (a removed credential is never resolved for it).
        var environment = childEnvironment.make(inherited: inherited, added: added, isReference: SecretReference.looksLikeReference)
        let names = environment.keys.filter { SecretReference.looksLikeReference(environment[$0]!) }.sorted()
        var references: [SecretReference] = []
        for name in names {
            do {
                references.append(try SecretReference(parsing: environment[name]!))
            } catch {
                throw CLIError("the variable \(name): \(error.description)")
            }
        }
        // env:// references read only what the child may see: `LEAK=env://SESAME_PASSWORD` must not bring back a
        // credential that was removed for it.
        let store = ReferenceStore.make(
            connection: connection, cache: try cacheOptions.configuration(inherited), environment: inherited,
            visible: childEnvironment.readable(inherited: inherited, added: added), access: restricted.access(inherited)
        )
        let cacheEnabled = cacheOptions.enabled(inherited)
        let read: @Sendable (_ refresh: Bool) async throws -> [String: String] = { [references] refresh in
            let values = try await ReferenceStore.resolve(references, with: store, refresh: refresh)
            var secrets: [String: String] = [:]
            for (name, value) in zip(names, values) {
                guard let text = value.text, !text.utf8.contains(0) else {
                    throw CLIError("the variable \(name) names a binary secret, which cannot go into an environment variable")
                }
                secrets[name] = text
            }
            return secrets
        }
        let secrets: [String: String]
        do {
            secrets = try await read(cacheOptions.refresh)
        } catch {
            let mapped = CLIError.mapping(error) ?? CLIError("\(error)")
            throw CLIError("could not read the secrets for the command (\(mapped.message))", hint: mapped.hint, exitCode: mapped.exitCode)
        }
        if let period = try watchOptions.period() {
            let base = environment
            let watched = WatchedChild(
                arguments: arguments, period: period, stopSignal: WatchedChild.signalNumber(stopSignal)!, grace: .seconds(grace), mask: mask,
                environment: { base.merging($0) { $1 } },
                // Without the disk cache, each round asks the server; with it, the cache's time to live decides.
                resolve: { try await read(!cacheEnabled) }
            )
            throw ExitCode(try await watched.run(initial: secrets))
        }
        environment.merge(secrets) { $1 }
        if mask {
            let status = try MaskedChild.run(arguments, environment: environment, secrets: Array(secrets.values))
            throw ExitCode(status)
        }
        try Exec.replaceProcess(executable: executable, arguments: arguments, environment: environment)
    }
}

/// `KEY=VALUE` files: `#` comments, blank lines, optional `export `, values optionally in single or double quotes.
enum EnvFile {
    static func read(_ path: String) throws -> [(String, String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("could not read the env file \(path)", hint: "check the path")
        }
        var result: [(String, String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw CLIError("\(path):\(number + 1): expected KEY=VALUE")
            }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(key.first?.isNumber ?? true) else {
                throw CLIError("\(path):\(number + 1): '\(key)' is not a variable name")
            }
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            result.append((key, value))
        }
        return result
    }
}

/// Replaces this process with another program (execvp), after setting the environment.
enum Exec {
    static func replaceProcess(executable: String, arguments: [String], environment: [String: String]) throws -> Never {
        // The environment is replaced whole, so the child sees exactly `environment`.
        clearenv()
        for (key, value) in environment { setenv(key, value, 1) }
        ProcessHardening.restoreForChild()
        var argv = arguments.map { strdup($0) }
        argv.append(nil)
        execvp(executable, argv)
        let error = errno
        throw CLIError(
            "could not run \(executable): \(String(cString: strerror(error)))",
            hint: error == ENOENT ? "check the command's name and PATH" : nil,
            exitCode: .local
        )
    }
}
