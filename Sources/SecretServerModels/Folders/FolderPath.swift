/// Folder and secret paths as Secret Server writes them (`\Prod\Databases\db01`), `/` taken for `\`.
public enum FolderPath {
    /// The names in `path`, split at every `\` and `/`, empty ones dropped. Split by Unicode scalar, as the server
    /// does: a name that ends with a character Unicode joins to what follows (U+0600), or begins with one joined to
    /// what precedes (a combining mark), keeps the separator beside it.
    public static func names(_ path: String) -> [String] {
        path.unicodeScalars.split(whereSeparator: { $0 == "\\" || $0 == "/" }).map { String($0) }
    }

    /// `\A\B` from `A/B`, `/A/B` or `\A\B`.
    public static func normalized(_ path: String) -> String {
        "\\" + names(path).joined(separator: "\\")
    }

    /// Whether `name` holds a `\` or `/` (by Unicode scalar, so none hides in a character with its neighbour): a
    /// folder or secret name may not.
    public static func containsSeparator(_ name: String) -> Bool {
        name.unicodeScalars.contains { $0 == "\\" || $0 == "/" }
    }
}
