/// Help texts as written in the source, made to read well at any terminal width.
enum HelpText {
    /// `text` with the lines of each prose paragraph joined into one, so that ArgumentParser wraps them at the
    /// terminal's width instead of breaking them once where the source does and again where the terminal does.
    /// Indented lines (examples, continued list items), blank lines and list items (`- `, `* `, `1. `) stay as
    /// written.
    static func flowing(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let last = lines.last, isProse(last), isProse(line), !startsItem(line) {
                lines[lines.count - 1] = last + " " + line
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func isProse(_ line: Substring) -> Bool {
        guard let first = line.first else { return false }
        return !first.isWhitespace
    }

    private static func startsItem(_ line: Substring) -> Bool {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return true }
        let digits = line.prefix(while: \.isNumber)
        return !digits.isEmpty && line.dropFirst(digits.count).hasPrefix(". ")
    }
}
