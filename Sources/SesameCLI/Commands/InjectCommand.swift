import ArgumentParser
import Foundation
import Sesame
import SesameFiles

/// `sesame inject -i TEMPLATE -o FILE`: renders `{{ REF }}` placeholders.
struct InjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        _superCommandName: "sesame",  // see SecretGetCommand
        abstract: "Render a template whose {{ reference }} placeholders become secret values.",
        discussion: HelpText.flowing(
            """
            Every placeholder is read before anything is written; if one fails, nothing is written. The output
            file is written with mode 0600 through a temporary file and a rename, so it is never half-written
            and never readable by others. Without -o the result goes to standard output.

            With --watch SECONDS (and -o), sesame keeps running: it reads the placeholders again on that period
            (through the cache rules), writes the file anew when the result changed, and runs --exec CMD (with
            /bin/sh -c, without sesame's own credentials in its environment) after each write, the first included,
            as a reload; one still running after a minute is stopped. A read that fails keeps the file as it is and
            says so; sesame retries on the next round.

            Examples:
              sesame inject -i config.yml.tpl -o config.yml
              sesame inject -i nginx.conf.tpl -o /etc/nginx/conf.d/app.conf --watch 300 --exec 'nginx -s reload'
              echo 'password: {{ aws-ps:///prod/db/password }}' | sesame inject
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var watchOptions: WatchOptions

    @Option(name: [.short, .customLong("in")], help: "The template (default: standard input).")
    var input: String?

    @Option(name: [.short, .customLong("out")], help: "The file to write (mode 0600, atomically; default: standard output).")
    var output: String?

    @Option(name: .customLong("exec"), help: ArgumentHelp("With --watch: a shell command to run after each write (a reload).", valueName: "command"))
    var reload: String?

    func validate() throws {
        if watchOptions.watch != nil, output == nil { throw ValidationError("--watch needs -o FILE: the file it keeps up to date") }
        if reload != nil, watchOptions.watch == nil { throw ValidationError("--exec runs after each write of --watch; add --watch SECONDS") }
    }

    func run() async throws {
        let template: String
        if let input {
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                throw CLIError("could not read the template \(input)", hint: "check the path and that it is UTF-8 text")
            }
            template = text
        } else {
            template = try Terminal.readAllStandardInput()
        }
        let pieces = try Template.parse(template, name: input ?? "<stdin>")
        let references = Array(Set(pieces.compactMap(\.reference))).sorted { $0.canonical < $1.canonical }
        let environment = ProcessEnvironment.current()
        let store = ReferenceStore.make(connection: connection, cache: try cacheOptions.configuration(environment), access: restricted.access(environment))
        let render = { (refresh: Bool) async throws -> String in
            let values = try await ReferenceStore.resolve(references, with: store, refresh: refresh)
            var resolved: [SecretReference: String] = [:]
            for (reference, value) in zip(references, values) {
                guard let text = value.text else {
                    throw CLIError("\(reference.canonical) is binary and cannot go into a text template")
                }
                resolved[reference] = text
            }
            return pieces.map { piece in piece.reference.map { resolved[$0]! } ?? piece.text }.joined()
        }
        let rendered = try await render(cacheOptions.refresh)
        guard let output else {
            FileHandle.standardOutput.write(Data(rendered.utf8))
            return
        }
        try AtomicFile.write(Data(rendered.utf8), to: output, mode: 0o600)
        guard let period = try watchOptions.period() else { return }
        await runReload(environment)
        var written = rendered
        let cacheEnabled = cacheOptions.enabled(environment)
        while true {
            try await Task.sleep(for: period)
            do {
                // Without the disk cache, each round asks the server; with it, the cache's time to live decides.
                let fresh = try await render(!cacheEnabled)
                guard fresh != written else { continue }
                try AtomicFile.write(Data(fresh.utf8), to: output, mode: 0o600)
                written = fresh
                note("\(output) written again: a secret in it changed")
                await runReload(environment)
            } catch {
                let reason = (CLIError.mapping(error) ?? CLIError("\(error)")).message
                note("could not render \(output) again (\(reason)); it stays as it was")
            }
        }
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("sesame: \(text)\n".utf8))
    }

    /// Runs `--exec` with `/bin/sh -c`, without sesame's own credentials, and waits for it; a failure is noted.
    /// A reload that has not ended after this long is stopped (TERM, then KILL 5 s later), so that it cannot stop
    /// the watching.
    static let reloadTimeout: Duration = .seconds(60)

    private func runReload(_ environment: [String: String]) async {
        guard let reload else { return }
        let childEnvironment = ChildEnvironment().make(inherited: environment, added: [:], isReference: { _ in false })
        do {
            let child = try ChildProcess(["/bin/sh", "-c", reload], environment: childEnvironment, masking: nil, ownGroup: true)
            let limit = Task { [note] in
                try await Task.sleep(for: Self.reloadTimeout)
                note("--exec has run for \(Self.reloadTimeout.components.seconds) s; stopping it")
                child.stop(SIGTERM)
                try await Task.sleep(for: .seconds(5))
                child.stop(SIGKILL)
            }
            let status = await child.exitStatus()
            limit.cancel()
            if status != 0 { note("--exec exited with status \(status)") }
        } catch {
            note("could not run --exec: \((CLIError.mapping(error) ?? CLIError("\(error)")).message)")
        }
    }
}

/// A template: literal text and `{{ reference }}` placeholders.
enum Template {
    struct Piece {
        var text: String
        var reference: SecretReference?
    }

    /// Splits `text` into pieces; a malformed placeholder is an error with its line and column.
    static func parse(_ text: String, name: String) throws -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            pieces.append(Piece(text: String(rest[..<open.lowerBound])))
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw CLIError("\(name):\(position(of: open.lowerBound, in: text)): '{{' is not closed by '}}'")
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            do {
                pieces.append(Piece(text: "", reference: try SecretReference(parsing: inner)))
            } catch {
                throw CLIError(
                    "\(name):\(position(of: open.lowerBound, in: text)): \(error.description)",
                    hint: "placeholders look like {{ aws-ps:///prod/db/password }}"
                )
            }
            rest = rest[close.upperBound...]
        }
        pieces.append(Piece(text: String(rest)))
        return pieces
    }

    private static func position(of index: String.Index, in text: String) -> String {
        let before = text[..<index]
        let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = before.distance(from: before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex, to: before.endIndex) + 1
        return "\(line):\(column)"
    }
}

/// Writes files so that they are complete or absent, with their mode from the first byte (see `SecretFile`).
enum AtomicFile {
    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        do {
            try SecretFile.write(data, to: path, mode: mode)
        } catch {
            throw CLIError("could not write \(error)", hint: "check that the folder exists and is writable")
        }
    }
}
