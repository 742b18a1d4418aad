import GRDB

/// The `WHERE` clause of a list query, built from the filters a request gave: each condition with its arguments,
/// bound, never spliced into the SQL.
struct SQLFilter {
    private var conditions: [String] = []
    /// The values of the conditions' `?` placeholders, in order.
    private(set) var arguments: StatementArguments = []

    /// Adds `condition` (SQL with `?` placeholders for `values`).
    mutating func require(_ condition: String, _ values: [any DatabaseValueConvertible] = []) {
        conditions.append(condition)
        arguments += StatementArguments(values)
    }

    /// Adds "`column` contains `text`" (LIKE, without regard to ASCII case, `%` and `_` taken literally) when `text`
    /// is given and not empty.
    mutating func contains(_ text: String?, column: String = "name") {
        guard let text, !text.isEmpty else { return }
        require("\(column) LIKE ? ESCAPE '\\'", ["%\(Self.escapeLike(text))%"])
    }

    /// ` WHERE a AND b`, or nothing when there is no condition.
    var whereClause: String {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }

    /// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape, by Unicode scalar (as SQLite reads the
    /// pattern): a `%` followed by a combining mark is one Character but still a wildcard to SQLite.
    static func escapeLike(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "%" || scalar == "_" || scalar == "\\" { result.append("\\") }
            result.append(scalar)
        }
        return String(result)
    }
}
