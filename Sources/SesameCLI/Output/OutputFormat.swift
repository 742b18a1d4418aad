import ArgumentParser
import Foundation
import SecretServerModels
import Yams

/// How a command prints what it read.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, yaml
}

/// Prints values as tables, JSON or YAML.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func json(_ value: some Encodable) throws {
        let encoder = WireCoding.makeEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        write(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func yaml(_ value: some Encodable) throws {
        write(try YAMLEncoder().encode(value).trimmingCharacters(in: .newlines))
    }

    /// Prints `value` as JSON or YAML, or calls `table` for the table form.
    static func render(_ value: some Encodable, format: OutputFormat, table: () -> Void) throws {
        switch format {
        case .json: try json(value)
        case .yaml: try yaml(value)
        case .table: table()
        }
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
