/// A reference that could not be parsed: what is wrong, and at which character.
public struct SecretReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reference as given.
    public let reference: String
    /// The offset of the offending character, in Unicode scalars from the start (the parser reads scalars, so that
    /// no character Unicode joins to a separator can hide it).
    public let position: Int
    /// What is wrong there, and what to do.
    public let message: String

    public init(reference: String, position: Int, message: String) {
        self.reference = reference
        self.position = position
        self.message = message
    }

    /// The message, the reference, and a caret under the bad character:
    /// ```
    /// invalid secret reference at character 7: unknown scheme 'tsss' (use tss, aws-sm, aws-ps or env)
    ///   tsss://12/password
    ///   ^
    /// ```
    public var description: String {
        // The caret goes under the character (as a terminal shows it) that holds the scalar.
        let scalars = reference.unicodeScalars
        let scalar = scalars.index(scalars.startIndex, offsetBy: min(max(0, position), scalars.count))
        let column = scalar == reference.endIndex ? reference.count : reference.indices.lazy.filter { $0 <= scalar }.count - 1
        return "invalid secret reference at character \(column + 1): \(message)\n  \(reference)\n  " + String(repeating: " ", count: column) + "^"
    }
}
