import ArgumentParser
import Foundation
import SecretServerModels
import Sesame
import Yams

/// How a command prints what it read: a table for people, JSON or YAML for programs, or `raw`: one field's
/// value alone with no trailing newline (`-o raw=name`; for a list, that field of each item, one per line).
enum OutputFormat: ExpressibleByArgument, Sendable, Equatable {
    case table, json, yaml
    case raw(field: String?)

    init?(argument: String) {
        switch argument.lowercased() {
        case "table": self = .table
        case "json": self = .json
        case "yaml": self = .yaml
        case "raw": self = .raw(field: nil)
        default:
            guard argument.lowercased().hasPrefix("raw="), argument.count > 4 else { return nil }
            self = .raw(field: String(argument.dropFirst(4)))
        }
    }

    static var allValueStrings: [String] { ["table", "json", "yaml", "raw=FIELD"] }

    var defaultValueDescription: String {
        switch self {
        case .table: "table"
        case .json: "json"
        case .yaml: "yaml"
        case .raw(let field): field.map { "raw=\($0)" } ?? "raw"
        }
    }
}

/// Prints values as tables, JSON or YAML.
enum Output {
    static func write(_ text: String) {
        writeRaw(text + "\n")
    }

    /// Writes `text` as it is, with no newline added. `Data` is made from an array of the bytes: `Data(text.utf8)`
    /// asks at run time whether a `String.UTF8View` is `ContiguousBytes`, one scan of every conformance record of the
    /// binary (about 70 µs at a command's first write).
    static func writeRaw(_ text: String) {
        FileHandle.standardOutput.write(Data(Array(text.utf8)))
    }

    static func json(_ value: some Encodable) throws {
        let encoder = WireCoding.makeEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        write(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func yaml(_ value: some Encodable) throws {
        write(try YAMLEncoder().encode(value).trimmingCharacters(in: .newlines))
    }

    /// Prints `value` as JSON, YAML or one raw field, or calls `table` for the table form.
    static func render(_ value: some Encodable, format: OutputFormat, table: () -> Void) throws {
        switch format {
        case .json: try json(value)
        case .yaml: try yaml(value)
        case .table: table()
        case .raw(let field): writeRaw(try raw(value, field: field))
        }
    }

    /// One field's value of `value` (of each element, when it is a list), as text without a trailing newline.
    static func raw(_ value: some Encodable, field: String?) throws -> String {
        let text = String(decoding: try WireCoding.makeEncoder().encode(value), as: UTF8.self)
        let document = try SecretJSON.parse(text)
        func pick(_ element: SecretJSON) throws -> String {
            guard case .object(let members) = element else { return element.secretText ?? "" }
            let names = members.map(\.key).sorted().joined(separator: ", ")
            guard let field else {
                throw CLIError("-o raw needs the field to print", hint: "use -o raw=FIELD; fields: \(names)")
            }
            guard let member = members.first(where: { $0.key.caseInsensitiveCompare(field) == .orderedSame }) else {
                throw CLIError("there is no field '\(field)'", hint: "fields: \(names)", exitCode: .notFound)
            }
            return member.value.secretText ?? ""
        }
        if case .array(let elements) = document { return try elements.map(pick).joined(separator: "\n") }
        return try pick(document)
    }

    /// A plain table with a header row, columns padded to their widest cell.
    static func table(_ headers: [String], _ rows: [[String]]) {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        write(line(headers))
        for row in rows { write(line(row)) }
    }
}

/// Hides secret values in what people see.
enum Mask {
    static let hidden = "********"

    /// Whether an item holds something that must not be shown by default: a password field, or a field
    /// whose slug names a key, token, passphrase or secret.
    static func isSensitive(_ item: RestSecretItem) -> Bool {
        if item.isPassword { return true }
        let slug = item.slug.lowercased()
        return ["key", "token", "passphrase", "secret", "pin", "password"].contains { slug.contains($0) }
    }

    /// The item's value as shown: masked when sensitive (unless `reveal`), a file as its name.
    static func display(_ item: RestSecretItem, reveal: Bool) -> String {
        if item.isFile { return item.fileAttachmentId == nil ? "" : "<file: \(item.filename ?? "attachment")>" }
        if isSensitive(item) && !reveal { return item.itemValue.isEmpty ? "" : hidden }
        return item.itemValue
    }

    /// A copy of `secret` with sensitive values masked, for JSON/YAML output without `--reveal`.
    static func masked(_ secret: SecretModel) -> SecretModel {
        var copy = secret
        copy.items = secret.items.map { item in
            var item = item
            if isSensitive(item) && !item.itemValue.isEmpty { item.itemValue = hidden }
            return item
        }
        return copy
    }
}
