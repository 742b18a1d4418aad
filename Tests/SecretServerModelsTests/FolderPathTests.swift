import SecretServerModels
import Testing

/// Folder paths split at every `\` and `/`, by Unicode scalar: no character Unicode joins to a separator hides it.
@Suite(.timeLimit(.minutes(1))) struct FolderPathTests {
    @Test(arguments: [
        ("\\Prod\\Databases\\db01", ["Prod", "Databases", "db01"]),
        ("Prod/Databases", ["Prod", "Databases"]),
        ("\\\\Prod//x\\", ["Prod", "x"]),
        ("\\Odd\u{0600}\\name", ["Odd\u{0600}", "name"]),  // U+0600 joins what follows it
        ("/\u{301}a/b\u{200D}/c", ["\u{301}a", "b\u{200D}", "c"]),  // a combining accent, a zero-width joiner
        ("", []),
    ])
    func namesAreSplitAtEverySeparator(path: String, names: [String]) {
        #expect(FolderPath.names(path) == names)
    }

    @Test func normalizedUsesBackslashes() {
        #expect(FolderPath.normalized("Prod/Databases\u{0600}/db") == "\\Prod\\Databases\u{0600}\\db")
    }

    @Test func aSeparatorIsFoundBesideAnyCharacter() {
        // In variables: the #expect macro cannot quote a literal with a backslash and a \u{...} escape.
        let withBackslash = "A\u{0600}\\B"
        let withSlash = "A/\u{301}B"
        let without = "A\u{0600} B\u{301}"
        #expect(FolderPath.containsSeparator(withBackslash))
        #expect(FolderPath.containsSeparator(withSlash))
        #expect(!FolderPath.containsSeparator(without))
    }
}
