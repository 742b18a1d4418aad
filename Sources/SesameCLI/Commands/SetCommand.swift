import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels
import Sesame

/// `sesame set REF`: writes a value to what a reference names.
struct SetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Write a value (from standard input, a file, or generated) to what a reference names.",
        discussion: HelpText.flowing(
            """
            The value is read from standard input (without one trailing newline; on a terminal, asked for twice
            without echo), from --file PATH (as bytes: a file field, a binary Secrets Manager secret), or made with
            --generate (for a Secret Server field, by the server to the field's password requirement; elsewhere 32
            random letters, digits, '-', '_' and '.'). It is never taken from the command line and never printed.

            A Secret Server field is written as a field save (restricted secrets take --comment and the other options);
            a Secrets Manager secret gets a new current version (one JSON key with #key.path, the rest kept); a
            Parameter Store parameter keeps its type and its KMS key. Cached copies of the old value are removed. What
            the reference names must exist: a mistyped name is an error, not a new secret, unless --create is given
            (for aws-sm:// and aws-ps://). Options that pick a version (?version-stage=) are refused: a write always
            makes the current value.

            Examples:
              printf '%s' "$PW" | sesame set tss://12/password
              sesame set 'tss://Prod/Databases/db01 root/password' --generate --comment 'INC-42 rotation'
              sesame set tss://7/private-key --file ~/.ssh/id_ed25519
              printf '%s' "$PW" | sesame set 'aws-sm://prod/db#password'
              sesame set aws-ps:///prod/db/password --generate
            """)
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions

    @Argument(help: "The reference, e.g. tss://12/password, aws-sm://prod/db#user.password or aws-ps:///prod/db/password.")
    var reference: String

    @Option(name: .long, help: "Write this file's content (bytes) instead of standard input.")
    var file: String?

    @Flag(name: .long, help: "Write a new generated value instead of one given.")
    var generate = false

    @Flag(name: .long, help: "Create the Secrets Manager secret or Parameter Store parameter (a SecureString) when there is none.")
    var create = false

    func validate() throws {
        guard file == nil || !generate else { throw ValidationError("give --file or --generate, not both") }
    }

    func run() async throws {
        let parsed = try SecretStore.reference(reference)
        guard parsed.scheme != "env" else { throw CLIError("an env:// reference cannot be written", hint: "set the variable yourself") }
        try SecretStore.checkWritable(parsed)
        let store = ReferenceStore.forWriting(connection: connection, access: restricted.access())
        // A mistyped name must not become a new secret beside the one meant to change.
        if !(create && parsed.scheme.hasPrefix("aws-")) {
            let whole = SecretReference(scheme: parsed.scheme, segments: parsed.segments, leadingSlash: parsed.hasLeadingSlash)
            let found: Bool
            do {
                found = try await store.provider(for: whole).exists(whole)
            } catch let error as SesameError where error.code == .accessDenied && parsed.scheme.hasPrefix("aws-") {
                throw CLIError(
                    "cannot tell whether \(whole.canonical) exists: \(error.message)",
                    hint: "grant the read permission (secretsmanager:DescribeSecret, ssm:GetParameter), or pass --create to write without the check",
                    exitCode: .accessDenied
                )
            }
            guard found else {
                throw CLIError(
                    "\(whole.canonical) does not exist, so nothing was written",
                    hint: parsed.scheme.hasPrefix("aws-") ? "check the name, or pass --create to make it" : "check the reference with sesame ls",
                    exitCode: .notFound
                )
            }
        }
        let value: SecretValue.Content
        if let file {
            let data = try Terminal.readFile(file, limit: Terminal.fileLimit)
            value = String(data: data, encoding: .utf8).map(SecretValue.Content.text) ?? .bytes(Array(data))
        } else if generate {
            value = .text(try await generated(parsed))
        } else {
            value = .text(try Terminal.readValue(parsed.canonical))
        }
        do {
            try await store.update(parsed, to: value)
        } catch {
            if parsed.scheme == "tss" { connection.forgetCachedValues() }
            throw error
        }
        // Every cached name of a Secret Server field (by id or path, slug or field name) goes with the old value.
        if parsed.scheme == "tss" { connection.forgetCachedValues() }
        Output.write("set \(parsed.canonical)")
    }

    /// A new value: for a Secret Server field, the server's, made to that field's requirement; else 32 random
    /// characters from letters, digits, `-`, `_` and `.`, which need no quoting in a shell, a URL or a YAML file.
    private func generated(_ reference: SecretReference) async throws -> String {
        guard reference.scheme == "tss" else { return Self.randomValue(length: 32) }
        guard reference.segments.count >= 2, let slug = reference.segments.last else {
            throw CLIError("name a field to generate: tss://12/password")
        }
        let key =
            reference.segments.count == 2 && Int(reference.segments[0]) != nil
            ? reference.segments[0] : "\\" + reference.segments.dropLast().joined(separator: "\\")
        return try await connection.withClient { client in
            let summary = try await client.secretSummary(id: try await SecretKey.id(key, client: client))
            let template = try await client.template(id: summary.secretTemplateId)
            guard let field = template.field(slug), field.isPassword else {
                throw CLIError(
                    "'\(slug)' is not a password field of template '\(template.name)', so there is no requirement to generate to",
                    hint: "give the value on standard input instead", exitCode: .notFound)
            }
            return try await client.generatePassword(fieldId: field.secretTemplateFieldId)
        }
    }

    static func randomValue(length: Int) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
