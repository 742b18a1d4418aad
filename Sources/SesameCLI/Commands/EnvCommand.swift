import ArgumentParser
import Foundation
import Sesame

/// `sesame env --from FILE | PREFIX --format F [--out FILE]`: secrets as environment variables in a file format.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        _superCommandName: "sesame",  // see SecretGetCommand
        abstract: "Write secrets as variables: dotenv, export, docker, json, yaml, or GitHub Actions' $GITHUB_ENV.",
        discussion: HelpText.flowing(
            """
            --from FILE reads NAME=REF lines (as sesame run --env-file does; a value that is not a reference is written
            as it is). A prefix instead writes everything under it: parameters under aws-ps:///prod/app/, secrets under
            aws-sm://prod/, the fields of tss://12, or every field of every secret in tss://Folder (named SECRET_FIELD);
            -R goes into subfolders. Names are derived as chamber derives them: the part after the prefix, upper case,
            with /, -, . and anything else that cannot be in a variable name turned into _.

            Every value is read before anything is written; if one fails, nothing is. With --out the file is written
            atomically with mode 0600. Formats:
              dotenv   NAME='value' ('\\'' for a quote): set -a; . ./file reads it back exactly
              export   export NAME='value': for . ./file or eval
              docker   NAME=value unquoted, for docker run --env-file (values with line breaks are refused)
              json     one object; yaml: one mapping of double-quoted strings
              github   appends NAME<<DELIMITER blocks to $GITHUB_ENV (or --out) with a random delimiter, and (when
                       GITHUB_ACTIONS=true) prints ::add-mask:: for every value first, so the runner hides them

            With a prefix, a name that changes how programs run (PATH, LD_*, BASH_ENV, NODE_OPTIONS, GITHUB_*, AWS_*,
            ...) is refused unless --allow-name NAME says it is meant: whoever can add a parameter under the prefix
            must not get to set it.

            Examples:
              sesame env aws-ps:///prod/app/ --out .env && (set -a; . ./.env; ./server)
              sesame env --from .env.refs --format json
              sesame env tss://Prod/Databases --format docker --out db.env
              sesame env 'aws-sm://ci/' --format github
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions
    @OptionGroup var cacheOptions: CacheOptions

    @Argument(help: "Write everything under this reference (instead of --from).")
    var prefix: String?

    @Option(name: .long, help: ArgumentHelp("A file of NAME=REF lines to write (instead of a prefix).", valueName: "file"))
    var from: String?

    @Option(name: .long, help: "dotenv, export, docker, json, yaml, or github.")
    var format: EnvironmentFormat = .dotenv

    @Option(name: .long, help: ArgumentHelp("Write here (atomically, mode 0600) instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(name: [.customShort("R"), .long], help: "With a prefix: also what is in its subfolders.")
    var recursive = false

    @Option(
        name: .customLong("allow-name"),
        help: ArgumentHelp(
            "With a prefix: write this name although it changes how programs run (PATH, LD_PRELOAD, ...). Repeatable.", valueName: "NAME"
        ))
    var allowedNames: [String] = []

    /// Names that change how a shell, the dynamic loader, an interpreter or a CI runner behaves. Whoever can create a
    /// parameter under a prefix (`/prod/app/ld-preload`) must not get to set one of these through `env PREFIX`.
    static func isReserved(_ name: String) -> Bool {
        let exact: Set<String> = [
            "PATH", "HOME", "SHELL", "IFS", "ENV", "BASH_ENV", "PS1", "PS2", "PS4", "PROMPT_COMMAND", "CDPATH", "GLOBIGNORE",
            "SHELLOPTS", "BASHOPTS", "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PERL5OPT", "PERL5LIB",
            "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "GCONV_PATH", "TMPDIR", "EDITOR", "PAGER",
            "VISUAL", "LESSOPEN", "LESSCLOSE", "PYTHONWARNINGS", "SSH_ASKPASS", "SSH_AUTH_SOCK", "KUBECONFIG", "DOCKER_HOST",
            "DOCKER_CONFIG", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR",
            "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "NODE_TLS_REJECT_UNAUTHORIZED", "OPENSSL_CONF",
        ]
        let prefixes = ["LD_", "DYLD_", "GITHUB_", "RUNNER_", "ACTIONS_", "SESAME_", "AWS_", "GIT_", "BASH_FUNC_", "NPM_CONFIG_"]
        // Proxy variables are read in either case by most tools.
        return exact.contains(name.uppercased()) || prefixes.contains { name.uppercased().hasPrefix($0) }
    }

    func validate() throws {
        guard (prefix == nil) != (from == nil) else {
            throw ValidationError("give either a prefix (sesame env aws-ps:///prod/app/) or --from FILE, not both or neither")
        }
    }

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let store = ReferenceStore.make(connection: connection, cache: try cacheOptions.configuration(environment), access: restricted.access(environment))
        let wanted = try await variables(store)
        let references = wanted.compactMap { $0.reference }
        let values = try await ReferenceStore.resolve(references, with: store, refresh: cacheOptions.refresh)
        var resolved: [SecretReference: String] = [:]
        for (reference, value) in zip(references, values) {
            guard let text = value.text, !text.utf8.contains(0) else {
                throw CLIError("\(reference.canonical) is binary, which cannot be an environment variable")
            }
            resolved[reference] = text
        }
        let variables = wanted.map { ($0.name, $0.reference.map { resolved[$0]! } ?? $0.literal) }
        try emit(variables.map { (name: $0.0, value: $0.1) }, environment: environment)
    }

    struct Wanted {
        var name: String
        var reference: SecretReference?
        var literal = ""
    }

    /// The variables to write, sorted by name: from the file, or found under the prefix.
    private func variables(_ store: SecretStore) async throws -> [Wanted] {
        var result: [Wanted] = []
        if let from {
            for (name, value) in try EnvFile.read(from) {
                if SecretReference.looksLikeReference(value) {
                    do {
                        result.append(Wanted(name: name, reference: try SecretReference(parsing: value)))
                    } catch {
                        throw CLIError("\(from): the variable \(name): \(error.description)")
                    }
                } else {
                    result.append(Wanted(name: name, literal: value))
                }
            }
        } else if let prefix {
            let parsed = try SecretStore.prefix(prefix)
            guard parsed.scheme != "env" else { throw CLIError("env:// has nothing under it to write", hint: "use sesame run, or --from") }
            let provider = try store.provider(for: parsed)
            for entry in try await provider.entries(under: parsed, recursive: recursive) {
                switch entry.kind {
                case .folder: continue
                case .field:
                    result.append(Wanted(name: try Self.name(entry.reference, under: parsed), reference: entry.reference))
                case .secret where entry.reference.scheme == "tss":
                    // A Secret Server secret holds fields: each becomes SECRET_FIELD.
                    for field in try await provider.entries(under: entry.reference, recursive: false) where field.kind == .field {
                        result.append(Wanted(name: try Self.name(field.reference, under: parsed), reference: field.reference))
                    }
                case .secret:
                    result.append(Wanted(name: try Self.name(entry.reference, under: parsed), reference: entry.reference))
                }
            }
            guard !result.isEmpty else {
                throw CLIError("nothing under \(parsed.canonical)", hint: "check the prefix with sesame ls \(parsed.canonical)", exitCode: .notFound)
            }
        }
        if from == nil {
            for variable in result where Self.isReserved(variable.name) && !allowedNames.contains(variable.name) {
                throw CLIError(
                    "\(variable.reference?.canonical ?? variable.name) would set \(variable.name), which changes how programs run",
                    hint: "pass --allow-name \(variable.name) if that is meant, or name it yourself with --from"
                )
            }
        }
        var seen: [String: String] = [:]
        for variable in result {
            let source = variable.reference?.canonical ?? "a literal value"
            if let earlier = seen.updateValue(source, forKey: variable.name) {
                throw CLIError("two values would be named \(variable.name): \(earlier) and \(source)", hint: "rename one, or use --from with names of your own")
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    /// chamber's rule: the path below the prefix, upper case, every character a variable name cannot hold as `_`.
    static func name(_ reference: SecretReference, under prefix: SecretReference) throws -> String {
        let relative = reference.segments.starts(with: prefix.segments) ? Array(reference.segments.dropFirst(prefix.segments.count)) : reference.segments
        var name = String(
            relative.joined(separator: "_").uppercased().unicodeScalars.map { scalar -> Character in
                ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" ? Character(scalar) : "_"
            })
        if name.first?.isNumber == true { name = "_" + name }
        guard !name.isEmpty else {
            throw CLIError("\(reference.canonical) leaves no name below the prefix", hint: "give the prefix of what holds it, or use --from")
        }
        return name
    }

    private func emit(_ variables: [(name: String, value: String)], environment: [String: String]) throws {
        guard format == .github else {
            let text = try format.render(variables)
            if let out {
                try AtomicFile.write(Data(text.utf8), to: out, mode: 0o600)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            return
        }
        guard let destination = out ?? environment["GITHUB_ENV"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw CLIError("--format github appends to $GITHUB_ENV, which is not set", hint: "run it in a GitHub Actions step, or give --out FILE")
        }
        let text = try format.render(variables)
        // The masks first: once the runner knows them, no later line of the log shows the values. Outside a
        // runner they would only print the values, so they are printed in GitHub Actions alone.
        if environment["GITHUB_ACTIONS"] == "true" {
            let masks = variables.flatMap { EnvironmentFormat.maskCommands(for: $0.value) }
            if !masks.isEmpty { Output.write(masks.joined(separator: "\n")) }
        }
        let descriptor = open(destination, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CLIError("could not open \(destination): \(String(cString: strerror(errno)))", hint: "check the path")
        }
        defer { close(descriptor) }
        // O_APPEND: whatever else the step appended stays; the whole text goes in one write unless the kernel splits it.
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw CLIError("could not write \(destination): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }
}
