/// Generates passwords that satisfy a password requirement: the requirement's length (or the field's,
/// when longer), at least one character of every class the requirement uses, from a system CSPRNG.
///
/// Symbols leave out `"`, `\`, `'`, `` ` `` and `/`: tss-sdk-go strips the quotes of the JSON answer without
/// unescaping it, and shells and URLs mangle the others.
enum PasswordGenerator {
    static let uppercase = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
    static let lowercase = Array("abcdefghijkmnopqrstuvwxyz")
    static let digits = Array("23456789")
    static let symbols = Array("!#$%&*+-.:;=?@^_~")

    static func generate(requirement: PasswordRequirementRow, length requested: Int = 0) -> String {
        var classes: [[Character]] = []
        if requirement.useUppercase { classes.append(uppercase) }
        if requirement.useLowercase { classes.append(lowercase) }
        if requirement.useDigits { classes.append(digits) }
        if requirement.useSymbols { classes.append(symbols) }
        if classes.isEmpty { classes = [uppercase, lowercase, digits] }
        let length = min(max(requirement.minLength, requested, classes.count), max(requirement.maxLength, classes.count))
        var generator = SystemRandomNumberGenerator()
        var characters: [Character] = classes.map { $0.randomElement(using: &generator)! }
        let all = classes.flatMap { $0 }
        while characters.count < length { characters.append(all.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }
}
