import ArgumentParser
import Foundation
import Sesame

/// How `sesame env` writes variables. Each format is read back byte for byte by what it is for:
/// - `dotenv`: `NAME='value'` lines for `set -a; . ./file` in any POSIX shell (single quotes keep everything
///   literal, a `'` in the value becomes `'\''`; newlines stay inside the quotes).
/// - `export`: the same with `export ` in front, for `. ./file` or `eval "$(sesame env ...)"`.
/// - `docker`: `NAME=value` with nothing quoted, as `docker run --env-file` reads it (a value with a newline
///   cannot be written this way and is refused).
/// - `json`: one object, names sorted. `yaml`: one mapping, values as double-quoted scalars.
/// - `github`: `NAME<<DELIMITER` blocks for `$GITHUB_ENV`, with a random delimiter no value contains.
enum EnvironmentFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case dotenv, export, docker, json, yaml, github

    /// The text of `variables` (sorted by name) in this format.
    func render(_ variables: [(name: String, value: String)], delimiter: String = EnvironmentFormat.randomDelimiter()) throws -> String {
        switch self {
        case .dotenv: return variables.map { "\($0.name)=\(Self.singleQuoted($0.value))\n" }.joined()
        case .export: return variables.map { "export \($0.name)=\(Self.singleQuoted($0.value))\n" }.joined()
        case .docker:
            return try variables.map { variable in
                guard !variable.value.contains(where: \.isNewline) else {
                    throw CLIError(
                        "\(variable.name) holds a line break, which docker --env-file cannot read",
                        hint: "use --format dotenv (for a shell) or json instead"
                    )
                }
                return "\(variable.name)=\(variable.value)\n"
            }.joined()
        case .json:
            let object = Dictionary(variables.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(object), as: UTF8.self) + "\n"
        case .yaml:
            if variables.isEmpty { return "{}\n" }
            // Names quoted too: YAML 1.1 readers take a bare ON, NO, Y or NULL for a boolean or null.
            return variables.map { "\(Self.doubleQuoted($0.name)): \(Self.doubleQuoted($0.value))\n" }.joined()
        case .github:
            return try variables.map { variable in
                // The runner drops a carriage return at a line's end: such a value would not read back as it is.
                guard !variable.value.unicodeScalars.contains("\r") else {
                    throw CLIError("\(variable.name) holds a carriage return, which $GITHUB_ENV cannot carry", hint: "use --format json instead")
                }
                guard !variable.value.contains(delimiter) else {
                    throw CLIError("\(variable.name) contains the heredoc delimiter", hint: "run the command again (the delimiter is random)")
                }
                return "\(variable.name)<<\(delimiter)\n\(variable.value)\n\(delimiter)\n"
            }.joined()
        }
    }

    /// `'...'` with each `'` written as `'\''`: nothing inside single quotes is special to a POSIX shell.
    static func singleQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A JSON string, which is also a YAML double-quoted scalar (`SecretJSON.quoted`).
    static func doubleQuoted(_ value: String) -> String {
        SecretJSON.quoted(value)
    }

    /// `ghadelimiter_` and 32 random hex digits, as GitHub's own toolkit makes them.
    static func randomDelimiter() -> String {
        var generator = SystemRandomNumberGenerator()
        return "ghadelimiter_" + (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined().prefix(32)
    }

    /// The workflow command that hides `value` in a GitHub Actions log (`%`, CR and LF escaped as the runner
    /// expects), one per line of a multi-line value as well, since the runner masks line by line.
    static func maskCommands(for value: String) -> [String] {
        func escaped(_ text: some StringProtocol) -> String {
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        guard !value.isEmpty else { return [] }
        var commands = ["::add-mask::" + escaped(value)]
        if value.contains(where: \.isNewline) {
            for line in value.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                commands.append("::add-mask::" + escaped(line))
            }
        }
        return commands
    }
}
