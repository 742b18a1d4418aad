import ArgumentParser
import Foundation
import Sesame
import SesameFiles

/// `sesame inject -i TEMPLATE -o FILE`: renders `{{ REF }}` placeholders.
struct InjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Render a template whose {{ reference }} placeholders become secret values.",
        discussion: """
            Every placeholder is read before anything is written; if one fails, nothing is written. The output
            file is written with mode 0600 through a temporary file and a rename, so it is never half-written
            and never readable by others. Without -o the result goes to standard output.

            Examples:
              sesame inject -i config.yml.tpl -o config.yml
              echo 'password: {{ aws-ps:///prod/db/password }}' | sesame inject
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var restricted: RestrictedOptions

    @Option(name: [.short, .customLong("in")], help: "The template (default: standard input).")
    var input: String?

    @Option(name: [.short, .customLong("out")], help: "The file to write (mode 0600, atomically; default: standard output).")
    var output: String?

    func run() async throws {
        let template: String
        if let input {
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                throw CLIError("could not read the template \(input)", hint: "check the path and that it is UTF-8 text")
            }
            template = text
        } else {
            template = Terminal.readAllStandardInput()
        }
        let pieces = try Template.parse(template, name: input ?? "<stdin>")
        let references = Array(Set(pieces.compactMap(\.reference))).sorted { $0.canonical < $1.canonical }
        let store = ReferenceStore.make(connection: connection, access: restricted.access())
        let values = try await ReferenceStore.resolve(references, with: store)
        var resolved: [SecretReference: String] = [:]
        for (reference, value) in zip(references, values) {
            guard let text = value.text else {
                throw CLIError("\(reference.canonical) is binary and cannot go into a text template")
            }
            resolved[reference] = text
        }
        let rendered = pieces.map { piece in piece.reference.map { resolved[$0]! } ?? piece.text }.joined()
        if let output {
            try AtomicFile.write(Data(rendered.utf8), to: output, mode: 0o600)
        } else {
            FileHandle.standardOutput.write(Data(rendered.utf8))
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
